// The run commands exactly as a user, systemd or `docker stop` runs and stops them: through npm.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');

interface Started {
  npm: ChildProcess;
  /** Every stdout and stderr line so far. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The embedded PostgreSQL's postmaster pid. */
  postgresPid: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `npm <args>` on a fresh data folder, resolved once `ready` matches a stdout line. */
function npmRun(args: string[], dataDir: string, ready: RegExp): Promise<Started & { match: RegExpExecArray }> {
  const env: NodeJS.ProcessEnv = { ...process.env, STOFLOW_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ENVIRONMENT: 'development' };
  // Set empty rather than removed, so that a developer's .env cannot fill them in.
  Object.assign(env, { DATABASE_URL: '', REDIS_URL: '', EVENTSTORE_CONNECTION_STRING: '', LOG_DIR: '' });
  // Its own process group, as a terminal's foreground job: Ctrl-C is a SIGINT to the group.
  const npm = spawn('npm', args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  createInterface({ input: npm.stderr! }).on('line', (line) => output.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    createInterface({ input: npm.stdout! }).on('line', (line) => {
      output.push(line);
      const match = ready.exec(line);
      if (match) {
        const postgresPid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
        resolve({ npm, output, exited, postgresPid, match });
      }
    });
    void exited.then(({ code }) => reject(new Error(`npm ${args.join(' ')} exited with ${code} before it was ready:\n${output.join('\n')}`)));
  });
}

/** Log lines at WARN or above printed after the stop began (start-up warnings are expected). */
function warningsWhileStopping(output: string[]): string[] {
  const from = output.findIndex((l) => /"msg":"(worker )?stopping"/.test(l));
  expect(from).toBeGreaterThanOrEqual(0);
  return output.slice(from).filter((l) => /"level":([4-9]\d)/.test(l) || /\b(WARN|ERROR|FATAL)\b/.test(l));
}

async function expectStopped(started: Started, dataDir: string, npmMayReraise = false): Promise<void> {
  const exited = await started.exited;
  // npm forwards the signal to the script and, on a loaded machine, has been seen to end by the
  // same signal after the script exited cleanly; what matters is that the service stopped itself.
  if (npmMayReraise && exited.signal === 'SIGTERM') expect(exited.code).toBeNull();
  else expect(exited).toEqual({ code: 0, signal: null });
  // The server stops with the database it started, and the folder's PostgreSQL is down. When npm
  // ends by the re-raised signal it may go before the script's last steps: the service still
  // finishes its own stop, so the database is given a bounded moment to be gone.
  const deadline = Date.now() + (npmMayReraise ? 60_000 : 0);
  const down = () => !existsSync(join(dataDir, 'postgres', 'postmaster.pid')) && !isAlive(started.postgresPid);
  while (!down() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // A failure says how far the service got in its stop.
  if (!down()) {
    // npm's pipe may close before the service's last lines: its own log files keep them.
    const logged = ['api', 'worker'].map((name) => join(dataDir, 'logs', name, 'current.log')).filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8').trim().split('\n').slice(-10).join('\n'));
    console.log(`still up after the stop; the service's last lines:\n${started.output.slice(-15).join('\n')}\nits log files' last lines:\n${logged.join('\n')}`);
  }
  expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  expect(isAlive(started.postgresPid)).toBe(false);
}

/** A port the system just handed out, so free, and away from the embedded default others start from. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('Stopping the run commands', () => {
  let dataDir: string;
  let running: ChildProcess | undefined;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stoflow-signal-'));
    // The embedded PostgreSQL starts from the port its settings name: not the default one that
    // another test's service, started at the same moment, would also try first.
    writeFileSync(join(dataDir, 'postgres.json'), JSON.stringify({ port: await freePort() }));
  });
  afterEach(() => {
    // A failed test must not leave a service behind: the whole group, as a terminal closing would.
    if (running?.exitCode === null && running.pid) process.kill(-running.pid, 'SIGKILL');
    running = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const listening = /^Health\s+(http:\/\/localhost:\d+)\/health/;

  it('When the npm start process gets SIGTERM, then npm exits, the port is closed and its PostgreSQL is stopped', async () => {
    const started = await npmRun(['start'], dataDir, listening);
    running = started.npm;
    const base = started.match[1]!;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    // Every link of the start banner answers.
    const banner = started.output.filter((l) => /^[A-Z][A-Za-z ]+\s{2,}http:\/\/localhost:\d+\//.test(l)).map((l) => l.split(/\s{2,}/)[1]!);
    expect(banner.length).toBeGreaterThanOrEqual(5);
    for (const link of banner) expect([link, (await fetch(link)).status]).toEqual([link, 200]);

    process.kill(started.npm.pid!, 'SIGTERM'); // that one pid only, as systemd and docker stop do
    await expectStopped(started, dataDir);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    expect(warningsWhileStopping(started.output)).toEqual([]);
  }, 120_000);

  it('When Ctrl-C reaches npm start (SIGINT to its process group), then it stops the same way and logs no warning', async () => {
    const started = await npmRun(['start'], dataDir, listening);
    running = started.npm;
    const base = started.match[1]!;
    expect((await fetch(`${base}/health`)).status).toBe(200);

    // The whole group: npm, the service and the embedded PostgreSQL all get it at once.
    process.kill(-started.npm.pid!, 'SIGINT');
    await expectStopped(started, dataDir);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    expect(warningsWhileStopping(started.output)).toEqual([]);
  }, 120_000);

  it('When the npm run worker process gets SIGTERM, then npm exits and the PostgreSQL it started is stopped', async () => {
    const started = await npmRun(['run', 'worker'], dataDir, /"msg":"worker started"/);
    running = started.npm;

    process.kill(started.npm.pid!, 'SIGTERM');
    await expectStopped(started, dataDir, true);
    expect(warningsWhileStopping(started.output)).toEqual([]);
    // The worker's lines are in its own log folder, the last one included.
    const log = readFileSync(join(dataDir, 'logs', 'worker', 'current.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(log[log.length - 1]!)).toMatchObject({ msg: 'worker stopped' });
  }, 120_000);

  it.each([
    ['npm start', ['start'], 'api', 'stopping', 'stopped'],
    ['npm run worker', ['run', 'worker'], 'worker', 'worker stopping', 'worker stopped'],
  ])('When %s gets SIGTERM while it is still starting (its PostgreSQL just up), then it finishes starting, stops, and stops that PostgreSQL', async (_name, args, folder, stopping, stopped) => {
    // The moment the embedded database is up, before the migrations: the service is not ready to stop yet.
    const started = await npmRun(args, dataDir, /"msg":"embedded PostgreSQL started"/);
    running = started.npm;

    process.kill(started.npm.pid!, 'SIGTERM');
    await expectStopped(started, dataDir, true);
    const log = readFileSync(join(dataDir, 'logs', folder, 'current.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; signal?: string });
    expect(log.find((l) => l.msg === stopping)).toMatchObject({ signal: 'SIGTERM' });
    expect(log[log.length - 1]).toMatchObject({ msg: stopped });
  }, 120_000);

  it('When npm run worker is killed with SIGKILL (no signal passed on), then the worker stops itself and the PostgreSQL it started', async () => {
    const started = await npmRun(['run', 'worker'], dataDir, /"msg":"worker started"/);
    running = started.npm;

    process.kill(started.npm.pid!, 'SIGKILL'); // npm only: the worker is left without its parent
    expect(await started.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // npm is gone, so the worker's own log file says how it ended.
    const logFile = join(dataDir, 'logs', 'worker', 'current.log');
    const lastLine = () => {
      const lines = readFileSync(logFile, 'utf8').trim().split('\n');
      return JSON.parse(lines[lines.length - 1]!) as { msg: string };
    };
    const deadline = Date.now() + 30_000;
    const down = () => !existsSync(join(dataDir, 'postgres', 'postmaster.pid')) && !isAlive(started.postgresPid);
    while (!(down() && lastLine().msg === 'worker stopped') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(logFile, 'utf8')).toContain('"signal":"parent exited"');
    expect(lastLine()).toMatchObject({ msg: 'worker stopped' });
    expect(isAlive(started.postgresPid)).toBe(false);
  }, 120_000);
});
