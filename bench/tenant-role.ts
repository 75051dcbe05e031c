/*
 * `npm run bench:tenant-role`: what running a read as the tenant's own role costs. The catalogue's
 * queries name the tenant's schema and run as the application role; the credential store and the
 * Vinted queue run inside `withTenant` (a transaction, the tenant's role and search path set
 * locally), which fails closed on a wrong schema but adds round trips. Same product-detail query,
 * same pool, same products, three ways, one after another, each for BENCH_SECONDS (5) at
 * BENCH_CONNECTIONS (16) callers:
 *   - `select 1`: the ceiling of one round trip on this pool;
 *   - the query alone (how the catalogue reads today);
 *   - the query inside withTenant.
 * Prints a table, then one JSON object as the last line. Not a test: the figures depend on the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, prepareSchema } from '../src/bootstrap';
import { buildContainer } from '../src/app/container';
import { registerAccount } from '../src/accounts/register';
import { withTenant } from '../src/infra/db/tenant-transaction';
import type { Connections } from '../src/infra/db/postgres';
import { createLogger } from '../src/infra/logger';
import { config as benchConfig, productBody } from './api';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CALLERS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PRODUCTS = 200;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function drive(read: (n: number) => Promise<unknown>): Promise<{ per_s: number; p99_ms: number }> {
  const latencies: number[] = [];
  const until = Date.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (Date.now() < until) {
        const started = performance.now();
        await read(n++);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return { per_s: Math.round(latencies.length / SECONDS), p99_ms: Math.round(percentile(latencies, 99) * 100) / 100 };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stoflow-bench-role-'));
  const logger = createLogger({ level: 'error' });
  const config = benchConfig(dataDir);
  const database = await openDatabase(config, logger);
  let services: ReturnType<typeof buildContainer> | undefined;
  try {
    await prepareSchema(config, database, logger);
    services = buildContainer(config, logger, database);
    const s = services;
    const account = await registerAccount(s, { email: 'role@bench.example.test', password: 'Velvet-Jacket-1987', full_name: 'Bench Seller', account_type: 'individual' });
    const tenant = account.tenant_id;
    const ids: string[] = [];
    // More products than the free plan takes: on business, as an operator would set it.
    await s.commands.changePlan(tenant, { plan: 'business', reason: 'benchmark' }, { event: { actor: 'operator:bench' } });
    for (let n = 0; n < PRODUCTS; n++) ids.push((await s.commands.createProduct(tenant, productBody(n, `ROLE-${n}`), { event: { actor: account.user_id } })).product.id);
    // The tenant's own connections, where its reads and transactions go.
    const pool: Connections = s.pool.of(tenant);
    const detail = `select representation from ${s.tenancy.table(tenant, 'products')} where id = $1`;

    // Warm every connection of the pool on each path first.
    for (let i = 0; i < 200; i++) await withTenant(pool, s.tenancy, tenant, (tx) => tx.query(detail, [ids[i % PRODUCTS]]));

    const ceiling = await drive(() => pool.query('select 1'));
    const direct = await drive((n) => pool.query(detail, [ids[n % PRODUCTS]]));
    const asTenant = await drive((n) => withTenant(pool, s.tenancy, tenant, (tx) => tx.query(detail, [ids[n % PRODUCTS]])));

    const figures = {
      select_1_per_s: ceiling.per_s,
      select_1_p99_ms: ceiling.p99_ms,
      detail_direct_per_s: direct.per_s,
      detail_direct_p99_ms: direct.p99_ms,
      detail_as_tenant_per_s: asTenant.per_s,
      detail_as_tenant_p99_ms: asTenant.p99_ms,
      direct_to_ceiling: Math.round((direct.per_s / ceiling.per_s) * 100) / 100,
      as_tenant_to_ceiling: Math.round((asTenant.per_s / ceiling.per_s) * 100) / 100,
      as_tenant_to_direct: Math.round((asTenant.per_s / direct.per_s) * 100) / 100,
    };
    console.log(`\n${'figure'.padEnd(26)}value`);
    for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(26)}${v.toLocaleString('en-US')}`);
    console.log(JSON.stringify(figures));
  } finally {
    await services?.close();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
