import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Folder of the rotated log file; no file when absent. */
  logDir?: string;
  pretty?: boolean;
}

/** JSON logs to stdout and, when a folder is given, to `stoflow.log` rotated at 10 MB. */
export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, base: { service: 'stoflow' }, redact: ['req.headers.authorization', '*.password'] };
  if (!options.logDir || options.level === 'silent') return pino(base);
  const dir = resolve(options.logDir);
  mkdirSync(dir, { recursive: true });
  const transport = pino.transport({
    targets: [
      { target: 'pino/file', options: { destination: 1 }, level: options.level },
      {
        target: 'pino-roll',
        options: { file: join(dir, 'stoflow.log'), size: '10m', limit: { count: 5 }, mkdir: true },
        level: options.level,
      },
    ],
  });
  return pino(base, transport);
}
