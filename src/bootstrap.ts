import { join } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { type Config, ConfigError, loadConfig } from './config';
import { runningEmbedded, startEmbeddedPostgres } from './infra/db/embedded';
import { createKnex, ensureDatabase } from './infra/db/postgres';
import { migrateAll } from './infra/db/migrator';
import { createTenancy } from './infra/db/tenancy';
import { createFileLogger, type FileLogger, type Logger } from './infra/logger';
import { seedReferenceData } from './seed';

/** Reads `.env` (without overriding the real environment) and validates; exits 2 on bad config. */
export function configFromEnvironment(): Config {
  loadDotenv({ quiet: true });
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/**
 * The logger of a long-running process: stdout (readable lines on a developer's terminal, JSON
 * otherwise) and the rotated files of `<LOG_DIR>/<name>/`. Each kind of process has a folder of
 * its own because pino-roll counts only its own process's writes: two processes sharing one set
 * would rotate apart, and one could delete the file the other still writes.
 */
export function openLogs(config: Config, name: 'api' | 'worker'): Promise<FileLogger> {
  const pretty = config.ENVIRONMENT === 'development' && process.stdout.isTTY === true;
  return createFileLogger({ level: config.LOG_LEVEL, pretty, dir: join(config.LOG_DIR, name) });
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
};

/**
 * A configured PostgreSQL that cannot be reached is a setting to fix, not a crash to debug: one
 * line naming the host and port (never the password), and exit 2 as for any bad configuration.
 * Any other error goes on.
 */
function exitIfUnreachable(databaseUrl: string, err: unknown): never {
  const reason = UNREACHABLE[(err as NodeJS.ErrnoException).code ?? ''];
  if (!reason) throw err;
  const url = new URL(databaseUrl);
  const where = `${url.hostname || 'localhost'}:${url.port || '5432'}`;
  process.stderr.write(
    `Stoflow failed to start: cannot reach PostgreSQL at ${where} (${reason}): check that it is running and accepts connections there, and the host and port in DATABASE_URL (or leave DATABASE_URL unset for the embedded PostgreSQL)\n`,
  );
  process.exit(2);
}

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * The configured PostgreSQL, or the embedded one under the data folder when none is set: the one
 * another Stoflow process (the API, a worker) already runs there, or one started now and owned by
 * this process (stopped by `stop`).
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    await ensureDatabase(config.DATABASE_URL).catch((err: unknown) => exitIfUnreachable(config.DATABASE_URL!, err));
    return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  const running = runningEmbedded(config.STOFLOW_DATA_DIR);
  if (running) {
    const url = `postgres://postgres:${encodeURIComponent(running.password)}@127.0.0.1:${running.port}/stoflow`;
    await ensureDatabase(url);
    logger.info({ pid: running.pid, port: running.port }, 'using the embedded PostgreSQL another Stoflow process runs');
    return { url, embedded: true, stop: async () => undefined };
  }
  const embedded = await startEmbeddedPostgres(config.STOFLOW_DATA_DIR, logger);
  await ensureDatabase(embedded.url);
  return { url: embedded.url, embedded: true, stop: embedded.stop };
}

/** Brings public and every tenant schema up to date, then seeds reference data; idempotent. */
export async function prepareSchema(config: Config, databaseUrl: string, logger: Logger): Promise<void> {
  const knex = createKnex(databaseUrl, 4);
  try {
    const result = await migrateAll(knex, createTenancy(config.TENANT_SCHEMA_PREFIX));
    for (const failure of result.failures) logger.error(failure, 'tenant schema failed to migrate');
    logger.info({ public: result.publicApplied.length, tenants: result.tenants, tenants_migrated: result.tenantsApplied }, 'migrations applied');
    const seeded = await seedReferenceData(knex);
    logger.info({ seeded }, 'reference data seeded');
  } finally {
    await knex.destroy();
  }
}
