import type { Knex } from 'knex';
import pino from 'pino';
import type { Database } from '../bootstrap';
import type { Config } from '../config';
import { createKnex } from '../infra/db/postgres';
import { createTenancy, type Tenancy } from '../infra/db/tenancy';
import type { Logger } from '../infra/logger';
import { buildContainer, type Container as Services } from '../app/container';
import { UsageError } from './errors';
import { connectDatabase } from './database';
import { createOutput, type Output } from './output';
import { createProgress, silentProgress, type Progress } from './progress';

export interface TenantRow {
  id: number;
  business_name: string | null;
  schema_name: string;
  status: string;
}

/**
 * What a command works with. Connections are opened on first use, so `--help` and usage errors
 * never touch the database, and closed by `close()` whatever happened.
 */
export interface Session {
  config: Config;
  /** Where each tenant's tables are. */
  tenancy: Tenancy;
  logger: Logger;
  /** `--json`: one JSON document on stdout instead of a table. */
  json: boolean;
  out: Output;
  /** A line on stderr: summaries of commands whose stdout is data, warnings. */
  note(text: string): void;
  progress(label: string, options?: { total?: number; unit?: string }): Progress;
  database(): Promise<Database>;
  /** A knex of its own (migrations, seeding): no event store, no projections. */
  knex(): Promise<Knex>;
  /** The event store, read models and pools of the service, without background processing. */
  services(): Promise<Services>;
  /** The tenant's row; a usage error when there is no such tenant. */
  requireTenant(id: number): Promise<TenantRow>;
  /** Resolves when the user asks to stop (Ctrl-C, SIGTERM) or stdout's reader goes away. */
  readonly stopped: Promise<void>;
  /** Commands that run until stopped (`events --follow`) say so; the others are interrupted. */
  waitsForStop(): void;
  requestStop(): boolean;
  close(): Promise<void>;
}

export interface SessionOptions {
  config: Config;
  /** Whether the command writes: only then may it initialise a new embedded PostgreSQL. */
  writes: boolean;
  json: boolean;
  /** `--progress`: draw progress even when stderr is not a terminal. */
  progress: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** LOG_LEVEL as set in the environment; the CLI is quiet (errors only) unless asked. */
  logLevel?: string;
}

// The CLI neither signs tokens nor hashes passwords: stand-ins keep buildServices from creating
// development secrets in the data folder as a side effect of, say, `stoflow tenants`.
const NOT_USED_BY_THE_CLI = 'the-stoflow-cli-never-signs-tokens-or-hashes-passwords';

export function createSession(options: SessionOptions): Session {
  const { config } = options;
  // Logs go to stderr: stdout is the command's answer, often piped into another program.
  const logger: Logger = pino({ level: options.logLevel ?? 'error', base: { service: 'stoflow-cli' } }, pino.destination({ fd: 2, sync: true }));
  const out = createOutput(options.stdout);
  const tty = options.stderr.isTTY === true;
  // Bars a command left running (it failed, or was interrupted) end with the session.
  const bars = new Set<Progress>();
  let database: Promise<Database> | undefined;
  let knex: Promise<Knex> | undefined;
  let services: Promise<Services> | undefined;
  let waiting = false;
  let closing: Promise<void> | undefined;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  void out.gone.then(() => markStopped());

  const session: Session = {
    config,
    tenancy: createTenancy(config.TENANT_SCHEMA_PREFIX),
    logger,
    json: options.json,
    out,
    note: (text) => void options.stderr.write(`${text}\n`),
    progress(label, { total, unit } = {}) {
      if (!tty && !options.progress) return silentProgress;
      const bar = createProgress({ label, total, unit, stream: options.stderr });
      bars.add(bar);
      return bar;
    },
    database: () => (database ??= connectDatabase(config, logger, { mayCreate: options.writes })),
    knex: () =>
      (knex ??= session.database().then((db) => createKnex(db.ownerUrl, 8))),
    services: () =>
      (services ??= session.database().then((db) =>
        buildContainer(
          {
            ...config,
            REDIS_URL: undefined,
            JWT_SECRET_KEY: config.JWT_SECRET_KEY ?? NOT_USED_BY_THE_CLI,
            PASSWORD_PEPPER: config.PASSWORD_PEPPER ?? NOT_USED_BY_THE_CLI,
            DATABASE_POOL_MAX: Math.min(config.DATABASE_POOL_MAX, 10),
            // An operator's rebuild or import may run statements longer than a request may.
            DATABASE_STATEMENT_TIMEOUT_MS: 0,
            DATABASE_QUERY_TIMEOUT_MS: 0,
          },
          logger,
          // The CLI is the operator's tool: rebuilds create and swap tables, as the owner.
          { url: db.ownerUrl, ownerUrl: db.ownerUrl },
        ),
      )),
    async requireTenant(id) {
      const { pool } = await session.services();
      try {
        const { rows } = await pool.query<TenantRow>('select id, business_name, schema_name, status from public.tenants where id = $1', [id]);
        if (!rows[0]) throw new UsageError(`There is no tenant ${id} (see \`stoflow tenants\`)`, false);
        return rows[0];
      } catch (err) {
        if ((err as { code?: string }).code === '42P01') throw new UsageError('This database has no Stoflow tables yet: run `stoflow migrate` first', false);
        throw err;
      }
    },
    stopped,
    waitsForStop() {
      waiting = true;
    },
    requestStop() {
      markStopped();
      return waiting;
    },
    close() {
      // Once, whoever asks first: the end of the command or a Ctrl-C.
      closing ??= (async () => {
        for (const bar of bars) bar.finish();
        const [openServices, openKnex] = await Promise.all([services?.catch(() => undefined), knex?.catch(() => undefined)]);
        await openServices?.close();
        await openKnex?.destroy();
        const db = await database?.catch(() => undefined);
        await db?.stop();
        await out.end().catch(() => undefined);
      })();
      return closing;
    },
  };
  return session;
}
