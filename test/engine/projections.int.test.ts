import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createPostgresEventStore } from '../../src/eventstore/postgres-event-store';
import type { EventStore } from '../../src/eventstore/types';
import { createInlineProjector } from '../../src/engine/inline';
import { createProcessor } from '../../src/engine/processor';
import { rebuildProjection, verifyProjection } from '../../src/engine/rebuild';
import { readCheckpoints } from '../../src/engine/checkpoints';
import type { Pool } from '../../src/infra/db/postgres';
import { createLogger } from '../../src/infra/logger';
import { randomIds, systemClock } from '../../src/infra/clock';
import { createTestTenant, databaseUrl, testKnex, testPool, testTenancy } from '../support/db';
import { actualCounts, countingProjection, createCountingTable, expectedCounts } from './fixtures/counting-projection';

const logger = createLogger({ level: 'silent' });
const inlineCounts = countingProjection('test_inline', 'inline');
const eventualCounts = countingProjection('test_eventual', 'eventual');
let group = 5000 + (process.pid % 1000) * 10;

function counted(n = 1) {
  return Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type: 'Counted', data: { i } }));
}

describe('Projections', () => {
  let knex: Knex;
  let pool: Pool;
  let store: EventStore;

  beforeAll(() => {
    knex = testKnex();
    pool = testPool(20);
    const holder: { store?: EventStore } = {};
    store = createPostgresEventStore({ tenancy: testTenancy, pool, inline: createInlineProjector([inlineCounts], testTenancy, () => holder.store!), pollIntervalMs: 200 });
    holder.store = store;
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await knex.destroy();
  });

  async function tenantWith(...tables: string[]): Promise<number> {
    const tenant = await createTestTenant(knex);
    for (const table of tables) await createCountingTable(pool, tenant, table);
    return tenant;
  }

  describe('inline', () => {
    it('When events are appended, then the read model already holds them when append returns, with the checkpoint at their position', async () => {
      const tenant = await tenantWith('test_inline');
      const result = await store.append(tenant, 'p-1', counted(3), 'no_stream');
      expect(await actualCounts(pool, tenant, 'test_inline')).toEqual({ 'p-1': 3 });
      expect((await readCheckpoints(pool, testTenancy.schema(tenant))).get('test_inline')).toBe(result.lastPosition);
    });

    it('When an append fails its version check, then the read model is untouched', async () => {
      const tenant = await tenantWith('test_inline');
      await store.append(tenant, 'p-1', counted(1), 'no_stream');
      await expect(store.append(tenant, 'p-1', counted(2), 'no_stream')).rejects.toThrow();
      expect(await actualCounts(pool, tenant, 'test_inline')).toEqual({ 'p-1': 1 });
    });

    it('When the same events are appended again, then they are not counted twice', async () => {
      const tenant = await tenantWith('test_inline');
      const events = counted(2);
      await store.append(tenant, 'p-1', events, 'no_stream');
      await store.append(tenant, 'p-1', events, 'no_stream');
      expect(await actualCounts(pool, tenant, 'test_inline')).toEqual({ 'p-1': 2 });
    });

    it('When many appends share one commit and a projection refuses one, then only that one fails and the others are stored and projected', async () => {
      const tenant = await tenantWith('test_inline');
      const picky = { ...inlineCounts, async apply(db: Parameters<typeof inlineCounts.apply>[0], tables: Parameters<typeof inlineCounts.apply>[1], events: Parameters<typeof inlineCounts.apply>[2]) {
        if (events.some((e) => e.streamId === 'bad')) throw new Error('refused by the read model');
        await inlineCounts.apply(db, tables, events);
      } };
      const holder: { store?: EventStore } = {};
      const grouped = createPostgresEventStore({ tenancy: testTenancy, pool, inline: createInlineProjector([picky], testTenancy, () => holder.store!) });
      holder.store = grouped;
      try {
        const streams = ['s0', 's1', 's2', 's3', 'bad', 's5', 's6', 's7', 's8', 's9'];
        const results = await Promise.allSettled(streams.map((s) => grouped.append(tenant, s, counted(1), 'no_stream')));
        expect(results.map((r) => r.status)).toEqual(streams.map((s) => (s === 'bad' ? 'rejected' : 'fulfilled')));
        expect(String((results[4] as PromiseRejectedResult).reason)).toContain('refused by the read model');
        expect(await actualCounts(pool, tenant, 'test_inline')).toEqual(Object.fromEntries(streams.filter((s) => s !== 'bad').map((s) => [s, 1])));
        expect(await grouped.readStream(tenant, 'bad')).toEqual([]);
      } finally {
        await grouped.close();
      }
    });

    it('When a read model is behind the log, then the next append first applies what it missed', async () => {
      const tenant = await tenantWith('test_inline');
      await store.append(tenant, 'p-1', counted(2), 'any');
      // Simulate a read model created after those events (a new projection): empty, no checkpoint.
      await pool.query(`truncate "${testTenancy.schema(tenant)}".test_inline`);
      await pool.query(`delete from "${testTenancy.schema(tenant)}".checkpoints where name = 'test_inline'`);
      await store.append(tenant, 'p-2', counted(1), 'any');
      expect(await actualCounts(pool, tenant, 'test_inline')).toEqual({ 'p-1': 2, 'p-2': 1 });
    });
  });

  describe('eventual, through the processor', () => {
    it('When events are appended, then the processor applies them after a wake-up, each exactly once', async () => {
      const tenant = await tenantWith('test_inline', 'test_eventual');
      const processor = createProcessor({ tenancy: testTenancy,
        pool,
        connectionString: databaseUrl(),
        store,
        projections: [inlineCounts, eventualCounts],
        reactors: [],
        logger,
        clock: systemClock,
        ids: randomIds,
        group: group++,
        listTenants: async () => [tenant],
        batchSize: 7,
      });
      await processor.start();
      try {
        await Promise.all(['a', 'b', 'c'].map(async (s) => {
          for (let i = 0; i < 10; i++) await store.append(tenant, s, counted(2), 'any');
        }));
        // Followed live: no drain needed, the wake-ups bring it to the log's counts.
        const sorted = (o: Record<string, number>) => JSON.stringify(Object.entries(o).sort());
        const deadline = Date.now() + 10_000;
        let caughtUp = false;
        while (!caughtUp && Date.now() < deadline) {
          caughtUp = sorted(await actualCounts(pool, tenant, 'test_eventual')) === sorted(await expectedCounts(pool, tenant));
          if (!caughtUp) await new Promise((r) => setTimeout(r, 20));
        }
        expect(caughtUp).toBe(true);
        expect(await actualCounts(pool, tenant, 'test_eventual')).toEqual({ a: 20, b: 20, c: 20 });
        // The inline model is not applied a second time by the processor.
        expect(await actualCounts(pool, tenant, 'test_inline')).toEqual({ a: 20, b: 20, c: 20 });
      } finally {
        await processor.stop();
      }
    });
  });

  describe('housekeeping', () => {
    it('When the processor runs a tenant, then its upkeep runs too, at most once per interval', async () => {
      const tenant = await tenantWith('test_inline', 'test_eventual');
      const upkept: number[] = [];
      const processor = createProcessor({ tenancy: testTenancy,
        pool, connectionString: databaseUrl(), store, projections: [eventualCounts], reactors: [], logger,
        clock: systemClock, ids: randomIds, group: group++, listTenants: async () => [tenant],
        housekeeping: { everyMs: 60_000, run: async (t) => void upkept.push(t) },
      });
      try {
        await processor.start();
        await processor.drain();
        await store.append(tenant, 'a', counted(1), 'any');
        await processor.drain();
        expect(upkept).toEqual([tenant]);
      } finally {
        await processor.stop();
      }
    });

    it('When several periodic jobs run and one fails, then each keeps its own interval and the others still run', async () => {
      const tenant = await tenantWith('test_inline', 'test_eventual');
      const ran: string[] = [];
      const processor = createProcessor({ tenancy: testTenancy,
        pool, connectionString: databaseUrl(), store, projections: [eventualCounts], reactors: [], logger,
        clock: systemClock, ids: randomIds, group: group++, listTenants: async () => [tenant],
        housekeeping: [
          { name: 'failing', everyMs: 60_000, run: async () => { ran.push('failing'); throw new Error('marketplace down'); } },
          { name: 'often', everyMs: 1, run: async () => void ran.push('often') },
        ],
      });
      try {
        await processor.start();
        await processor.drain();
        await new Promise((r) => setTimeout(r, 5));
        await store.append(tenant, 'a', counted(1), 'any');
        await processor.drain();
        expect(ran.filter((r) => r === 'failing')).toEqual(['failing']);
        expect(ran.filter((r) => r === 'often').length).toBeGreaterThanOrEqual(2);
      } finally {
        await processor.stop();
      }
    });
  });

  describe('the gap', () => {
    it('When append A is held open and B commits behind it, then the projector never moves past A, and later holds both', async () => {
      const tenant = await tenantWith('test_inline', 'test_eventual');
      let inserted!: () => void;
      const insertedA = new Promise<void>((r) => (inserted = r));
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      // An inline projector that keeps A's transaction open after its insert.
      const storeA = createPostgresEventStore({
        pool,
        tenancy: testTenancy,
        inline: { handles: () => true, project: async () => { inserted(); await released; } },
      });
      const processor = createProcessor({ tenancy: testTenancy,
        pool, connectionString: databaseUrl(), store, projections: [eventualCounts], reactors: [], logger,
        clock: systemClock, ids: randomIds, group: group++, listTenants: async () => [tenant],
      });
      try {
        const appendA = storeA.append(tenant, 'x', counted(1), 'no_stream');
        await insertedA;
        const appendB = store.append(tenant, 'y', counted(1), 'no_stream');
        await processor.start();
        await processor.drain();
        expect(await actualCounts(pool, tenant, 'test_eventual')).toEqual({});
        expect((await readCheckpoints(pool, testTenancy.schema(tenant))).get('test_eventual') ?? 0n).toBe(0n);

        release();
        const [a, b] = await Promise.all([appendA, appendB]);
        await processor.drain();
        expect(await actualCounts(pool, tenant, 'test_eventual')).toEqual({ x: 1, y: 1 });
        expect(b.firstPosition).toBeGreaterThan(a.lastPosition);
        expect((await readCheckpoints(pool, testTenancy.schema(tenant))).get('test_eventual')).toBe(b.lastPosition);
      } finally {
        release();
        await processor.stop();
        await storeA.close();
      }
    });
  });

  describe('rebuild', () => {
    it('When a read model is rebuilt while writers and readers keep going, then queries never fail and the result equals the log', async () => {
      const tenant = await tenantWith('test_inline');
      await Promise.all(['a', 'b', 'c', 'd'].map((s) => store.append(tenant, s, counted(50), 'any')));
      let writing = true;
      let reads = 0;
      const readErrors: unknown[] = [];
      const writers = Promise.all(['a', 'b', 'e'].map(async (s) => {
        while (writing) await store.append(tenant, s, counted(1), 'any');
      }));
      const reader = (async () => {
        while (writing) {
          try {
            await pool.query(`select sum(n) from "${testTenancy.schema(tenant)}".test_inline`);
            reads++;
          } catch (err) {
            readErrors.push(err);
          }
        }
      })();
      await rebuildProjection({ tenancy: testTenancy, pool, store, tenant, projection: inlineCounts, batchSize: 13 });
      await rebuildProjection({ tenancy: testTenancy, pool, store, tenant, projection: inlineCounts, batchSize: 50 });
      writing = false;
      await Promise.all([writers, reader]);

      expect(readErrors).toEqual([]);
      expect(reads).toBeGreaterThan(0);
      expect(await actualCounts(pool, tenant, 'test_inline')).toEqual(await expectedCounts(pool, tenant));
      expect(await verifyProjection({ tenancy: testTenancy, pool, store, tenant, projection: inlineCounts })).toEqual([]);
    });

    it('When a read model is rebuilt, then its indexes keep their names', async () => {
      const tenant = await tenantWith('test_inline');
      await store.append(tenant, 'a', counted(3), 'any');
      const names = async () =>
        (await pool.query<{ indexname: string }>(`select indexname from pg_indexes where schemaname = $1 and tablename = 'test_inline' order by 1`, [testTenancy.schema(tenant)])).rows.map((r) => r.indexname);
      const before = await names();
      await rebuildProjection({ tenancy: testTenancy, pool, store, tenant, projection: inlineCounts });
      expect(await names()).toEqual(before);
      expect(before).toEqual(['test_inline_n_idx', 'test_inline_pkey']);
    });

    it('When a live row is tampered with, then verify reports the drift, and a rebuild repairs it', async () => {
      const tenant = await tenantWith('test_inline');
      await store.append(tenant, 'a', counted(4), 'any');
      await store.append(tenant, 'b', counted(2), 'any');
      await pool.query(`update "${testTenancy.schema(tenant)}".test_inline set n = 99 where stream_id = 'a'`);
      const drift = await verifyProjection({ tenancy: testTenancy, pool, store, tenant, projection: inlineCounts });
      expect(drift).toHaveLength(1);
      expect(drift[0]!.unexpected).toEqual([{ stream_id: 'a', n: 99, last_version: 4 }]);
      expect(drift[0]!.missing).toEqual([{ stream_id: 'a', n: 4, last_version: 4 }]);
      await rebuildProjection({ tenancy: testTenancy, pool, store, tenant, projection: inlineCounts });
      expect(await verifyProjection({ tenancy: testTenancy, pool, store, tenant, projection: inlineCounts })).toEqual([]);
    });
  });
});
