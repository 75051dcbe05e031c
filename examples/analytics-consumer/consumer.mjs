#!/usr/bin/env node
/* global fetch, AbortController, TextDecoder */
/*
 * An example consumer of Stoflow's event feed: daily sales per channel, in a database of its own.
 *
 * It follows GET /api/events/stream with a consumer key, for the one type it needs (ProductSold),
 * and folds each sale into <schema>.daily_sales. The last position it processed is kept in
 * <schema>.checkpoint, written in the same transaction as the sale it follows from, so a crash
 * at any moment either kept both or neither: after a restart (or a dropped connection) it resumes
 * with Last-Event-ID = that position, and an event delivered twice is recognised by its position
 * and skipped. Nothing is counted twice, nothing is missed.
 *
 * Only Node's fetch and `pg`. Configuration from the environment:
 *   STOFLOW_URL            the service (default http://localhost:8000)
 *   STOFLOW_CONSUMER_KEY   a consumer key (POST /api/consumer-keys), sfk_…
 *   DATABASE_URL           the consumer's own PostgreSQL
 *   CONSUMER_SCHEMA        its schema there (default analytics_consumer), created if missing
 *   IDLE_TIMEOUT_MS        reconnect when nothing (not even a keep-alive) came for this long (default 45000)
 */
import pg from 'pg';

const SALE_SCHEMA_VERSION = 1; // the version of ProductSold this consumer understands

const config = {
  url: (process.env.STOFLOW_URL ?? 'http://localhost:8000').replace(/\/+$/, ''),
  key: process.env.STOFLOW_CONSUMER_KEY ?? '',
  databaseUrl: process.env.DATABASE_URL ?? '',
  schema: process.env.CONSUMER_SCHEMA ?? 'analytics_consumer',
  idleTimeoutMs: Number(process.env.IDLE_TIMEOUT_MS ?? 45_000),
};
if (!config.key.startsWith('sfk_')) fail('Set STOFLOW_CONSUMER_KEY to a consumer key (sfk_…)');
if (!config.databaseUrl) fail('Set DATABASE_URL to the consumer’s own PostgreSQL');
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(config.schema)) fail('CONSUMER_SCHEMA must be a lower-case SQL identifier');

const schema = `"${config.schema}"`;
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
let stopping = false;
let current = null;

function fail(message) {
  console.error(`analytics-consumer: ${message}`);
  process.exit(1);
}

const log = (message) => console.log(`${new Date().toISOString()} analytics-consumer: ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function migrate() {
  await pool.query(`
    create schema if not exists ${schema};
    create table if not exists ${schema}.checkpoint (
      id boolean primary key default true check (id),
      position bigint not null
    );
    insert into ${schema}.checkpoint (id, position) values (true, 0) on conflict (id) do nothing;
    create table if not exists ${schema}.daily_sales (
      day date not null,
      channel text not null,
      sales integer not null,
      units integer not null,
      revenue_cents bigint not null,
      primary key (day, channel)
    );
  `);
}

async function checkpoint() {
  const { rows } = await pool.query(`select position from ${schema}.checkpoint`);
  return BigInt(rows[0].position);
}

/** One event, exactly once: the checkpoint row is locked, compared and moved with the write. */
async function apply(item) {
  if (item.type !== 'ProductSold') return;
  if (item.schema_version !== SALE_SCHEMA_VERSION) throw new Error(`ProductSold schema_version ${item.schema_version} is newer than this consumer knows (${SALE_SCHEMA_VERSION})`);
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query(`select position from ${schema}.checkpoint for update`);
    if (BigInt(rows[0].position) >= BigInt(item.position)) {
      await client.query('rollback'); // already counted (delivered again after a reconnect)
      return;
    }
    const sale = item.data;
    await client.query(
      `insert into ${schema}.daily_sales as d (day, channel, sales, units, revenue_cents)
       values (($1::timestamptz at time zone 'UTC')::date, $2, 1, $3, $4)
       on conflict (day, channel) do update
         set sales = d.sales + 1, units = d.units + excluded.units, revenue_cents = d.revenue_cents + excluded.revenue_cents`,
      [sale.sold_at, sale.channel, sale.quantity, sale.quantity * sale.unit_price_cents],
    );
    await client.query(`update ${schema}.checkpoint set position = $1`, [String(item.position)]);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Follows the stream from the checkpoint until it ends or fails; returns how long to wait before reconnecting. */
async function follow() {
  const from = await checkpoint();
  const abort = new AbortController();
  current = abort;
  let idle = setTimeout(() => abort.abort(new Error('idle')), config.idleTimeoutMs);
  const alive = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort.abort(new Error('idle')), config.idleTimeoutMs);
  };
  let retryMs = 3000;
  try {
    const headers = { Authorization: `Bearer ${config.key}`, Accept: 'text/event-stream' };
    if (from > 0n) headers['Last-Event-ID'] = String(from);
    const res = await fetch(`${config.url}/api/events/stream?type=ProductSold`, { headers, signal: abort.signal });
    if (res.status === 401 || res.status === 403) fail(`the service refused the key (${res.status}): it was revoked, or is not a consumer key`);
    if (res.status === 429) return Number(res.headers.get('retry-after') ?? 10) * 1000;
    if (res.status !== 200 || !res.body) throw new Error(`GET /api/events/stream answered ${res.status}`);
    log(`following from position ${from}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      alive();
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue; // keep-alive
          const at = line.indexOf(':');
          const field = at < 0 ? line : line.slice(0, at);
          const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
          if (field === 'data') data += value;
          else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
        }
        if (data) {
          const item = JSON.parse(data);
          await apply(item);
          log(`processed ${item.type} at position ${item.position}`);
        }
      }
    }
    log('the stream ended');
  } catch (err) {
    if (stopping) return 0;
    log(`the stream failed: ${err?.cause?.message ?? err?.message ?? err}`);
  } finally {
    clearTimeout(idle);
    current = null;
  }
  return retryMs;
}

async function main() {
  await migrate();
  for (;;) {
    const wait = await follow();
    if (stopping) break;
    log(`reconnecting in ${wait} ms`);
    await sleep(wait);
    if (stopping) break;
  }
  await pool.end();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    current?.abort();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
