/*
 * `npm run bench:analytics`: the analytics endpoints of a tenant with 100,000 sales over twelve
 * months, on the embedded database, with the API in a child process.
 *
 * Seeding: the tenant's log is written straight in SQL (each sold product created, listed on a
 * marketplace for 70 % of them, sold with fees and shipping, its listing ended; plus 5,000 products in stock, listed),
 * as the events the commands append, then the analytics read models are built from it by the
 * projection itself (a rebuild), so the read side is exactly what the live projection would hold.
 *
 * Figures, each beside a ceiling from the same run: GET /health (the HTTP stack) for the
 * endpoints, at 1 connection (latency) and at BENCH_CONNECTIONS (throughput); a plain SELECT of
 * the same rows through the same driver for the CSV export, whose rows/s and the API process's
 * resident-memory growth (sampled every 10 ms) are measured for a month and for the year.
 * A table, then one JSON object as the last line. BENCH_SALES, BENCH_CONNECTIONS, BENCH_SECONDS.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, prepareSchema } from '../src/bootstrap';
import { rebuildProjection } from '../src/engine/rebuild';
import { createEventStore } from '../src/eventstore';
import { createPool } from '../src/infra/db/postgres';
import { createTenancy } from '../src/infra/db/tenancy';
import { createLogger } from '../src/infra/logger';
import { analyticsProjection } from '../src/projections/analytics';
import { config, startServer } from './api';

const SALES = Number(process.env.BENCH_SALES ?? 100_000);
const IN_STOCK = 5_000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const YEAR = { from: '2025-05-01', to: '2026-04-30' };
/** The summary and a 12-month daily series answer within this at the 99th percentile, one client at a time. */
const P99_TARGET_MS = 50;
const tenancy = createTenancy();

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

interface Figures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  non_2xx: number;
}

async function drive(base: string, path: string, headers: Record<string, string>, connections: number): Promise<Figures> {
  console.log(`running GET ${path} (${connections} connection${connections === 1 ? '' : 's'}, ${SECONDS} s)…`);
  const r = await autocannon({ url: base, connections, duration: SECONDS, requests: [{ method: 'GET', path, headers }] });
  return { rps: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, non_2xx: r.non2xx + r.errors + r.timeouts };
}

/** The log of a shop with `sales` sold products over twelve months and `inStock` listed ones, in SQL. */
export async function seedLog(db: { query(sql: string, values?: unknown[]): Promise<unknown> }, tenant: number, sales: number, inStock: number): Promise<void> {
  const events = tenancy.table(tenant, 'events');
  // Product n: sold at a time spread over the year, created 1–90 days before, listed (n % 10 < 7)
  // a few days after its creation on the marketplace it sells on (eBay for offline sales).
  await db.query(
    `with p as (
       select n, gen_random_uuid() as id, gen_random_uuid() as listing, n <= $1::int as sold,
              (array['offline', 'ebay', 'etsy', 'vinted'])[1 + n % 4] as channel,
              (array['ebay', 'ebay', 'etsy', 'vinted'])[1 + n % 4] as marketplace,
              n % 10 < 7 or n > $1::int as listed,
              timestamptz '2025-05-01 00:00:00+00' + (n::float8 / $1::int * 364.9) * interval '1 day' as sold_at,
              (array['t-shirts', 'jeans', 'sneakers', 'shirts', 'women-t-shirts', 'women-jeans'])[1 + n % 6] as category,
              (array['Nike', 'adidas', 'Puma', 'Levi''s', 'Zara', 'Patagonia', 'Converse'])[1 + n % 7] as brand,
              1000 + n % 9000 as price, 300 + n % 2500 as cost
         from generate_series(1, $1::int + $2::int) n
     ),
     t as (
       select p.*, case when sold then sold_at else now() end - ((n * 37) % 90 + 1) * interval '1 day' as created_at from p
     ),
     e as (
       select t.*, s.step, s.type from t cross join (values (1, 'ProductCreated'), (2, 'ListingQueued'), (3, 'ListingPublishStarted'), (4, 'ListingPublished'), (5, 'ProductSold'), (6, 'ListingSoldHere')) s(step, type)
        where (s.step = 1) or (s.step between 2 and 4 and listed) or (s.step = 5 and sold) or (s.step = 6 and sold and listed)
     )
     insert into ${events} (stream_id, stream_version, event_id, type, schema_version, data)
     select case when step in (1, 5) then 'product-' || id else 'listing-' || listing end,
            case step when 1 then 1 when 5 then 2 else step - 1 end,
            gen_random_uuid(), case when step = 6 and channel = 'offline' then 'ListingDelisted' else type end, case when step in (1, 5) then 2 else 1 end,
            case step
              when 1 then jsonb_build_object('product_id', id, 'sku', 'S-' || n, 'title', 'Vintage item ' || n, 'description', '', 'category', category, 'brand', brand,
                            'size', 'm', 'color', 'blue', 'gender', 'men', 'condition', 'very_good', 'price_cents', price, 'cost_price_cents', cost, 'stock_quantity', 1, 'created_at', created_at)
              when 2 then jsonb_build_object('listing_id', listing, 'product_id', id, 'marketplace', marketplace, 'overrides', '{}'::jsonb, 'queued_at', created_at + interval '1 day')
              when 3 then jsonb_build_object('attempt', 1, 'started_at', created_at + interval '1 day')
              when 4 then jsonb_build_object('external', '{}'::jsonb, 'url', null, 'published_at', created_at + interval '1 day', 'product_version', 1)
              when 5 then jsonb_build_object('sale_id', gen_random_uuid(), 'quantity', 1, 'unit_price_cents', price - n % 300, 'channel', channel, 'remaining_stock', 0, 'sold_at', sold_at,
                            'fees_cents', case when channel = 'offline' then 0 else (price - n % 300) * 12 / 100 end,
                            'shipping_charged_cents', case when channel = 'ebay' then 490 else 0 end, 'shipping_paid_cents', case when channel = 'offline' then 0 else 390 end)
              else case when channel = 'offline' then jsonb_build_object('delisted_at', sold_at) else jsonb_build_object('sale_id', null, 'sold_at', sold_at) end
            end
       from e order by n, step`,
    [sales, inStock],
  );
}

function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

/** Downloads an export, counting lines, while sampling the API process's resident memory. */
async function exportCsv(base: string, path: string, authorization: string, pid: number) {
  const before = rssKb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 10);
  const started = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { authorization } });
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  let lines = 0;
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, rssKb(pid));
  return { rows: lines - 1, rows_per_s: Math.round((lines - 1) / seconds), mb: Math.round(bytes / 1e5) / 10, rss_before_mb: Math.round(before / 1024), rss_growth_mb: Math.round((peak - before) / 1024) };
}

async function run(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stoflow-bench-analytics-'));
  const logger = createLogger({ level: 'error' });
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  try {
    const bootConfig = config(dataDir);
    const database = await openDatabase(bootConfig, logger);
    cleanups.unshift(() => database.stop());
    await prepareSchema(bootConfig, database, logger);
    const { child, base } = await startServer(dataDir, database.url, database.ownerUrl);
    cleanups.unshift(async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    });
    const registered = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'analytics@example.test', password: 'Velvet-Jacket-1987', full_name: 'Analytics Seller', account_type: 'business', business_name: 'Analytics shop' }),
    });
    if (registered.status !== 201) throw new Error(`registration failed: ${registered.status}`);
    const account = (await registered.json()) as { access_token: string; tenant_id: number };
    const authorization = `Bearer ${account.access_token}`;
    const tenant = account.tenant_id;

    // The CLI's way: the owner role, no statement limits (a rebuild creates tables).
    const owner = createPool(database.ownerUrl, 4, 'stoflow-bench', { connectMs: 10_000, statementMs: 0, queryMs: 0, idleInTransactionMs: 0 });
    cleanups.unshift(() => owner.end());
    let started = performance.now();
    await seedLog(owner, tenant, SALES, IN_STOCK);
    const logSeconds = (performance.now() - started) / 1000;
    const store = createEventStore({ pool: owner, tenancy });
    cleanups.unshift(() => store.close());
    started = performance.now();
    const rebuilt = await rebuildProjection({ pool: owner, tenancy, store, tenant, projection: analyticsProjection, batchSize: 5000 });
    const rebuildSeconds = (performance.now() - started) / 1000;
    await owner.query(`vacuum analyze ${tenancy.table(tenant, 'analytics_sales')}, ${tenancy.table(tenant, 'analytics_daily')}, ${tenancy.table(tenant, 'analytics_products')}`);
    console.log(`log of ${rebuilt.events} events written in ${logSeconds.toFixed(1)} s; analytics built from it in ${rebuildSeconds.toFixed(1)} s (${Math.round(rebuilt.events / rebuildSeconds)} events/s)`);

    const headers = { authorization };
    const year = `from=${YEAR.from}&to=${YEAR.to}`;
    const check = (await (await fetch(`${base}/api/analytics/summary?${year}`, { headers })).json()) as { sales: { sales: number; revenue: number }; inventory: { count: number } };
    console.log(`summary of the year: ${check.sales.sales} sales, ${check.sales.revenue} € revenue, inventory ${check.inventory.count}`);
    if (check.sales.sales !== SALES) throw new Error(`expected ${SALES} sales in the year, the summary says ${check.sales.sales}`);

    const f: Record<string, Figures> = {};
    f.health_c1 = await drive(base, '/health', headers, 1);
    f.summary_c1 = await drive(base, `/api/analytics/summary?${year}`, headers, 1);
    f.summary_brand_c1 = await drive(base, `/api/analytics/summary?${year}&brand=nike&category=women`, headers, 1);
    f.timeseries_c1 = await drive(base, `/api/analytics/timeseries?metric=revenue&interval=day&${year}`, headers, 1);
    f.health = await drive(base, '/health', headers, CONNECTIONS);
    f.summary = await drive(base, `/api/analytics/summary?${year}`, headers, CONNECTIONS);
    f.timeseries = await drive(base, `/api/analytics/timeseries?metric=revenue&interval=day&${year}`, headers, CONNECTIONS);

    // Ceiling of the export: the same rows, read in one plain SELECT through the same driver.
    const app = createPool(database.url, 2, 'stoflow-bench');
    cleanups.unshift(() => app.end());
    started = performance.now();
    const raw = await app.query(`select * from ${tenancy.table(tenant, 'analytics_sales')} where day between $1 and $2`, [YEAR.from, YEAR.to]);
    const rawRowsPerS = Math.round(raw.rows.length / ((performance.now() - started) / 1000));
    const month = await exportCsv(base, '/api/analytics/export.csv?from=2025-06-01&to=2025-06-30', authorization, child.pid!);
    const whole = await exportCsv(base, `/api/analytics/export.csv?${year}`, authorization, child.pid!);

    console.log(`\n${'scenario'.padEnd(17)}  ${'req/s'.padStart(7)}  ${'p50 ms'.padStart(6)}  ${'p99 ms'.padStart(6)}  ${'non-2xx'.padStart(7)}  ${'÷ health'.padStart(8)}`);
    for (const [name, x] of Object.entries(f)) {
      const ceiling = name.endsWith('_c1') ? f.health_c1!.rps : f.health!.rps;
      console.log(`${name.padEnd(17)}  ${String(x.rps).padStart(7)}  ${String(x.p50_ms).padStart(6)}  ${String(x.p99_ms).padStart(6)}  ${String(x.non_2xx).padStart(7)}  ${(x.rps / (ceiling || 1)).toFixed(2).padStart(8)}`);
    }
    // The target is the year's summary and its daily series; a brand and category filter reads the sales themselves, shown beside it.
    const worst = Math.max(f.summary_c1!.p99_ms, f.timeseries_c1!.p99_ms);
    console.log(
      `\ntarget p99 ≤ ${P99_TARGET_MS} ms at 1 connection: summary of the year ${f.summary_c1!.p99_ms} ms, 12-month daily series ${f.timeseries_c1!.p99_ms} ms: ${worst <= P99_TARGET_MS ? 'met' : 'NOT met'}` +
        ` (filtered by brand and category ${f.summary_brand_c1!.p99_ms} ms; GET /health p99 ${f.health_c1!.p99_ms} ms)`,
    );
    console.log(`\nCSV export (API process memory before: ${whole.rss_before_mb} MB)`);
    console.log(`  a month:  ${month.rows} rows, ${month.rows_per_s} rows/s, ${month.mb} MB, resident memory +${month.rss_growth_mb} MB`);
    console.log(`  the year: ${whole.rows} rows, ${whole.rows_per_s} rows/s, ${whole.mb} MB, resident memory +${whole.rss_growth_mb} MB`);
    console.log(`  ceiling:  plain SELECT of the same rows, ${rawRowsPerS} rows/s → export ÷ ceiling ${(whole.rows_per_s / rawRowsPerS).toFixed(2)}`);

    const summary: Record<string, number> = { sales: SALES, log_events: rebuilt.events, rebuild_events_per_s: Math.round(rebuilt.events / rebuildSeconds) };
    for (const [name, x] of Object.entries(f)) {
      summary[`${name}_rps`] = x.rps;
      summary[`${name}_p99_ms`] = x.p99_ms;
      if (!name.startsWith('health')) summary[`${name}_to_health`] = Math.round((x.rps / ((name.endsWith('_c1') ? f.health_c1!.rps : f.health!.rps) || 1)) * 100) / 100;
      if (x.non_2xx > 0) summary[`${name}_non_2xx`] = x.non_2xx;
    }
    Object.assign(summary, {
      export_rows: whole.rows,
      export_rows_per_s: whole.rows_per_s,
      export_raw_select_rows_per_s: rawRowsPerS,
      export_to_raw_select: Math.round((whole.rows_per_s / rawRowsPerS) * 100) / 100,
      export_rss_growth_mb: whole.rss_growth_mb,
      export_month_rows: month.rows,
      export_month_rss_growth_mb: month.rss_growth_mb,
      p99_target_ms: P99_TARGET_MS,
      p99_target_met: worst <= P99_TARGET_MS ? 1 : 0,
    });
    return summary;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

if (require.main === module) run().then(
  (summary) => console.log(JSON.stringify(summary)),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
