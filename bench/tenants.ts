/*
 * `npm run bench:tenants`: the API with its requests spread over 1,000 tenants, against the same
 * requests on one tenant, in the same run. Every tenant is registered through the API and given
 * a few products through the command path; then autocannon drives reads (GET /api/products) and
 * writes (POST /api/products) on one tenant, and on a random tenant per request, each right
 * after the API restarts (cold: new database connections, which have compiled and cached
 * nothing) and again once warm. GET /health in the same run is the ceiling of the HTTP stack.
 * After each scenario it reads the API process's resident memory and the private memory of the
 * PostgreSQL backends serving it (Private_* in /proc/<pid>/smaps_rollup: what a backend holds of
 * its own, such as catalogue caches and compiled functions, without the shared buffers).
 * Prints a table, then one JSON object as the last line. Not a test: the figures depend on the
 * machine.
 *
 * BENCH_TENANTS (default 1,000), BENCH_PRODUCTS_PER_TENANT (default 10), BENCH_CONNECTIONS,
 * BENCH_SECONDS, BENCH_POOL_MAX and BENCH_POOL_GROUPS (see bench/api.ts) override the defaults.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDatabase, prepareSchema } from '../src/bootstrap';
import { buildContainer } from '../src/app/container';
import { createLogger } from '../src/infra/logger';
import { config, drive, productBody, startServer, type Figures } from './api';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const PER_TENANT = Number(process.env.BENCH_PRODUCTS_PER_TENANT ?? 10);
const REGISTER_IN_FLIGHT = 4;

interface Seller {
  tenantId: number;
  userId: string;
  authorization: string;
}

interface Memory {
  api_rss_mb: number;
  backends: number;
  backends_private_mb: number;
  backend_private_max_mb: number;
}

function kilobytes(file: string, field: RegExp): number {
  try {
    const text = readFileSync(file, 'utf8');
    let total = 0;
    for (const line of text.split('\n')) {
      const match = field.exec(line);
      if (match) total += Number(match[1]);
    }
    return total;
  } catch {
    return 0; // the process ended between listing it and reading it
  }
}

async function memory(ownerUrl: string, api: ChildProcess): Promise<Memory> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(`select pid from pg_stat_activity where application_name like 'stoflow%' and backend_type = 'client backend'`);
    const privates = rows.map((r) => kilobytes(`/proc/${r.pid}/smaps_rollup`, /^Private_(?:Clean|Dirty):\s+(\d+) kB/));
    const mb = (kb: number) => Math.round(kb / 1024);
    return {
      api_rss_mb: mb(kilobytes(`/proc/${api.pid}/status`, /^VmRSS:\s+(\d+) kB/)),
      backends: rows.length,
      backends_private_mb: mb(privates.reduce((a, b) => a + b, 0)),
      backend_private_max_mb: mb(Math.max(0, ...privates)),
    };
  } finally {
    await client.end();
  }
}

async function register(base: string, n: number): Promise<Seller> {
  const res = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `tenant-${n}@bench.example.test`, password: 'Velvet-Jacket-1987', full_name: `Seller ${n}`, account_type: 'individual' }),
  });
  if (res.status !== 201) throw new Error(`registration ${n} failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string; tenant_id: number; user_id: string };
  return { tenantId: body.tenant_id, userId: body.user_id, authorization: `Bearer ${body.access_token}` };
}

async function main(): Promise<void> {
  const summary = await run();
  console.log(JSON.stringify(summary));
}

async function run(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stoflow-bench-tenants-'));
  const logger = createLogger({ level: 'error' });
  // Run in order: the API, the database, then its folder.
  const cleanups: (() => Promise<unknown>)[] = [];
  const bootConfig = config(dataDir);
  let api: { child: ChildProcess; base: string } | undefined;
  const stopApi = async () => {
    if (!api) return;
    const { child } = api;
    api = undefined;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  cleanups.push(stopApi);
  try {
    const database = await openDatabase(bootConfig, logger);
    cleanups.push(() => database.stop());
    await prepareSchema(bootConfig, database, logger);
    const restart = async () => {
      await stopApi();
      api = await startServer(dataDir, database.url, database.ownerUrl);
      return api.base;
    };
    let base = await restart();

    const started = Date.now();
    const sellers: Seller[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: REGISTER_IN_FLIGHT }, async () => {
        for (let n = next++; n < TENANTS; n = next++) {
          sellers.push(await register(base, n));
          if (sellers.length % 100 === 0) console.log(`registered ${sellers.length} tenants (${Math.round(sellers.length / ((Date.now() - started) / 1000))}/s)`);
        }
      }),
    );
    const registerSeconds = (Date.now() - started) / 1000;

    // Products through the command handler, as the API creates them.
    const services = buildContainer(config(dataDir, database.url), logger, database);
    // The writes below go far past the free plan's caps: every seller is on business, as an operator would set it.
    for (const seller of sellers) await services.commands.changePlan(seller.tenantId, { plan: 'business', reason: 'benchmark' }, { event: { actor: 'operator:bench' } });
    const seeding = Date.now();
    let seeded = 0;
    next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < sellers.length * PER_TENANT; i = next++) {
          const seller = sellers[i % sellers.length]!;
          await services.commands.createProduct(seller.tenantId, productBody(i, `SEED-${i}`), { event: { actor: seller.userId, request_id: `seed-${i}` } });
          seeded++;
        }
      }),
    );
    console.log(`registered ${sellers.length} tenants in ${registerSeconds.toFixed(1)} s, seeded ${seeded} products in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);
    await services.close();

    const one = sellers[0]!;
    const random = () => sellers[Math.floor(Math.random() * sellers.length)]!;
    let sku = 0;
    const read = (pick: () => Seller) => ({
      method: 'GET',
      path: '/api/products?limit=20',
      setupRequest: (req: { headers?: Record<string, string> }) => ({ ...req, path: '/api/products?limit=20', headers: { authorization: pick().authorization } }),
    });
    const write = (pick: () => Seller) => ({
      method: 'POST',
      path: '/api/products',
      setupRequest: (req: { headers?: Record<string, string> }) => ({
        ...req,
        headers: { authorization: pick().authorization, 'content-type': 'application/json' },
        body: JSON.stringify(productBody(sku, `BENCH-${sku++}`)),
      }),
    });

    const figures: Record<string, Figures & Partial<Memory>> = {};
    const measure = async (name: string, request: Parameters<typeof drive>[1], label: string) => {
      figures[name] = { ...(await drive(base, request, label)), ...(await memory(database.ownerUrl, api!.child)) };
    };
    await measure('health', { method: 'GET', path: '/health' }, 'GET /health');
    base = await restart();
    await measure('one_read_cold', read(() => one), 'reads, one tenant, cold');
    await measure('one_read', read(() => one), 'reads, one tenant');
    await measure('one_write', write(() => one), 'writes, one tenant');
    base = await restart();
    await measure('many_read_cold', read(random), `reads, ${sellers.length} tenants, cold`);
    await measure('many_read', read(random), `reads, ${sellers.length} tenants`);
    base = await restart();
    await measure('many_write_cold', write(random), `writes, ${sellers.length} tenants, cold`);
    await measure('many_write', write(random), `writes, ${sellers.length} tenants`);

    const health = figures.health!.rps || 1;
    const cols = ['req/s', 'p50 ms', 'p99 ms', 'non-2xx', '÷ health', 'API MB', 'PG MB', 'PG max'];
    console.log(`\n${'scenario'.padEnd(16)}${cols.map((c) => c.padStart(9)).join('')}`);
    for (const [name, f] of Object.entries(figures)) {
      const cells = [f.rps.toLocaleString('en-US'), f.p50_ms, f.p99_ms, f.non_2xx + f.errors, (f.rps / health).toFixed(2), f.api_rss_mb, f.backends_private_mb, f.backend_private_max_mb];
      console.log(`${name.padEnd(16)}${cells.map((c) => String(c ?? '').padStart(9)).join('')}`);
    }
    const ratio = (a: number, b: number) => Math.round((a / (b || 1)) * 100) / 100;
    const summary: Record<string, number> = { tenants: sellers.length, products: seeded, register_per_s: Math.round(sellers.length / registerSeconds) };
    for (const [name, f] of Object.entries(figures)) {
      summary[`${name}_rps`] = f.rps;
      summary[`${name}_p99_ms`] = f.p99_ms;
      if (name !== 'health') summary[`${name}_to_health`] = ratio(f.rps, health);
      if (f.non_2xx + f.errors > 0) summary[`${name}_failed`] = f.non_2xx + f.errors;
      summary[`${name}_api_rss_mb`] = f.api_rss_mb ?? 0;
      summary[`${name}_pg_private_mb`] = f.backends_private_mb ?? 0;
    }
    const f = figures as Record<string, Figures>;
    summary.read_rps_many_to_one = ratio(f.many_read!.rps, f.one_read!.rps);
    summary.read_p99_many_to_one = ratio(f.many_read!.p99_ms, f.one_read!.p99_ms);
    summary.read_cold_p99_many_to_one = ratio(f.many_read_cold!.p99_ms, f.one_read!.p99_ms);
    summary.write_rps_many_to_one = ratio(f.many_write!.rps, f.one_write!.rps);
    summary.write_p99_many_to_one = ratio(f.many_write!.p99_ms, f.one_write!.p99_ms);
    summary.write_cold_p99_many_to_one = ratio(f.many_write_cold!.p99_ms, f.one_write!.p99_ms);
    return summary;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
