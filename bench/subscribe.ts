import { randomUUID } from 'node:crypto';
import type { EventStore, TenantId } from '../src/eventstore/types';
import { createProcessor } from '../src/engine/processor';
import type { Projection } from '../src/engine/projection';
import type { Pool } from '../src/infra/db/postgres';
import { createTenancy } from '../src/infra/db/tenancy';
import { createLogger } from '../src/infra/logger';
import { randomIds, systemClock } from '../src/infra/clock';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * Append → projected: one writer appends an event every few milliseconds while the processor
 * follows live (LISTEN/NOTIFY wake-ups) and applies an eventual projection; the latency of an
 * event is from the start of its append to its batch being applied (the commit that follows adds
 * the batch transaction's commit, well under a millisecond here).
 */
export async function measureSubscribeLatency(pool: Pool, connectionString: string, store: EventStore, tenant: TenantId, events = 1000): Promise<Record<string, number>> {
  const tenancy = createTenancy();
  const schema = tenancy.schema(tenant);
  await pool.query(`create table "${schema}".bench_seen (stream_id text primary key, n integer not null)`);
  const started = new Map<string, number>();
  const latencies: number[] = [];
  const projection: Projection = {
    name: 'bench_seen',
    consistency: 'eventual',
    tables: ['bench_seen'],
    handles: ['BenchPinged'],
    async apply(db, tables, batch) {
      await db.query(
        `insert into ${tables.bench_seen} as s (stream_id, n) select stream_id, count(*) from unnest($1::text[]) as x(stream_id) group by stream_id
         on conflict (stream_id) do update set n = s.n + excluded.n`,
        [batch.map((e) => e.streamId)],
      );
      const now = performance.now();
      for (const e of batch) latencies.push(now - (started.get(e.id) ?? now));
    },
  };
  const processor = createProcessor({
    tenancy,
    pool,
    connectionString,
    store,
    projections: [projection],
    reactors: [],
    logger: createLogger({ level: 'warn' }),
    clock: systemClock,
    ids: randomIds,
    group: 9000,
    listTenants: async () => [tenant],
  });
  await processor.start();
  try {
    for (let i = 0; i < events; i++) {
      const id = randomUUID();
      started.set(id, performance.now());
      await store.append(tenant, `ping-${i % 10}`, [{ id, type: 'BenchPinged', data: { i } }], 'any');
      await new Promise((r) => setTimeout(r, 2));
    }
    const deadline = Date.now() + 10_000;
    while (latencies.length < events && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  } finally {
    await processor.stop();
  }
  const sorted = latencies.sort((a, b) => a - b);
  return {
    subscribe_latency_p50_ms: Math.round(percentile(sorted, 50) * 10) / 10,
    subscribe_latency_p99_ms: Math.round(percentile(sorted, 99) * 10) / 10,
  };
}
