import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

// The run command as a user runs it: the compiled service on its embedded PostgreSQL.
const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

interface Running {
  child: ChildProcess;
  base: string;
}

function start(dataDir: string): Promise<Running> {
  const env: NodeJS.ProcessEnv = { ...process.env, STOFLOW_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ENVIRONMENT: 'development' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, [MAIN], { env, cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Stoflow API\s+(http:\/\/localhost:\d+)\/$/.exec(line);
      if (match) resolve({ child, base: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code} before listening`)));
  });
}

function run(dataDir: string, port: number): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, STOFLOW_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, [MAIN], { env, cwd: dataDir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

function stop(running: Running, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.once('exit', (code) => resolve(code));
    running.child.kill(signal);
  });
}

describe('The run command', () => {
  let dataDir: string;
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run the build first (npm test does)`);
    dataDir = mkdtempSync(join(tmpdir(), 'stoflow-run-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('When started without DATABASE_URL, then it serves on the embedded PostgreSQL, stops cleanly on a signal, and a second start keeps the data', async () => {
    const first = await start(dataDir);
    const health = await fetch(`${first.base}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { checks: { database: { status: string } } }).checks.database.status).toBe('ok');
    const email = `first.${randomBytes(4).toString('hex')}@example.test`;
    const registered = await fetch(`${first.base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'Sturdy-Password-42', full_name: 'First Seller', account_type: 'individual' }),
    });
    expect(registered.status).toBe(201);
    // The service's own connections log in as the app role, not as the server's superuser.
    const settings = JSON.parse(readFileSync(join(dataDir, 'postgres.json'), 'utf8')) as { port: number; password: string };
    const owner = new pg.Client({ connectionString: `postgres://postgres:${encodeURIComponent(settings.password)}@127.0.0.1:${settings.port}/stoflow` });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ usename: string; rolsuper: boolean }>(
        `select distinct a.usename, r.rolsuper from pg_stat_activity a join pg_roles r on r.rolname = a.usename where a.application_name = 'stoflow'`,
      );
      expect(rows).toEqual([{ usename: 'stoflow_app', rolsuper: false }]);
    } finally {
      await owner.end();
    }
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(true);
    expect(await stop(first, 'SIGTERM')).toBe(0);

    // Logs went to the data folder's log file too, every request line carrying the id its response had.
    const log = readFileSync(join(dataDir, 'logs', 'api', 'current.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const requestId = health.headers.get('x-request-id');
    expect(log).toContainEqual(expect.objectContaining({ msg: 'request', path: '/health', status: 200, request_id: requestId }));
    expect(log).toContainEqual(expect.objectContaining({ msg: 'Stoflow is listening' }));

    const second = await start(dataDir);
    const login = await fetch(`${second.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'Sturdy-Password-42' }),
    });
    expect(login.status).toBe(200);
    expect(await stop(second, 'SIGINT')).toBe(0);
  }, 60_000);

  it('When the port is taken, then it says so in one line, exits 1 and leaves no database running', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '0.0.0.0', () => resolve()));
    const port = (busy.address() as { port: number }).port;
    try {
      const result = await run(dataDir, port);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(`Stoflow failed to start: port ${port} is already in use: stop what holds it or set PORT`);
      expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    } finally {
      busy.close();
    }
  }, 60_000);
});
