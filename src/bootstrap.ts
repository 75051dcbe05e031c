import { join } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { type Config, ConfigError, loadConfig } from './config';
import { runningEmbedded, startEmbeddedPostgres } from './infra/db/embedded';
import { createKnex, ensureDatabase } from './infra/db/postgres';
import { listTenantIds, migrateAll } from './infra/db/migrator';
import { grantAppRole, isSuperuser, userOf } from './infra/db/roles';
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
  /** What the API and the workers connect with: a role that reads and writes rows. */
  url: string;
  /** Migrations, new tenant schemas at registration, the CLI: a role that owns the schemas. */
  ownerUrl: string;
  embedded: boolean;
  /** The embedded server's app role password: the schema preparation creates the role with it. */
  appPassword?: string;
  stop(): Promise<void>;
}

/**
 * The configured PostgreSQL, or the embedded one under the data folder when none is set: the one
 * another Stoflow process (the API, a worker) already runs there, or one started now and owned by
 * this process (stopped by `stop`).
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    const ownerUrl = config.DATABASE_OWNER_URL ?? config.DATABASE_URL;
    await ensureDatabase(ownerUrl).catch((err: unknown) => exitIfUnreachable(ownerUrl, err));
    return { url: config.DATABASE_URL, ownerUrl, embedded: false, stop: async () => undefined };
  }
  const running = runningEmbedded(config.STOFLOW_DATA_DIR);
  // An orphaned server (its Stoflow was killed) is stopped and started afresh below, owned again.
  if (running && !running.orphaned) {
    await ensureDatabase(running.ownerUrl);
    logger.info({ pid: running.pid, port: running.port }, 'using the embedded PostgreSQL another Stoflow process runs');
    return { url: running.url, ownerUrl: running.ownerUrl, appPassword: running.appPassword, embedded: true, stop: async () => undefined };
  }
  const embedded = await startEmbeddedPostgres(config.STOFLOW_DATA_DIR, logger);
  await ensureDatabase(embedded.ownerUrl);
  return { url: embedded.url, ownerUrl: embedded.ownerUrl, appPassword: embedded.appPassword, embedded: true, stop: embedded.stop };
}

/**
 * Brings public and every tenant schema up to date, seeds reference data, then grants the app
 * role (when it is not the owner) what the service needs; idempotent, as the owner.
 */
export async function prepareSchema(config: Config, database: Pick<Database, 'url' | 'ownerUrl' | 'appPassword'>, logger: Logger): Promise<void> {
  const knex = createKnex(database.ownerUrl, 4);
  try {
    const tenancy = createTenancy(config.TENANT_SCHEMA_PREFIX);
    const result = await migrateAll(knex, tenancy);
    for (const failure of result.failures) logger.error(failure, 'tenant schema failed to migrate');
    logger.info({ public: result.publicApplied.length, tenants: result.tenants, tenants_migrated: result.tenantsApplied }, 'migrations applied');
    const seeded = await seedReferenceData(knex);
    logger.info({ seeded }, 'reference data seeded');
    const app = userOf(database.url);
    if (app !== userOf(database.ownerUrl)) {
      const schemas = (await listTenantIds(knex)).map((id) => tenancy.schema(id));
      await grantAppRole(knex, { name: app, password: database.appPassword }, schemas);
      logger.info({ role: app, schemas: schemas.length + 1 }, 'app role granted rows on every schema');
    } else if (await isSuperuser(knex, app)) {
      logger.warn({ role: app }, 'the service connects as a PostgreSQL superuser: set DATABASE_OWNER_URL to an owner role and DATABASE_URL to a role with row access only (see the README)');
    }
  } finally {
    await knex.destroy();
  }
}
