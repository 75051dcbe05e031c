/*
 * Append throughput of the event store, next to the same rows written by a plain INSERT through
 * the same pool in the same run, so the ratio says what the store's guarantees (version check,
 * idempotency, per-tenant ordering, stream heads, NOTIFY) cost on this machine.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, TenantId } from '../src/eventstore/types';
import type { Pool } from '../src/infra/db/postgres';
import { createTenancy } from '../src/infra/db/tenancy';

const tenancy = createTenancy();

export interface AppendFigures {
  append_1_per_tx_c1: number;
  append_1_per_tx_c16: number;
  append_100_per_tx: number;
  raw_insert_1_per_tx_c16: number;
  append_ratio: number;
}

export interface AppendBenchOptions {
  /** Length of each measured round (default 3000 ms). */
  roundMs?: number;
  /** Rounds of the c16 pair, alternated so drift hits both alike; the median counts (default 3). */
  rounds?: number;
}

/** A listing-sized event: what a real ProductCreated carries. */
function sampleEvent(): NewEvent {
  return {
    id: randomUUID(),
    type: 'ProductCreated',
    schemaVersion: 2,
    data: {
      title: 'Levi’s 501 jeans, W32 L32, dark wash',
      description: 'Straight fit, button fly, barely worn. Smoke-free home.',
      brand: 'Levi’s',
      category: 'men/jeans',
      condition: 'very_good',
      size: 'W32 L32',
      colour: 'blue',
      price_cents: 3500,
      cost_price_cents: 800,
      stock: 1,
    },
    metadata: { actor: randomUUID(), correlation_id: randomUUID(), causation_id: randomUUID(), request_id: randomUUID() },
  };
}

/** Runs `writers` loops for `ms`; each call of `step` writes `perStep` events. Returns events/s. */
async function measure(writers: number, ms: number, perStep: number, step: (writer: number, i: number) => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(ms) * 1_000_000n;
  let events = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = 0; process.hrtime.bigint() < deadline; i++) {
        await step(writer, i);
        events += perStep;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round(events / seconds);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Each writer owns a stream and appends with its exact expected version, as commands do. */
function appender(store: EventStore, tenant: TenantId, perAppend: number) {
  const streams = new Map<number, { id: string; version: number }>();
  return async (writer: number) => {
    let stream = streams.get(writer);
    if (!stream) {
      stream = { id: `product-${randomUUID()}`, version: 0 };
      streams.set(writer, stream);
    }
    const events = Array.from({ length: perAppend }, sampleEvent);
    const result = await store.append(tenant, stream.id, events, stream.version);
    stream.version = result.nextExpectedVersion;
  };
}

/** The same rows as a plain autocommit INSERT into a copy of the events table. */
function rawInserter(pool: Pool, table: string) {
  const versions = new Map<number, { id: string; version: number }>();
  return async (writer: number) => {
    let stream = versions.get(writer);
    if (!stream) {
      stream = { id: `product-${randomUUID()}`, version: 0 };
      versions.set(writer, stream);
    }
    const event = sampleEvent();
    stream.version += 1;
    await pool.query(
      `insert into ${table} (stream_id, stream_version, event_id, type, schema_version, data, metadata) values ($1, $2, $3, $4, $5, $6, $7)`,
      [stream.id, stream.version, event.id, event.type, event.schemaVersion, JSON.stringify(event.data), JSON.stringify(event.metadata)],
    );
  };
}

/** Events/s of `writers` concurrent writers, each appending `perAppend` events per append. */
export function measureAppends(store: EventStore, tenant: TenantId, writers: number, perAppend: number, ms = 3000): Promise<number> {
  return measure(writers, ms, perAppend, appender(store, tenant, perAppend));
}

export async function runAppendBenchmarks(
  pool: Pool,
  store: EventStore,
  tenant: TenantId,
  options: AppendBenchOptions = {},
): Promise<AppendFigures> {
  const roundMs = options.roundMs ?? 3000;
  const rounds = options.rounds ?? 3;
  // Same columns, indexes and identity as the log, but outside it: the raw rows must not
  // become events that later benchmarks (rebuild, subscribe) would read.
  const raw = tenancy.table(tenant, 'bench_raw_events');
  await pool.query(`drop table if exists ${raw}`);
  await pool.query(`create table ${raw} (like ${tenancy.table(tenant, 'events')} including all)`);
  try {
    // Warm-up: connections opened, plans cached, pages in memory.
    await measure(16, Math.min(1000, roundMs), 1, appender(store, tenant, 1));
    await measure(16, Math.min(1000, roundMs), 1, rawInserter(pool, raw));

    const c1 = await measure(1, roundMs, 1, appender(store, tenant, 1));
    const c16: number[] = [];
    const rawC16: number[] = [];
    for (let round = 0; round < rounds; round++) {
      c16.push(await measure(16, roundMs, 1, appender(store, tenant, 1)));
      rawC16.push(await measure(16, roundMs, 1, rawInserter(pool, raw)));
    }
    const batch = await measure(1, roundMs, 100, appender(store, tenant, 100));

    const append16 = median(c16);
    const raw16 = median(rawC16);
    return {
      append_1_per_tx_c1: c1,
      append_1_per_tx_c16: append16,
      append_100_per_tx: batch,
      raw_insert_1_per_tx_c16: raw16,
      append_ratio: raw16 === 0 ? 0 : Math.round((append16 / raw16) * 100) / 100,
    };
  } finally {
    await pool.query(`drop table if exists ${raw}`);
  }
}
