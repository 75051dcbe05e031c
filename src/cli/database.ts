import { resolve } from 'node:path';
import { openDatabase, type Database } from '../bootstrap';
import type { Config } from '../config';
import { hasEmbeddedDatabase, runningEmbedded } from '../infra/db/embedded';
import { ensureDatabase, isDatabaseUnavailable } from '../infra/db/postgres';
import type { Logger } from '../infra/logger';
import { ConnectionError } from './errors';

/** `postgres://user:***@host:port/db`: URLs in messages never show the password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function reason(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return reason(err.errors[0]);
  return err instanceof Error ? err.message || (err as NodeJS.ErrnoException).code || err.name : String(err);
}

/**
 * The database the CLI works on: DATABASE_URL when set; otherwise the embedded PostgreSQL under
 * STOFLOW_DATA_DIR — the one already running when Stoflow is up, or one started for this command
 * (and stopped after it). Only a command that writes (`mayCreate`) initialises a new one: a
 * command that reads would otherwise set up a whole server just to find it empty. Anything that
 * keeps us from connecting is a ConnectionError (exit 2).
 */
export async function connectDatabase(config: Config, logger: Logger, { mayCreate }: { mayCreate: boolean }): Promise<Database> {
  if (config.DATABASE_URL) {
    const ownerUrl = config.DATABASE_OWNER_URL ?? config.DATABASE_URL;
    try {
      await ensureDatabase(ownerUrl);
    } catch (err) {
      throw new ConnectionError(`Cannot connect to PostgreSQL at ${redactUrl(ownerUrl)}: ${reason(err)}`);
    }
    return { url: config.DATABASE_URL, ownerUrl, embedded: false, stop: async () => undefined };
  }
  const dataDir = resolve(config.STOFLOW_DATA_DIR);
  const running = runningEmbedded(dataDir);
  if (running && !running.orphaned) {
    try {
      await ensureDatabase(running.ownerUrl);
    } catch (err) {
      throw new ConnectionError(
        `The embedded PostgreSQL in ${dataDir} is already running (pid ${running.pid}, used by a running Stoflow) but does not answer on port ${running.port}: ${reason(err)}. ` +
          'Wait for Stoflow to finish starting, or stop it, or set DATABASE_URL.',
      );
    }
    logger.info({ pid: running.pid, port: running.port }, 'using the embedded PostgreSQL that is already running');
    return { url: running.url, ownerUrl: running.ownerUrl, appPassword: running.appPassword, embedded: true, stop: async () => undefined };
  }
  if (!mayCreate && !hasEmbeddedDatabase(dataDir)) {
    throw new ConnectionError(`No database yet: DATABASE_URL is not set and there is no embedded PostgreSQL in ${dataDir} (STOFLOW_DATA_DIR). Run \`npm start\` or \`stoflow migrate\` first, or set DATABASE_URL.`);
  }
  try {
    return await openDatabase(config, logger);
  } catch (err) {
    throw new ConnectionError(
      `Could not start the embedded PostgreSQL in ${dataDir}: ${reason(err)}. ` +
        'If another Stoflow process is starting or stopping with this data folder, try again in a moment, or set DATABASE_URL.',
    );
  }
}

/** Errors that mean the database went away or refused us (or our login), rather than a bug: exit 2. */
export function isConnectionFailure(err: unknown): boolean {
  if (err instanceof AggregateError) return err.errors.some(isConnectionFailure);
  if (isDatabaseUnavailable(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(28|3D|57P)/.test(code);
}
