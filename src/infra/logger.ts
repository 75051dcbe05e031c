import { join, resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { requestIdMixin } from './request-context';
import { RotatingFile } from './rotating-file';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Folder of the rotated log file (`stoflow.log`); no file when absent. */
  logDir?: string;
  /** Rotation size of the file (default 10 MB). */
  maxFileBytes?: number;
}

/** JSON logs to stdout and, when a folder is given, to `<folder>/stoflow.log` rotated at 10 MB. */
export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, base: { service: 'stoflow' }, mixin: requestIdMixin, redact: ['req.headers.authorization', '*.password'] };
  if (!options.logDir || options.level === 'silent') return pino(base);
  const file = new RotatingFile(join(resolve(options.logDir), 'stoflow.log'), options.maxFileBytes);
  return pino(base, pino.multistream([{ stream: process.stdout, level: options.level as pino.Level }, { stream: file, level: options.level as pino.Level }]));
}
