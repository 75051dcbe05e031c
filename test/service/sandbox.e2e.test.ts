// `npm run sandbox` as a newcomer runs it: the compiled sandbox, its embedded PostgreSQL, the
// doubles and the simulated extension; then the README's publish to eBay, Etsy and Vinted.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import sharp from 'sharp';

const SANDBOX = join(__dirname, '..', '..', 'dist', 'test', 'doubles', 'sandbox.js');

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('npm run sandbox', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  beforeAll(() => {
    if (!existsSync(SANDBOX)) throw new Error(`${SANDBOX} is missing: run the build first (npm test does)`);
    dataDir = mkdtempSync(join(tmpdir(), 'stoflow-sandbox-'));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('When a newcomer starts the sandbox, then the demo seller is connected to the three marketplaces and a product published to all three goes live on each', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, SANDBOX_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'error' };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    child = spawn(process.execPath, [SANDBOX], { env, cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const banner: string[] = [];
    const token = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).on('line', (line) => {
        banner.push(line);
        const match = /export TOKEN=(\S+)/.exec(line);
        if (match) resolve(match[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}: ${stderr.slice(-2000)}`)));
    });
    expect(banner.join('\n')).toMatch(/eBay\s+http:\/\/127\.0\.0\.1:\d+\s+connected as sandbox_seller/);
    expect(banner.join('\n')).toMatch(/Vinted \(simulated extension\)\s+connected as/);

    const base = `http://127.0.0.1:${port}`;
    const auth = { Authorization: `Bearer ${token}` };
    const integrations = (await (await fetch(`${base}/api/integrations`, { headers: auth })).json()) as { items: { marketplace: string; status: string }[] };
    expect(integrations.items.map((i) => [i.marketplace, i.status])).toEqual([
      ['ebay', 'connected'],
      ['etsy', 'connected'],
      ['vinted', 'connected'],
    ]);

    const created = await fetch(`${base}/api/products`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'DEMO-1', title: 'Levi’s 501 jeans', price: 39.9, stock_quantity: 1, category: 'jeans', condition: 'very_good', brand: "Levi's", size: 'm' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const photo = new FormData();
    photo.append('file', new Blob([await sharp({ create: { width: 600, height: 800, channels: 3, background: '#2d4a7a' } }).jpeg().toBuffer()], { type: 'image/jpeg' }), 'photo.jpg');
    expect((await fetch(`${base}/api/products/${id}/images`, { method: 'POST', headers: auth, body: photo })).status).toBe(201);
    const published = await fetch(`${base}/api/products/${id}/publish`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ marketplaces: ['ebay', 'etsy', 'vinted'], overrides: { ebay: { category_id: '11483' }, etsy: { taxonomy_id: 2044, who_made: 'someone_else', when_made: '1990s' } } }),
    });
    expect(published.status).toBe(202);

    const deadline = Date.now() + 30_000;
    let statuses: string[] = [];
    while (Date.now() < deadline) {
      const listings = (await (await fetch(`${base}/api/products/${id}/listings`, { headers: auth })).json()) as { items: { marketplace: string; status: string }[] };
      statuses = listings.items.map((l) => `${l.marketplace} ${l.status}`).sort();
      if (statuses.every((s) => s.endsWith(' active')) && statuses.length === 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(statuses).toEqual(['ebay active', 'etsy active', 'vinted active']);
  }, 120_000);
});
