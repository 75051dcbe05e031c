import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startKurrentDbDouble, type KurrentDbDouble } from '../doubles/kurrentdb/server';
import { productBody } from '../products/support';
import { databaseUrl } from '../support/db';

// The compiled entry points as an operator runs them, with the event log on KurrentDB (the
// protocol double, in this process) and the read models on the test's PostgreSQL and Redis.
const DIST = join(__dirname, '..', '..', 'dist', 'src');
const MAIN = join(DIST, 'main.js');
const WORKER = join(DIST, 'worker.js');

interface Running {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

interface Served extends Running {
  base: string;
}

function launch(entry: string, env: Record<string, string>, dataDir: string): Running {
  const merged: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl(),
    REDIS_URL: process.env.REDIS_URL ?? '',
    STOFLOW_DATA_DIR: dataDir,
    LOG_DIR: '',
    PORT: '0',
    LOG_LEVEL: 'info',
    ENVIRONMENT: 'test',
    JWT_SECRET_KEY: 'e2e-secret-key-that-is-long-enough-0123456789',
    RATE_LIMIT_REGISTER_PER_IP_HOUR: '10000',
    RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
    EBAY_POLL_SECONDS: '0',
    ETSY_POLL_SECONDS: '0',
    ...env,
  };
  const child = spawn(process.execPath, [entry], { env: merged, cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => output.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

async function waitForLine(running: Running, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void running.exited.then(() => (gone = true));
  for (;;) {
    for (const line of running.output) {
      const match = pattern.exec(line);
      if (match) return match;
    }
    if (gone || Date.now() > deadline) throw new Error(`no line matching ${String(pattern)}; the process's last lines:\n${running.output.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function serve(env: Record<string, string>, dataDir: string): Promise<Served> {
  const running = launch(MAIN, env, dataDir);
  const match = await waitForLine(running, /^Stoflow API\s+(http:\/\/localhost:\d+)\/$/);
  return { ...running, base: match[1]! };
}

async function stop(running: Running): Promise<number | null> {
  running.child.kill('SIGTERM');
  return running.exited;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field, as supertest's are
type Answer = { status: number; body: any };

async function call(base: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function register(base: string): Promise<{ token: string; tenant: number }> {
  const email = `esdb.${randomBytes(5).toString('hex')}@example.test`;
  const res = await call(base, '/api/auth/register', {
    method: 'POST',
    body: { email, password: 'Sturdy-Password-42', full_name: 'Camille Martin', account_type: 'individual' },
  });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.access_token as string, tenant: res.body.tenant_id as number };
}

describe('The service and its worker with EVENTSTORE_CONNECTION_STRING set (KurrentDB double)', () => {
  let double: KurrentDbDouble;
  let dataDir: string;
  const started: Running[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN) || !existsSync(WORKER)) throw new Error(`${DIST} is missing its entry points: run the build first (npm test does)`);
    double = await startKurrentDbDouble();
    dataDir = mkdtempSync(join(tmpdir(), 'stoflow-esdb-e2e-'));
  });
  afterAll(async () => {
    for (const running of started) if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
    await double.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('When a seller registers and creates a product, then it reads back at once, its event is on the feed and in KurrentDB, /health is ok, and SIGTERM stops the service with 0', async () => {
    // Arrange
    // Generous waits: the suite runs this beside heavy ones, and a first write of a new tenant warms everything.
    const api = await serve({ EVENTSTORE_CONNECTION_STRING: double.connectionString, READ_YOUR_WRITES_TIMEOUT_MS: '20000', DATABASE_STATEMENT_TIMEOUT_MS: '20000', DATABASE_QUERY_TIMEOUT_MS: '25000' }, dataDir);
    started.push(api);
    const seller = await register(api.base);
    // Act
    const created = await call(api.base, '/api/products', { method: 'POST', token: seller.token, body: productBody({ title: 'Chemise oxford', price: 24 }) });
    const read = await call(api.base, `/api/products/${created.body?.id as string}`, { token: seller.token });
    const feed = await call(api.base, '/api/events?after=0&limit=100', { token: seller.token });
    // The projections catch up a moment after the write (a loaded machine may take a few seconds).
    let health = await call(api.base, '/health');
    for (const deadline = Date.now() + 30_000; health.body?.checks?.projections?.status !== 'ok' && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 250));
      health = await call(api.base, '/health');
    }
    // Assert (a refusal shows its problem and the service's last lines)
    expect({ status: created.status, body: created.status === 201 ? undefined : created.body, log: created.status === 201 ? undefined : api.output.slice(-15) }).toEqual({ status: 201, body: undefined, log: undefined });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.body.id, title: 'Chemise oxford', price: 24, version: 1 });
    const items = feed.body.items as { stream: string; type: string; version: number; position: number }[];
    expect(items).toEqual(expect.arrayContaining([expect.objectContaining({ stream: `product-${created.body.id as string}`, type: 'ProductCreated', version: 1 })]));
    expect(double.log.all.filter((e) => e.stream === `client_${seller.tenant}.product-${created.body.id as string}`).map((e) => e.type)).toEqual(['ProductCreated']);
    expect(health.status).toBe(200);
    expect(health.body.checks.database.status).toBe('ok');
    expect(health.body.checks.projections).toMatchObject({ status: 'ok' });

    expect(await stop(api)).toBe(0);
    expect(api.output.some((l) => /"msg":"stopping"/.test(l))).toBe(true);
  }, 90_000);

  it('When the API runs with RUN_WORKERS=false, then a worker process projects its commands and both stop with 0 on SIGTERM', async () => {
    // Arrange
    const env = { EVENTSTORE_CONNECTION_STRING: double.connectionString, READ_YOUR_WRITES_TIMEOUT_MS: '20000', DATABASE_STATEMENT_TIMEOUT_MS: '20000', DATABASE_QUERY_TIMEOUT_MS: '25000' };
    const api = await serve({ ...env, RUN_WORKERS: 'false' }, dataDir);
    started.push(api);
    const worker = launch(WORKER, env, dataDir);
    started.push(worker);
    await waitForLine(worker, /"msg":"worker started"/);
    const seller = await register(api.base);
    // Act: the API appends and waits for the worker to apply the read model.
    const created = await call(api.base, '/api/products', { method: 'POST', token: seller.token, body: productBody({ title: 'Gilet laine' }) });
    const read = await call(api.base, `/api/products/${created.body?.id as string}`, { token: seller.token });
    // Assert
    expect(created.status).toBe(201);
    expect(read.body).toMatchObject({ id: created.body.id, title: 'Gilet laine', version: 1 });
    expect(api.output.some((l) => l.includes('RUN_WORKERS=false'))).toBe(true);

    expect(await stop(api)).toBe(0);
    const code = await stop(worker);
    expect({ code, log: code === 0 ? undefined : worker.output.slice(-15) }).toEqual({ code: 0, log: undefined });
  }, 90_000);
});
