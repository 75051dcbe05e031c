import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createPostgresEventStore } from '../../src/eventstore/postgres-event-store';
import type { EventStore, RecordedEvent } from '../../src/eventstore/types';
import { createProcessor } from '../../src/engine/processor';
import { retryDelayMs, type Reactor } from '../../src/engine/reactor';
import { readCheckpoints } from '../../src/engine/checkpoints';
import { stockDepletedReactor } from '../../src/reactors/stock-depleted';
import type { Pool } from '../../src/infra/db/postgres';
import { createLogger } from '../../src/infra/logger';
import { randomIds, systemClock } from '../../src/infra/clock';
import { createTestTenant, databaseUrl, testKnex, testPool, testTenancy } from '../support/db';

const logger = createLogger({ level: 'silent' });
let group = 7000 + (process.pid % 1000) * 10;

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Reactors', () => {
  let knex: Knex;
  let pool: Pool;
  let store: EventStore;

  beforeAll(() => {
    knex = testKnex();
    pool = testPool();
    store = createPostgresEventStore({ tenancy: testTenancy, pool, pollIntervalMs: 100 });
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await knex.destroy();
  });

  function processorFor(tenant: number, reactors: Reactor[]) {
    return createProcessor({ tenancy: testTenancy,
      pool,
      connectionString: databaseUrl(),
      store,
      projections: [],
      reactors,
      logger,
      clock: systemClock,
      ids: randomIds,
      group: group++,
      listTenants: async () => [tenant],
      rebalanceMs: 100,
    });
  }

  async function reactionEvents(tenant: number, reactor: string): Promise<RecordedEvent[]> {
    return store.readStream(tenant, `reactions-${reactor}`);
  }

  it('When a reaction fails twice, then it is retried with backoff, each failure is an event, and the effect happens once with one key', async () => {
    const tenant = await createTestTenant(knex);
    const keys: string[] = [];
    let calls = 0;
    const flaky: Reactor = {
      name: 'flaky',
      handles: ['Ping'],
      baseDelayMs: 20,
      async react(_event, { idempotencyKey, attempt }) {
        calls++;
        if (attempt < 3) throw new Error(`marketplace timeout #${attempt}`);
        keys.push(idempotencyKey);
      },
    };
    const processor = processorFor(tenant, [flaky]);
    await processor.start();
    try {
      const ping = { id: randomUUID(), type: 'Ping', data: {} };
      await store.append(tenant, 'pings', [ping], 'any');
      await eventually(async () => keys.length === 1, 'the third attempt');
      expect(calls).toBe(3);
      expect(keys).toEqual([`flaky:${ping.id}`]);
      await eventually(async () => (await reactionEvents(tenant, 'flaky')).length === 3, 'the recovery event');
      const events = await reactionEvents(tenant, 'flaky');
      expect(events.map((e) => e.type)).toEqual(['ReactionFailed', 'ReactionFailed', 'ReactionRecovered']);
      expect(events[0]!.data).toMatchObject({ reactor: 'flaky', event_id: ping.id, attempt: 1, error: 'marketplace timeout #1' });
      expect(events[0]!.metadata.causation_id).toBe(ping.id);
      const row = await pool.query(`select status, attempts from "${testTenancy.schema(tenant)}".reaction_failures`);
      expect(row.rows).toEqual([{ status: 'resolved', attempts: 2 }]);
    } finally {
      await processor.stop();
    }
  });

  it('When a failure says when to try again (a 429 with Retry-After), then the next attempt is not scheduled sooner', async () => {
    const tenant = await createTestTenant(knex);
    const throttled: Reactor = {
      name: 'throttled',
      handles: ['Ping'],
      baseDelayMs: 20,
      async react() {
        throw Object.assign(new Error('ebay answered 429: 2001 Too many requests'), { retryAfterSeconds: 90 });
      },
    };
    const processor = processorFor(tenant, [throttled]);
    await processor.start();
    try {
      const before = Date.now();
      await store.append(tenant, 'pings', [{ id: randomUUID(), type: 'Ping', data: {} }], 'any');
      await eventually(async () => (await reactionEvents(tenant, 'throttled')).length === 1, 'the failure');
      const { rows } = await pool.query<{ next_attempt_at: Date }>(`select next_attempt_at from "${testTenancy.schema(tenant)}".reaction_failures`);
      expect(rows[0]!.next_attempt_at.getTime() - before).toBeGreaterThanOrEqual(89_000);
    } finally {
      await processor.stop();
    }
  });

  it('When a reactor handles rare events, then it moves past the others it was woken for, its checkpoint kept now and then, and still reacts to the next rare one', async () => {
    const tenant = await createTestTenant(knex);
    const seen: string[] = [];
    const rare: Reactor = {
      name: 'rare',
      handles: ['Rare'],
      async react(event) {
        seen.push(event.id);
      },
    };
    const processor = processorFor(tenant, [rare]);
    await processor.start();
    try {
      for (let n = 0; n < 6; n++) await store.append(tenant, `others-${n}`, Array.from({ length: 100 }, () => ({ id: randomUUID(), type: 'Other', data: {} })), 'any');
      const head = await store.head(tenant);
      await eventually(async () => ((await readCheckpoints(pool, testTenancy.schema(tenant))).get('rare') ?? 0n) >= 500n, 'the checkpoint past the events it does not handle');
      expect((await readCheckpoints(pool, testTenancy.schema(tenant))).get('rare')).toBeLessThanOrEqual(head);
      const wanted = { id: randomUUID(), type: 'Rare', data: {} };
      await store.append(tenant, 'rare', [wanted], 'any');
      await eventually(async () => seen.length === 1, 'the rare event');
      expect(seen).toEqual([wanted.id]);
    } finally {
      await processor.stop();
    }
  });

  it('When a reactor allows concurrency, then reactions of different streams overlap up to the bound, and each stream keeps its order', async () => {
    const tenant = await createTestTenant(knex);
    let inFlight = 0;
    let widest = 0;
    const seen = new Map<string, number[]>();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const parallel: Reactor = {
      name: 'parallel',
      handles: ['Step'],
      concurrency: 3,
      async react(event) {
        inFlight++;
        widest = Math.max(widest, inFlight);
        await gate;
        await new Promise((r) => setTimeout(r, 5));
        seen.set(event.streamId, [...(seen.get(event.streamId) ?? []), (event.data as { n: number }).n]);
        inFlight--;
      },
    };
    // Six streams, three steps each, appended before the processor starts: one batch.
    for (let n = 0; n < 3; n++) {
      for (let s = 0; s < 6; s++) await store.append(tenant, `steps-${s}`, [{ id: randomUUID(), type: 'Step', data: { n } }], 'any');
    }
    const processor = processorFor(tenant, [parallel]);
    await processor.start();
    try {
      await eventually(async () => inFlight === 3, 'three reactions at once');
      release();
      await eventually(async () => [...seen.values()].reduce((a, l) => a + l.length, 0) === 18, 'every step');
      expect(widest).toBe(3);
      for (const steps of seen.values()) expect(steps).toEqual([0, 1, 2]);
      const checkpoint = await pool.query(`select position from "${testTenancy.schema(tenant)}".checkpoints where name = 'parallel'`);
      expect(Number(checkpoint.rows[0].position)).toBe(18);
    } finally {
      await processor.stop();
    }
  });

  it('When a reaction keeps failing, then after the last attempt it becomes a dead letter and later events still flow', async () => {
    const tenant = await createTestTenant(knex);
    const handled: string[] = [];
    const broken: Reactor = {
      name: 'broken',
      handles: ['Ping'],
      maxAttempts: 3,
      baseDelayMs: 10,
      async react(event) {
        if ((event.data as { fail: boolean }).fail) throw new Error('listing rejected');
        handled.push(event.id);
      },
    };
    const processor = processorFor(tenant, [broken]);
    await processor.start();
    try {
      const bad = { id: randomUUID(), type: 'Ping', data: { fail: true } };
      const good = { id: randomUUID(), type: 'Ping', data: { fail: false } };
      await store.append(tenant, 'pings', [bad, good], 'any');
      await eventually(async () => (await reactionEvents(tenant, 'broken')).some((e) => e.type === 'ReactionDeadLettered'), 'the dead letter');
      expect(handled).toEqual([good.id]);
      const types = (await reactionEvents(tenant, 'broken')).map((e) => e.type);
      expect(types).toEqual(['ReactionFailed', 'ReactionFailed', 'ReactionDeadLettered']);
      const row = await pool.query(`select status, attempts, last_error, event_id from "${testTenancy.schema(tenant)}".reaction_failures`);
      expect(row.rows).toEqual([{ status: 'dead', attempts: 3, last_error: 'listing rejected', event_id: bad.id }]);
    } finally {
      await processor.stop();
    }
  });

  it('When the last unit is sold, then the seller gets one notification, even if the event is delivered again', async () => {
    const tenant = await createTestTenant(knex);
    const reactor = stockDepletedReactor({ tenancy: testTenancy, pool, ids: randomIds });
    const productId = randomUUID();
    const stream = `product-${productId}`;
    await store.append(tenant, stream, [
      { id: randomUUID(), type: 'ProductSold', data: { product_id: productId, quantity: 1, remaining_stock: 1 } },
      { id: randomUUID(), type: 'ProductSold', data: { product_id: productId, quantity: 1, remaining_stock: 0 } },
    ], 'any');
    const first = processorFor(tenant, [reactor]);
    await first.start();
    await first.drain();
    await first.stop();
    // Redelivery: forget the checkpoint and run again.
    await pool.query(`delete from "${testTenancy.schema(tenant)}".checkpoints where name = $1`, [reactor.name]);
    const second = processorFor(tenant, [reactor]);
    await second.start();
    await second.drain();
    await second.stop();
    const { rows } = await pool.query(`select kind, product_id, title from "${testTenancy.schema(tenant)}".notifications`);
    expect(rows).toEqual([{ kind: 'stock_depleted', product_id: productId, title: 'Sold out' }]);
  });

  it('When one reactor is stuck on a slow call, then another reactor of the same tenant still reacts at once', async () => {
    const tenant = await createTestTenant(knex);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const fast: string[] = [];
    const slow: Reactor = { name: 'slow_marketplace', handles: ['Ping'], async react() { await released; } };
    const quick: Reactor = { name: 'quick_delist', handles: ['Ping'], async react(event) { fast.push(event.id); } };
    const processor = processorFor(tenant, [slow, quick]);
    await processor.start();
    try {
      const first = { id: randomUUID(), type: 'Ping', data: {} };
      await store.append(tenant, 'pings', [first], 'any');
      await eventually(async () => fast.includes(first.id), 'the quick reactor to react while the slow one waits');
      const second = { id: randomUUID(), type: 'Ping', data: {} };
      await store.append(tenant, 'pings', [second], 'any');
      await eventually(async () => fast.includes(second.id), 'the quick reactor to react again');
      // The slow one has not moved past the first event.
      expect((await readCheckpoints(pool, testTenancy.schema(tenant))).get('slow_marketplace') ?? 0n).toBe(0n);
    } finally {
      release();
      await processor.stop();
    }
  });

  it('When a tenant is quiet, then its periodic jobs still run on time', async () => {
    const tenant = await createTestTenant(knex);
    const ran: number[] = [];
    const processor = createProcessor({ tenancy: testTenancy,
      pool, connectionString: databaseUrl(), store, projections: [], reactors: [], logger,
      clock: systemClock, ids: randomIds, group: group++, listTenants: async () => [tenant], rebalanceMs: 100,
      // No event is ever appended and the sweep is far away: only the clock can run the job.
      sweepMs: 60_000,
      housekeeping: { name: 'poll', everyMs: 200, run: async () => void ran.push(Date.now()) },
    });
    await processor.start();
    try {
      await eventually(async () => ran.length >= 3, 'three runs of the job');
    } finally {
      await processor.stop();
    }
  });

  it('When a job is due between two rebalance ticks, then it runs when due, not at the next tick', async () => {
    const tenant = await createTestTenant(knex);
    const ran: number[] = [];
    const processor = createProcessor({ tenancy: testTenancy,
      pool, connectionString: databaseUrl(), store, projections: [], reactors: [], logger,
      clock: systemClock, ids: randomIds, group: group++, listTenants: async () => [tenant],
      // The ticks are a minute apart: only the job's own timer can run it again.
      rebalanceMs: 60_000, sweepMs: 60_000,
      housekeeping: { name: 'poll', everyMs: 250, run: async () => void ran.push(Date.now()) },
    });
    await processor.start();
    try {
      await eventually(async () => ran.length >= 4, 'four runs of the job');
      const gaps = ran.slice(1).map((at, n) => at - ran[n]!);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(240);
    } finally {
      await processor.stop();
    }
  });

  it('When events a reactor does not handle are appended, then it is not woken for them; one it handles wakes it at once', async () => {
    const tenant = await createTestTenant(knex);
    const heads: number[] = [];
    const counting = { ...store, head: async (t: number) => (t === tenant && heads.push(Date.now()), store.head(t)) };
    const pinged: string[] = [];
    const reactor: Reactor = { name: 'pings_only', handles: ['Ping'], async react(event) { pinged.push(event.id); } };
    const processor = createProcessor({ tenancy: testTenancy,
      pool, connectionString: databaseUrl(), store: counting, projections: [], reactors: [reactor], logger,
      clock: systemClock, ids: randomIds, group: group++, listTenants: async () => [tenant], rebalanceMs: 60_000, sweepMs: 60_000,
    });
    await processor.start();
    try {
      await eventually(async () => heads.length > 0, 'the first catch-up');
      await new Promise((r) => setTimeout(r, 100));
      const before = heads.length;
      for (let n = 0; n < 5; n++) await store.append(tenant, 'noise', [{ id: randomUUID(), type: 'Noise', data: {} }], 'any');
      await new Promise((r) => setTimeout(r, 300));
      expect(heads.length).toBe(before);
      const ping = { id: randomUUID(), type: 'Ping', data: {} };
      await store.append(tenant, 'pings', [ping], 'any');
      await eventually(async () => pinged.includes(ping.id), 'the reactor to react');
    } finally {
      await processor.stop();
    }
  });
});

describe('Retry delays', () => {
  it('When attempts grow, then the delay doubles within its jitter band and is capped', () => {
    expect(retryDelayMs(1, 1000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, () => 1)).toBe(1000);
    expect(retryDelayMs(3, 1000, () => 0)).toBe(2000);
    expect(retryDelayMs(3, 1000, () => 1)).toBe(4000);
    expect(retryDelayMs(30, 1000, () => 1)).toBe(600_000);
  });
});
