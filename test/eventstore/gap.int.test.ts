import type { Knex } from 'knex';
import { createPostgresEventStore } from '../../src/eventstore/postgres-event-store';
import { subscribe } from '../../src/eventstore/subscribe';
import type { EventStore, InlineProjector, RecordedEvent } from '../../src/eventstore/types';
import type { Pool } from '../../src/infra/db/postgres';
import { createTestTenant, testKnex, testPool, testTenancy } from '../support/db';
import { ev, streamId } from './contract';

/**
 * The gap problem: positions are drawn when a transaction inserts but become visible when it
 * commits. A reader that sees a later position before an earlier one commits, and moves its
 * checkpoint past it, skips that event forever. These tests prove the store never lets it happen.
 */

/** A reader as projections run it: read after the checkpoint, then move the checkpoint. */
function checkpointedReader(store: EventStore, tenant: number) {
  const read: RecordedEvent[] = [];
  const checkpoints: bigint[] = [];
  let checkpoint = 0n;
  return {
    read,
    checkpoints,
    async run() {
      for (;;) {
        const batch = await store.readLog(tenant, checkpoint, 100);
        if (batch.length === 0) return;
        read.push(...batch);
        checkpoint = batch[batch.length - 1]!.position;
        checkpoints.push(checkpoint);
      }
    },
  };
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 10));
}

/** Deterministic randomness, so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Gap-free log under concurrent appends', () => {
  let pool: Pool;
  let knex: Knex;
  let tenant: number;

  beforeAll(() => {
    pool = testPool(20);
    knex = testKnex();
  });
  afterAll(async () => {
    await pool.end();
    await knex.destroy();
  });
  beforeEach(async () => {
    tenant = await createTestTenant(knex);
  });

  it('When appends bypass the tenant lock, then a naive reader skips an event (the failure the store prevents)', async () => {
    // Arrange: two raw transactions on the events table, as a plain identity column allows.
    const a = await pool.connect();
    const b = await pool.connect();
    const insert = `insert into ${testTenancy.table(tenant, 'events')} (stream_id, stream_version, event_id, type, data)
                    values ($1, 1, gen_random_uuid(), 'Raw', '{}') returning position`;
    const store = createPostgresEventStore({ tenancy: testTenancy, pool });
    try {
      await a.query('begin');
      const posA = BigInt((await a.query(insert, ['raw-a'])).rows[0].position);
      await b.query('begin');
      const posB = BigInt((await b.query(insert, ['raw-b'])).rows[0].position);
      await b.query('commit');
      const reader = checkpointedReader(store, tenant);
      // Act
      await reader.run();
      await a.query('commit');
      await reader.run();
      // Assert: B was read, the checkpoint jumped past A, and A is never read.
      expect(posA).toBeLessThan(posB);
      expect(reader.read.map((e) => e.position)).toEqual([posB]);
    } finally {
      a.release();
      b.release();
      await store.close();
    }
  });

  it('When transaction A holds an append open and B appends to another stream, then a reader never passes A and later reads both in order', async () => {
    // Arrange: an inline projector that keeps A's transaction open, after its insert, until released.
    const inserted = deferred<bigint>();
    const release = deferred();
    const holding: InlineProjector = {
      handles: (type) => type === 'Held',
      async project(_tx, _tenant, events) {
        inserted.resolve(events[0]!.position);
        await release.promise;
      },
    };
    const storeA = createPostgresEventStore({ tenancy: testTenancy, pool, inline: holding });
    const store = createPostgresEventStore({ tenancy: testTenancy, pool });
    const reader = checkpointedReader(store, tenant);

    const appendA = storeA.append(tenant, streamId(), [ev('Held')], 'no_stream');
    const positionA = await inserted.promise;
    let bDone = false;
    const appendB = store.append(tenant, streamId(), [ev('Other')], 'no_stream').finally(() => (bDone = true));
    // B is queued behind A on the tenant's advisory lock.
    await waitFor(async () => {
      const { rows } = await pool.query(
        `select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted
            and classid = 17750 and objid = hashtext($1)::oid and objsubid = 2`,
        [testTenancy.schema(tenant)],
      );
      return rows[0].n === 1;
    });

    // Act 1: the reader runs while A is open and B is waiting.
    await reader.run();
    const seenWhileOpen = [...reader.read];
    const checkpointsWhileOpen = [...reader.checkpoints];

    // Act 2: A commits, B follows, the reader runs again.
    release.resolve();
    const [resultA, resultB] = await Promise.all([appendA, appendB]);
    await reader.run();

    // Assert
    expect(seenWhileOpen).toEqual([]);
    expect(checkpointsWhileOpen).toEqual([]); // still at 0, below A
    expect(bDone).toBe(true);
    expect(resultA.lastPosition).toBe(positionA);
    expect(resultB.firstPosition).toBeGreaterThan(positionA);
    expect(reader.read.map((e) => [e.type, e.position])).toEqual([
      ['Held', positionA],
      ['Other', resultB.firstPosition],
    ]);
    expect(reader.checkpoints).toEqual([resultB.lastPosition]);
    await Promise.all([storeA.close(), store.close()]);
  });

  it('When 8 writers append 500 events each with a live subscriber, then it sees every event exactly once, in log order', async () => {
    // Arrange
    const seed = Date.now() % 100_000;
    const random = prng(seed);
    const store = createPostgresEventStore({ tenancy: testTenancy, pool, pollIntervalMs: 2000 });
    const shared = Array.from({ length: 6 }, () => streamId('shared'));
    const seen: RecordedEvent[] = [];
    const sentinel = ev('Sentinel');
    const sentinelSeen = deferred();
    const subscription = await subscribe(
      store,
      tenant,
      0n,
      async (event) => {
        seen.push(event);
        // A consumer that sometimes yields mid-batch, as real ones do.
        if (seen.length % 97 === 0) await new Promise((r) => setImmediate(r));
        if (event.id === sentinel.id) sentinelSeen.resolve();
      },
      { batchSize: 64, pollIntervalMs: 2000 },
    );
    const written = new Set<string>();

    // Act: each writer mixes its own streams (exact versions) and shared ones ('any').
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const own = { id: streamId('own'), version: 0 };
        for (let left = 500; left > 0; ) {
          const events = Array.from({ length: Math.min(left, 1 + Math.floor(random() * 4)) }, () => ev('Written'));
          if (random() < 0.5) {
            own.version = (await store.append(tenant, own.id, events, own.version)).nextExpectedVersion;
          } else {
            await store.append(tenant, shared[Math.floor(random() * shared.length)]!, events, 'any');
          }
          for (const e of events) written.add(e.id);
          left -= events.length;
        }
      }),
    );
    await store.append(tenant, streamId(), [sentinel], 'no_stream');
    await sentinelSeen.promise;
    await subscription.stop();

    // Assert
    const log = await store.readLog(tenant, 0n, 10_000);
    const seenIds = seen.map((e) => e.id);
    expect({ seed, count: seen.length }).toEqual({ seed, count: 4001 });
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect(seenIds.slice(0, -1).sort()).toEqual([...written].sort());
    expect(seenIds).toEqual(log.map((e) => e.id));
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.position > seen[i - 1]!.position).toBe(true);
    await store.close();
  }, 60_000);
});
