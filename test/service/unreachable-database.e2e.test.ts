// A DATABASE_URL nothing answers at: what a newcomer sees when PostgreSQL is not running yet.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIST = join(__dirname, '..', '..', 'dist', 'src');

/** A port on 127.0.0.1 that was free a moment ago and that nothing listens on now. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function run(entry: string, dataDir: string, databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, STOFLOW_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ENVIRONMENT: 'development', DATABASE_URL: databaseUrl, REDIS_URL: '' };
  const child = spawn(process.execPath, [join(DIST, entry)], { env, cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('Starting against a PostgreSQL that cannot be reached', () => {
  let dataDir: string;
  beforeAll(() => {
    if (!existsSync(join(DIST, 'main.js'))) throw new Error(`${DIST} is missing: run the build first (npm test does)`);
    dataDir = mkdtempSync(join(tmpdir(), 'stoflow-nodb-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each(['main.js', 'worker.js'])('When %s starts with DATABASE_URL on a closed port, then it says which host and port in one line and exits 2', async (entry) => {
    const port = await closedPort();
    const result = await run(entry, dataDir, `postgres://stoflow:s3cret-pw@127.0.0.1:${port}/stoflow`);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Stoflow failed to start: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} \\(connection refused\\): check .*DATABASE_URL`));
    expect(result.stderr + result.stdout).not.toContain('s3cret-pw');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }, 30_000);
});
