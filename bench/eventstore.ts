/*
 * `npm run bench:eventstore`: event store figures on a throwaway embedded PostgreSQL. Prints a
 * table, then one JSON object as the last line for scripts to read. Not a test: the numbers
 * depend on the machine.
 *
 * Each benchmark is a function of the context returning named figures; the rebuild and
 * subscription benchmarks (`rebuild_events_per_s`, `subscribe_latency_p99_ms`) join the list
 * below the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { createPostgresEventStore } from '../src/eventstore/postgres-event-store';
import type { EventStore, TenantId } from '../src/eventstore/types';
import { startEmbeddedPostgres } from '../src/infra/db/embedded';
import { createTenant, migratePublic } from '../src/infra/db/migrator';
import { createKnex, createPool, DEFAULT_POOL_TIMEOUTS, ensureDatabase, type Pool } from '../src/infra/db/postgres';
import { createTenancy } from '../src/infra/db/tenancy';
import { createLogger } from '../src/infra/logger';
import { measureAppends, runAppendBenchmarks } from './append';
import { measureSubscribeLatency } from './subscribe';
import { measureRebuild } from './rebuild';

const tenancy = createTenancy();

export interface BenchContext {
  pool: Pool;
  connectionString: string;
  knex: Knex;
  store: EventStore;
  /** A fresh tenant per benchmark, so none reads another's events. */
  newTenant(): Promise<TenantId>;
}

export type Benchmark = (ctx: BenchContext) => Promise<Record<string, number>>;

const benchmarks: { name: string; run: Benchmark }[] = [
  { name: 'append', run: async (ctx) => ({ ...(await runAppendBenchmarks(ctx.pool, ctx.store, await ctx.newTenant())) }) },
  {
    // The same 16 writers with grouping off: one call, one commit and one WAL flush per append,
    // in turn on the tenant lock. Shows what group commit buys; not part of the targets.
    name: 'append without grouping',
    run: async (ctx) => {
      const ungrouped = createPostgresEventStore({ pool: ctx.pool, tenancy, grouping: { maxAppends: 1 } });
      try {
        return { append_1_per_tx_c16_ungrouped: await measureAppends(ungrouped, await ctx.newTenant(), 16, 1) };
      } finally {
        await ungrouped.close();
      }
    },
  },
  { name: 'rebuild of the products read model', run: async (ctx) => measureRebuild(ctx.pool, ctx.store, await ctx.newTenant()) },
  { name: 'subscribe latency', run: async (ctx) => measureSubscribeLatency(ctx.pool, ctx.connectionString, ctx.store, await ctx.newTenant()) },
];

const UNITS: Record<string, string> = { append_ratio: 'x', rebuild_events: 'events', subscribe_latency_p50_ms: 'ms', subscribe_latency_p99_ms: 'ms' };

function createBenchTenant(knex: Knex): Promise<TenantId> {
  return knex.transaction((trx) => createTenant(trx, tenancy, { business_name: 'Bench shop', account_type: 'business' }));
}

function printTable(figures: Record<string, number>): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log(`${'figure'.padEnd(width)}  ${'value'.padStart(10)}  unit`);
  for (const [name, value] of Object.entries(figures)) {
    console.log(`${name.padEnd(width)}  ${value.toLocaleString('en-US').padStart(10)}  ${UNITS[name] ?? 'events/s'}`);
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stoflow-bench-'));
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  // The store alone, on the owner connection: no app role is set up here.
  const db = await startEmbeddedPostgres(dataDir, logger);
  const cleanups: (() => Promise<unknown>)[] = [() => db.stop()];
  try {
    await ensureDatabase(db.ownerUrl);
    const knex = createKnex(db.ownerUrl);
    cleanups.unshift(() => knex.destroy());
    await migratePublic(knex);
    // No statement limits: the rebuild runs as the CLI's does (a whole read model in one statement).
    const pool = createPool(db.ownerUrl, 24, 'stoflow-bench', { ...DEFAULT_POOL_TIMEOUTS, statementMs: 0, queryMs: 0 });
    cleanups.unshift(() => pool.end());
    const store = createPostgresEventStore({ pool, tenancy });
    cleanups.unshift(() => store.close());

    const ctx: BenchContext = { pool, connectionString: db.ownerUrl, knex, store, newTenant: () => createBenchTenant(knex) };
    const figures: Record<string, number> = {};
    for (const benchmark of benchmarks) {
      console.log(`running ${benchmark.name}…`);
      Object.assign(figures, await benchmark.run(ctx));
    }
    printTable(figures);
    console.log(JSON.stringify(figures));
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Run only as the entry point, so other benchmarks may import the types above.
if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
