import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { databaseUrl } from '../support/db';

/** The compiled CLI: these tests run what operators run (npm test builds first). */
export const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the build first (npm test does)`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a spawned CLI: the test database, quiet logs, and `env` (undefined removes a variable). */
export function environment(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl(), LOG_LEVEL: 'silent', ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

/**
 * Runs `stoflow …` as a process against the test database. The working directory is a neutral
 * one, so a developer's `.env` in the checkout cannot change what the test sees.
 */
export function stoflow(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: environment(env), cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `stoflow … --json`, parsed; fails the test with the CLI's stderr when it did not exit as expected. */
export async function stoflowJson<T>(args: string[], expectedCode = 0, env: Record<string, string | undefined> = {}): Promise<T> {
  const result = await stoflow([...args, '--json'], env);
  if (result.code !== expectedCode) throw new Error(`stoflow ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export interface FollowingCli {
  child: ChildProcess;
  lines: string[];
  waitForLines(count: number, timeoutMs?: number): Promise<string[]>;
  /** Ctrl-C, then the exit code. */
  interrupt(): Promise<number | null>;
}

/** A long-running `stoflow … --follow`, read line by line. */
export function followStoflow(args: string[], env: Record<string, string | undefined> = {}): FollowingCli {
  const child = spawn(process.execPath, [CLI, ...args], { env: environment(env), cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    waitForLines(count, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (lines.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(lines.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${count} lines (got ${lines.length}); stderr: ${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        void exited.then(() => {
          if (lines.length < count) {
            clearTimeout(timer);
            reject(new Error(`stoflow exited after ${lines.length} lines; stderr: ${stderr}`));
          }
        });
        check();
      });
    },
    async interrupt() {
      child.kill('SIGINT');
      return exited;
    },
  };
}
