// Starting again after a crash: the compiled service on its embedded PostgreSQL, killed without
// a chance to clean up, then started at once on the same data folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
const PASSWORD = 'Sturdy-Password-42';

interface Running {
  child: ChildProcess;
  base: string;
  output: string[];
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A zombie (dead, not yet reaped) answers signal 0 too.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** The service in a process group of its own, as a terminal or a supervisor runs it. */
function start(dataDir: string): Promise<Running> {
  const env: NodeJS.ProcessEnv = { ...process.env, STOFLOW_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ENVIRONMENT: 'development' };
  Object.assign(env, { DATABASE_URL: '', REDIS_URL: '', EVENTSTORE_CONNECTION_STRING: '', LOG_DIR: '' });
  const child = spawn(process.execPath, [MAIN], { env, cwd: dataDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const match = /^Stoflow API\s+(http:\/\/localhost:\d+)\/$/.exec(line);
      if (match) resolve({ child, base: match[1]!, output });
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code} before listening:\n${output.slice(-20).join('\n')}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function register(base: string): Promise<string> {
  const email = `crash.${randomBytes(4).toString('hex')}@example.test`;
  const res = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, full_name: 'Crash Seller', account_type: 'individual' }),
  });
  expect(res.status).toBe(201);
  return email;
}

async function expectServing(running: Running, email: string): Promise<void> {
  expect((await fetch(`${running.base}/health`)).status).toBe(200);
  const login = await fetch(`${running.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(login.status).toBe(200);
}

/** SIGTERM: exit 0 and the database it runs stopped with it, pid file gone. */
async function expectCleanStop(running: Running, dataDir: string): Promise<void> {
  const postgresPid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  running.child.kill('SIGTERM');
  expect(await exited(running.child)).toBe(0);
  expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  expect(isRunning(postgresPid)).toBe(false);
}

const postmasterPid = (dataDir: string) => Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

async function waitUntilGone(pid: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(isRunning(pid)).toBe(false);
}

/** Writes `pid` on the first line of a postmaster.pid kept from a real start (port, folder…). */
function forgePidFile(dataDir: string, original: string, pid: number): void {
  const lines = original.split('\n');
  lines[0] = String(pid);
  writeFileSync(join(dataDir, 'postgres', 'postmaster.pid'), lines.join('\n'));
}

describe('Starting again after a crash', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'stoflow-crash-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run the build first (npm test does)`);
  });

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const started = async (dir: string) => {
    const running = await start(dir);
    children.push(running.child);
    return running;
  };

  it('When the whole process group is killed with SIGKILL and the service is started again at once, then it comes up with the data', async () => {
    const dir = dataDir();
    const first = await started(dir);
    const email = await register(first.base);

    process.kill(-first.child.pid!, 'SIGKILL');
    const second = await started(dir);

    await expectServing(second, email);
    await expectCleanStop(second, dir);
  }, 90_000);

  it('When only the Node.js process is killed and its PostgreSQL runs on, orphaned, then the next start stops that server and runs its own', async () => {
    const dir = dataDir();
    const first = await started(dir);
    const email = await register(first.base);
    const orphan = postmasterPid(dir);

    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(isRunning(orphan)).toBe(true);
    const second = await started(dir);

    await expectServing(second, email);
    expect(isRunning(orphan)).toBe(false);
    expect(postmasterPid(dir)).not.toBe(orphan);
    // It owns the database again: stopping the service stops it too.
    await expectCleanStop(second, dir);
  }, 90_000);

  it('When postmaster.pid names a process that is not a running PostgreSQL (an unrelated program, a zombie), then the start removes it, comes up and leaves that process alone', async () => {
    const dir = dataDir();
    const first = await started(dir);
    const email = await register(first.base);
    const original = readFileSync(join(dir, 'postgres', 'postmaster.pid'), 'utf8');
    const killed = postmasterPid(dir);
    process.kill(-first.child.pid!, 'SIGKILL');
    await waitUntilGone(killed);

    // The pid now belongs to an unrelated live process (pid reuse).
    const unrelated = spawn('sleep', ['120'], { stdio: 'ignore' });
    children.push(unrelated);
    forgePidFile(dir, original, unrelated.pid!);
    const second = await started(dir);
    await expectServing(second, email);
    expect(isRunning(unrelated.pid!)).toBe(true);
    const stopped = readFileSync(join(dir, 'postgres', 'postmaster.pid'), 'utf8');
    const secondPid = postmasterPid(dir);
    process.kill(-second.child.pid!, 'SIGKILL');
    await waitUntilGone(secondPid);

    // A killed server its parent has not reaped yet: a zombie still answers kill(pid, 0).
    // The child outlives the shell's exec into `sleep 120`, which never reaps it: had it ended
    // first, the shell could have reaped it, and there would be no zombie to test with.
    const parent = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 120'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(parent);
    const zombie = await new Promise<number>((resolve) => createInterface({ input: parent.stdout! }).once('line', (line) => resolve(Number(line))));
    const deadline = Date.now() + 10_000;
    while (!/^Z/.test(readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(() => process.kill(zombie, 0)).not.toThrow();
    forgePidFile(dir, stopped, zombie);
    const third = await started(dir);
    await expectServing(third, email);
    await expectCleanStop(third, dir);
    expect(isRunning(unrelated.pid!)).toBe(true);
    unrelated.kill();
    parent.kill();
  }, 120_000);
});
