import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Knex } from 'knex';
import { productUpcasters } from '../../src/domain/product/upcasters';
import { createPostgresEventStore } from '../../src/eventstore/postgres-event-store';
import { subscribe } from '../../src/eventstore/subscribe';
import type { EventStore, InlineProjector, RecordedEvent } from '../../src/eventstore/types';
import { createPool, type Pool, type Queryable } from '../../src/infra/db/postgres';
import { withTenant } from '../../src/infra/db/tenant-transaction';
import { ConcurrencyError, ConflictError } from '../../src/shared/errors';
import { createTestTenant, databaseUrl, testKnex, testPool, testTenancy } from '../support/db';
import { describeEventStoreContract, ev, streamId } from './contract';

describeEventStoreContract('PostgreSQL', async () => {
  const pool = testPool(20);
  const knex = testKnex();
  const store = createPostgresEventStore({ tenancy: testTenancy, pool, upcasters: productUpcasters, pollIntervalMs: 250 });
  return {
    store,
    tenant: () => createTestTenant(knex),
    close: async () => {
      await store.close();
      await pool.end();
      await knex.destroy();
    },
  };
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

/** A read model kept in the append transaction: one row per handled event. */
function seenTableProjector(onProject?: (tx: Queryable) => Promise<void>): InlineProjector & { calls: RecordedEvent[][] } {
  const calls: RecordedEvent[][] = [];
  return {
    calls,
    handles: (type) => type === 'ProductCreated' || type === 'Boom',
    async project(tx, tenant, events) {
      calls.push(events);
      for (const event of events) {
        await tx.query(`insert into ${testTenancy.table(tenant, 'seen')} (event_id, position, price_cents) values ($1, $2, $3)`, [
          event.id,
          event.position.toString(),
          (event.data as { price_cents?: number }).price_cents ?? null,
        ]);
        if (event.type === 'Boom') throw new Error('projection failed');
      }
      await onProject?.(tx);
    },
  };
}

describe('PostgreSQL event store, beyond the contract', () => {
  let pool: Pool;
  let knex: Knex;
  let tenant: number;

  beforeAll(() => {
    pool = testPool(10);
    knex = testKnex();
  });
  afterAll(async () => {
    await pool.end();
    await knex.destroy();
  });
  beforeEach(async () => {
    tenant = await createTestTenant(knex);
    await pool.query(`create table ${testTenancy.table(tenant, 'seen')} (event_id uuid primary key, position bigint not null, price_cents integer)`);
  });

  async function withStore<T>(inline: InlineProjector | undefined, fn: (store: EventStore) => Promise<T>): Promise<T> {
    const store = createPostgresEventStore({ tenancy: testTenancy, pool, inline, upcasters: productUpcasters });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  const seenRows = async () =>
    (await pool.query<{ event_id: string; position: number; price_cents: number | null }>(`select * from ${testTenancy.table(tenant, 'seen')} order by position`)).rows;

  it('When an inline projector handles an event, then it sees the upcast envelope and its rows commit with the events', async () => {
    const projector = seenTableProjector();
    const created = ev('ProductCreated', { title: 'Vase', price: 12.5 }, { schemaVersion: 1 });

    const result = await withStore(projector, (store) => store.append(tenant, streamId('product'), [ev('Noted'), created], 'no_stream'));

    expect(projector.calls).toHaveLength(1);
    expect(projector.calls[0]?.map((e) => e.id)).toEqual([created.id]);
    expect(projector.calls[0]?.[0]).toMatchObject({ streamVersion: 2, schemaVersion: 2, position: result.lastPosition });
    expect(await seenRows()).toEqual([{ event_id: created.id, position: Number(result.lastPosition), price_cents: 1250 }]);
  });

  it('When the inline projector fails, then none of the append is stored', async () => {
    const projector = seenTableProjector();
    const stream = streamId('product');

    await expect(
      withStore(projector, (store) => store.append(tenant, stream, [ev('ProductCreated', { price_cents: 1 }), ev('Boom')], 'no_stream')),
    ).rejects.toThrow('projection failed');

    const stored = await pool.query(`select count(*)::int as n from ${testTenancy.table(tenant, 'events')}`);
    const head = await pool.query(`select count(*)::int as n from ${testTenancy.table(tenant, 'streams')}`);
    expect(stored.rows[0]).toEqual({ n: 0 });
    expect(head.rows[0]).toEqual({ n: 0 });
    expect(await seenRows()).toEqual([]);
  });

  it('When a projected append is retried, then the projector is not run again', async () => {
    const projector = seenTableProjector();
    const events = [ev('ProductCreated', { price_cents: 300 })];
    const stream = streamId('product');
    await withStore(projector, (store) => store.append(tenant, stream, events, 'no_stream'));

    const retry = await withStore(projector, (store) => store.append(tenant, stream, events, 'no_stream'));

    expect(retry.duplicate).toBe(true);
    expect(projector.calls).toHaveLength(1);
    expect(await seenRows()).toHaveLength(1);
  });

  it('When some ids of an append are already stored elsewhere, then it is refused and nothing is written', async () => {
    const reused = ev();
    await withStore(undefined, (store) => store.append(tenant, streamId(), [reused], 'no_stream'));
    const stream = streamId();

    const attempt = withStore(undefined, (store) => store.append(tenant, stream, [ev(), reused], 'any'));

    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(await withStore(undefined, (store) => store.readStream(tenant, stream))).toEqual([]);
  });

  it('When append_events is called directly with a stale version, then SQL itself refuses with the actual version', async () => {
    const stream = streamId();
    await withStore(undefined, (store) => store.append(tenant, stream, [ev(), ev()], 'no_stream'));

    const { rows } = await pool.query(
      `select outcome, next_version from public.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [testTenancy.schema(tenant), [stream], [1], [1], [randomUUID()], ['Late'], [1], ['{}'], ['{}'], 'stoflow_events'],
    );

    expect(rows).toEqual([{ outcome: 'conflict', next_version: 2 }]);
  });

  it('When one connection appends to one tenant, another, then the first again, then each append lands in its own schema and the caller keeps its search_path', async () => {
    const other = await createTestTenant(knex);
    const single = testPool(1); // one connection: the shared function's cached plans serve every call
    try {
      const call = (schema: string, stream: string, id: string) =>
        single.query(`select outcome from public.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [schema, [stream], [-1], [1], [id], ['Shared'], [1], ['{}'], ['{}'], 'stoflow_events']);
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      const stream = streamId();
      await call(testTenancy.schema(tenant), stream, ids[0]!);
      await call(testTenancy.schema(other), stream, ids[1]!);
      await call(testTenancy.schema(tenant), stream, ids[2]!);
      const where = async (id: string) => {
        const mine = await single.query(`select 1 from ${testTenancy.table(tenant, 'events')} where event_id = $1`, [id]);
        const theirs = await single.query(`select 1 from ${testTenancy.table(other, 'events')} where event_id = $1`, [id]);
        return mine.rowCount === 1 ? 'mine' : theirs.rowCount === 1 ? 'theirs' : 'nowhere';
      };
      expect([await where(ids[0]!), await where(ids[1]!), await where(ids[2]!)]).toEqual(['mine', 'theirs', 'mine']);
      const path = await single.query<{ search_path: string }>('show search_path');
      expect(path.rows[0]!.search_path).not.toContain(testTenancy.schema(tenant));
    } finally {
      await single.end();
    }
  });

  it("When a tenant's own role calls append_events, then it appends to its own log and another tenant's is refused with permission denied", async () => {
    const other = await createTestTenant(knex);
    const call = (tx: Queryable, schema: string, stream: string) =>
      tx.query(`select outcome from public.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [schema, [stream], [-1], [1], [randomUUID()], ['AsRole'], [1], ['{}'], ['{}'], 'stoflow_events']);
    const stream = streamId();
    const own = await withTenant(pool, testTenancy, tenant, async (tx) => (await call(tx, testTenancy.schema(tenant), stream)).rows);
    expect(own).toEqual([{ outcome: 'appended' }]);
    await expect(withTenant(pool, testTenancy, tenant, (tx) => call(tx, testTenancy.schema(other), stream))).rejects.toMatchObject({ code: '42501' });
    const theirs = await pool.query(`select count(*)::int as n from ${testTenancy.table(other, 'events')} where stream_id = $1`, [stream]);
    expect(theirs.rows[0]).toEqual({ n: 0 });
  });

  it('When append_events is given a schema that is not one, then it refuses before touching anything', async () => {
    const call = (schema: string) =>
      pool.query(`select outcome from public.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [schema, ['s'], [-1], [1], [randomUUID()], ['X'], [1], ['{}'], ['{}'], 'stoflow_events']);
    await expect(call('client_999999999')).rejects.toMatchObject({ code: '3F000' });
    await expect(call('public; drop table events')).rejects.toMatchObject({ code: '3F000' });
  });

  it('When a stale append goes through the store, then the ConcurrencyError carries the actual version for the client', async () => {
    const stream = streamId();
    await withStore(undefined, (store) => store.append(tenant, stream, [ev(), ev(), ev()], 'no_stream'));

    const error = await withStore(undefined, (store) => store.append(tenant, stream, [ev()], 1)).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ stream, expected: 1, actual: 3, extra: { actual_version: 3 } });
  });

  it('When events are appended, then one NOTIFY names the tenant schema, the last position and the types after commit', async () => {
    const listener = new pg.Client({ connectionString: databaseUrl() });
    await listener.connect();
    const payloads: string[] = [];
    let resolveMine!: () => void;
    const mine = new Promise<void>((resolve) => (resolveMine = resolve));
    listener.on('notification', (msg) => {
      if (msg.payload?.startsWith(`${testTenancy.schema(tenant)}:`)) {
        payloads.push(msg.payload);
        resolveMine();
      }
    });
    await listener.query('listen stoflow_events');
    try {
      const result = await withStore(undefined, (store) => store.append(tenant, streamId(), [ev(), ev()], 'no_stream'));
      await mine;
      expect(payloads).toEqual([`${testTenancy.schema(tenant)}:${result.lastPosition}:ThingHappened`]);
    } finally {
      await listener.end();
    }
  });

  it('When concurrent appends share one call, then each gets its own answer and a bad one fails alone', async () => {
    // Arrange: the first append leaves at once; the rest queue behind it and go as one call.
    const taken = streamId();
    await withStore(undefined, (store) => store.append(tenant, taken, [ev()], 'no_stream'));
    const good = Array.from({ length: 6 }, () => ({ stream: streamId(), event: ev() }));

    // Act
    const outcomes = await withStore(undefined, (store) =>
      Promise.allSettled([
        store.append(tenant, streamId(), [ev('First')], 'no_stream'),
        ...good.map((g) => store.append(tenant, g.stream, [g.event], 'no_stream')),
        store.append(tenant, taken, [ev('Stale')], 'no_stream'),
        // PostgreSQL refuses \u0000 in jsonb: this one makes the whole shared call fail.
        store.append(tenant, streamId(), [ev('Bad', { note: 'nul \u0000 byte' })], 'no_stream'),
      ]),
    );

    // Assert
    const [first, ...rest] = outcomes;
    const stale = rest[good.length];
    const bad = rest[good.length + 1];
    expect(first?.status).toBe('fulfilled');
    expect(rest.slice(0, good.length).map((o) => o.status)).toEqual(good.map(() => 'fulfilled'));
    expect(stale).toMatchObject({ status: 'rejected', reason: { actual: 1 } });
    expect(bad?.status).toBe('rejected');
    const log = await withStore(undefined, (store) => store.readLog(tenant, 0n, 100));
    expect(log.map((e) => e.type).sort()).toEqual(['First', 'ThingHappened', ...good.map(() => 'ThingHappened')].sort());
  });

  it('When the LISTEN connection is killed, then the watcher reconnects and is woken by later appends', async () => {
    // Arrange: a pool of its own, so only this store's listener carries this name.
    const name = `stoflow-watch-${randomUUID().slice(0, 8)}`;
    const own = createPool(databaseUrl(), 2, name);
    const store = createPostgresEventStore({ tenancy: testTenancy, pool: own, pollIntervalMs: 60_000 });
    const listeners = async () =>
      (
        await pool.query<{ pid: number }>(
          `select pid from pg_stat_activity where application_name = $1 and state = 'idle' and query ilike 'listen%'`,
          [`${name}-listen`],
        )
      ).rows;
    const woken = deferred();
    let armed = false;
    const stop = await store.watch((t) => {
      if (armed && t === tenant) woken.resolve();
    });
    try {
      const [killed] = await listeners();
      // Act
      await pool.query('select pg_terminate_backend($1)', [killed!.pid]);
      await waitFor(async () => (await listeners()).some((l) => l.pid !== killed!.pid));
      armed = true;
      await store.append(tenant, streamId(), [ev()], 'no_stream');
      // Assert: only a notification on the new connection can wake it (the poll is a minute away).
      await woken.promise;
    } finally {
      await stop();
      await store.close();
      await own.end();
    }
    // Stopping the last watcher closes the LISTEN connection.
    await waitFor(async () => (await listeners()).length === 0);
  });

  it('When events are appended, then the notification names their types, each once, so a reader can skip what it does not handle', async () => {
    const store = createPostgresEventStore({ tenancy: testTenancy, pool, pollIntervalMs: 60_000 });
    const wakes: string[][] = [];
    const woken = deferred();
    const stop = await store.watch((t, types) => {
      if (t !== tenant || !types?.has('Marked')) return;
      wakes.push([...types].sort());
      woken.resolve();
    });
    try {
      await store.appendMany(tenant, [
        { stream: streamId(), events: [ev('Marked'), ev('ThingHappened'), ev('Marked')], expected: 'no_stream' },
        { stream: streamId(), events: [ev('Other')], expected: 'no_stream' },
      ]);
      await woken.promise;
      expect(wakes).toEqual([['Marked', 'Other', 'ThingHappened']]);
    } finally {
      await stop();
      await store.close();
    }
  });

  it('When a subscriber follows all tenants, then each tenant\'s events reach it tagged with that tenant', async () => {
    const other = await createTestTenant(knex);
    const seen: [number, string][] = [];
    const allSeen = deferred();

    await withStore(undefined, async (store) => {
      await store.append(tenant, streamId(), [ev('Before')], 'no_stream');
      // 'all' also follows tenants it is woken for: other test files append to theirs meanwhile.
      const subscription = await subscribe(store, 'all', 0n, (event, from) => {
        if (from !== tenant && from !== other) return;
        seen.push([from, event.type]);
        if (seen.length === 3) allSeen.resolve();
      }, { listTenants: async () => [tenant, other] });
      await store.append(other, streamId(), [ev('After')], 'no_stream');
      await store.append(tenant, streamId(), [ev('After')], 'no_stream');
      await allSeen.promise;
      await subscription.stop();
    });

    expect(seen.filter(([t]) => t === tenant).map(([, type]) => type)).toEqual(['Before', 'After']);
    expect(seen.filter(([t]) => t === other).map(([, type]) => type)).toEqual(['After']);
  });

  it('When a subscriber\'s handler throws, then the subscription stops and reports that error', async () => {
    const handled: string[] = [];

    const done = await withStore(undefined, async (store) => {
      await store.append(tenant, streamId(), [ev('Fine'), ev('Poison'), ev('Never')], 'no_stream');
      const subscription = await subscribe(store, tenant, 0n, (event) => {
        if (event.type === 'Poison') throw new Error('cannot handle');
        handled.push(event.type);
      });
      return subscription.done.then(() => 'stopped', (err: Error) => err.message);
    });

    expect(done).toBe('cannot handle');
    expect(handled).toEqual(['Fine']);
  });

  it('When the tenant schema is migrated, then the checkpoints table the projection engine uses is there', async () => {
    await pool.query(`insert into ${testTenancy.table(tenant, 'checkpoints')} (name) values ('products')`);

    const { rows } = await pool.query(`select name, position from ${testTenancy.table(tenant, 'checkpoints')}`);

    expect(rows).toEqual([{ name: 'products', position: 0 }]);
  });
});
