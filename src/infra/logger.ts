/**
 * The service's logger: pino lines on stdout (JSON, or readable ones on a developer's terminal)
 * and, for the long-running processes, JSON lines in a log folder rotated by pino-roll:
 *
 *   <dir>/stoflow.1.log, stoflow.2.log, …   numbered files, the highest one being written
 *   <dir>/current.log                       a symlink to that file (for `tail -F`)
 *
 * A file is left for the next one once it reaches the rotation size (10 MB by default); the
 * active file and the 5 newest before it are kept, older ones deleted. A restart appends to the
 * highest-numbered file.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type SonicBoom from 'sonic-boom';
import { requestIdMixin } from './request-context';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Readable lines instead of JSON on stdout (a developer's terminal). The file stays JSON. */
  pretty?: boolean;
}

export interface LogFileOptions extends LoggerOptions {
  /** The folder of the numbered files and `current.log`. */
  dir: string;
  /** Size at which the current file is left for a new one (default 10 MB). */
  maxFileBytes?: number;
}

export interface FileLogger {
  logger: Logger;
  /** Stops writing the file; resolves once every line logged before is in it and it is closed. */
  end(): Promise<void>;
}

interface RollOptions {
  file: string;
  size: string;
  symlink: boolean;
  limit: { count: number; removeOtherLogFiles: boolean };
  sync: boolean;
}
// pino-roll ships no type declarations: its one export, typed for the options used here.
const roll = require('pino-roll') as (options: RollOptions) => Promise<SonicBoom>;

const OLD_FILES_KEPT = 5;

function baseOptions(level: string): pino.LoggerOptions {
  return { level, base: { service: 'stoflow' }, mixin: requestIdMixin, redact: ['req.headers.authorization', '*.password'] };
}

function stdoutStream(pretty: boolean | undefined): pino.DestinationStream {
  if (!pretty) return process.stdout;
  // Formatted in this thread, line by line: nothing is left in a worker or a buffer at exit.
  const format = prettyFactory({ colorize: process.stdout.hasColors?.() ?? false, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  return { write: (line: string) => void process.stdout.write(format(line)) };
}

/** Logs to stdout only (tests, benchmarks). */
export function createLogger(options: LoggerOptions): Logger {
  return pino(baseOptions(options.level), stdoutStream(options.pretty));
}

/** Logs to stdout and to the rotated files of `options.dir` (created when missing). */
export async function createFileLogger(options: LogFileOptions): Promise<FileLogger> {
  if (options.level === 'silent') return { logger: createLogger(options), end: async () => undefined };
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const file = await roll({
    file: join(dir, 'stoflow.log'),
    size: `${(options.maxFileBytes ?? 10 * 1024 * 1024) / 1024}k`,
    symlink: true,
    // Synchronous writes, as pino's own file destination does by default: a line is in the file
    // once logged, whatever way the process ends; and the next file exists before pino-roll
    // lists the folder to delete old ones, so the count includes the active file.
    sync: true,
    limit: { count: OLD_FILES_KEPT + 1, removeOtherLogFiles: true },
  });
  // A full disk or a deleted folder must not take the service down: say it once on stderr.
  let failed = false;
  file.on('error', (err: Error) => {
    if (failed) return;
    failed = true;
    process.stderr.write(`stoflow: cannot write the log file in ${dir}: ${err.message}\n`);
  });
  let ended = false;
  const toFile: pino.DestinationStream = {
    // Lines logged after end() (a late callback while exiting) still reach stdout.
    write: (line: string) => void (ended || file.write(line)),
  };
  const level = options.level as pino.Level;
  const logger = pino(baseOptions(options.level), pino.multistream([{ stream: stdoutStream(options.pretty), level }, { stream: toFile, level }]));
  return {
    logger,
    end: () => {
      if (ended || failed) return Promise.resolve();
      ended = true;
      return new Promise<void>((done) => {
        file.once('close', () => done());
        file.end();
      });
    },
  };
}
