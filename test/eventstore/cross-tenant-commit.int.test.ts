import type { Knex } from 'knex';
import { createPostgresEventStore } from '../../src/eventstore/postgres-event-store';
import type { EventStore, InlineProjector, RecordedEvent } from '../../src/eventstore/types';
import type { Pool } from '../../src/infra/db/postgres';
import { withTenant } from '../../src/infra/db/tenant-transaction';
import { createTestTenant, testKnex, testPool, testTenancy } from '../support/db';
import { ev, streamId } from './contract';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Appends with inline read models of several tenants share transactions when they arrive
 * together; each tenant's events still land in its own schema, positions stay gap-free per
 * tenant, and an append a read model refuses fails alone.
 */
describe('PostgreSQL event store: one transaction for several tenants', () => {
  let pool: Pool;
  let knex: Knex;
  let tenants: number[];
  /** Transactions begun through the pool. */
  let begun = 0;
  let counted: Pool;

  beforeAll(async () => {
    pool = testPool(4);
    knex = testKnex();
    tenants = [];
    for (let i = 0; i < 5; i++) tenants.push(await createTestTenant(knex, `Shop ${i}`));
    for (const tenant of tenants) await pool.query(`create table ${testTenancy.table(tenant, 'seen')} (event_id uuid primary key, position bigint not null)`);
    counted = new Proxy(pool, {
      get(target, key, receiver) {
        if (key === 'connect') {
          return async () => {
            const client = await target.connect();
            const query = client.query.bind(client) as (...args: unknown[]) => unknown;
            (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
              if (args[0] === 'begin') begun++;
              return query(...args);
            };
            const release = client.release.bind(client);
            client.release = (err?: Error | boolean) => {
              (client as unknown as { query: unknown }).query = query;
              release(err);
            };
            return client;
          };
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
  });
  afterAll(async () => {
    await pool.end();
    await knex.destroy();
  });

  /** One row per handled event in the tenant's `seen`; `gate` holds the first projection until released. */
  function projector(gate?: Promise<void>, holdSeconds = 0): InlineProjector & { tenantsSeen: number[][] } {
    const tenantsSeen: number[][] = [];
    let held = false;
    return {
      tenantsSeen,
      handles: (type) => type === 'Seen' || type === 'Refused',
      async project(tx, tenant, events: RecordedEvent[]) {
        tenantsSeen.push([tenant]);
        if (gate && !held) {
          held = true;
          await gate;
        }
        if (holdSeconds > 0) await tx.query('select pg_sleep($1)', [holdSeconds]);
        for (const event of events) {
          if (event.type === 'Refused') throw new Error(`refused for ${tenant}`);
          await tx.query(`insert into ${testTenancy.table(tenant, 'seen')} (event_id, position) values ($1, $2)`, [event.id, event.position.toString()]);
        }
      },
    };
  }

  const store = (inline: InlineProjector): EventStore => createPostgresEventStore({ tenancy: testTenancy, pool: counted, inline, crossTenant: { inFlight: 1 } });

  const positions = async (tenant: number) => (await pool.query<{ position: number }>(`select position from ${testTenancy.table(tenant, 'events')} order by position`)).rows.map((r) => Number(r.position));

  it('When appends of several tenants arrive while a transaction is running, then they commit together in the next one, each in its own schema', async () => {
    const gate = deferred();
    const p = projector(gate.promise);
    const s = store(p);
    try {
      const before = await Promise.all(tenants.map(positions));
      begun = 0;
      const first = s.append(tenants[0]!, streamId(), [ev('Seen')], 'no_stream');
      await new Promise((r) => setTimeout(r, 50));
      const rest = tenants.slice(1).map((tenant) => s.append(tenant, streamId(), [ev('Seen'), ev('Seen')], 'no_stream'));
      await new Promise((r) => setTimeout(r, 50));
      gate.resolve();
      const results = await Promise.all([first, ...rest]);

      expect(begun).toBe(2);
      for (const [i, tenant] of tenants.entries()) {
        const after = await positions(tenant);
        const added = i === 0 ? 1 : 2;
        expect(after).toHaveLength(before[i]!.length + added);
        // Gap-free per tenant: the new positions follow the old ones.
        const last = before[i]!.at(-1) ?? 0;
        expect(after.slice(-added)).toEqual(Array.from({ length: added }, (_, k) => last + k + 1));
        expect(results[i]!.lastPosition).toBe(BigInt(last + added));
        const seen = await pool.query(`select count(*)::int as n from ${testTenancy.table(tenant, 'seen')} where position > $1`, [last]);
        expect(seen.rows[0]).toEqual({ n: added });
      }
    } finally {
      await s.close();
    }
  });

  it('When a read model refuses one tenant\'s append in a shared transaction, then only that append fails and the others are kept', async () => {
    const gate = deferred();
    const s = store(projector(gate.promise));
    try {
      const before = await Promise.all(tenants.map(positions));
      const first = s.append(tenants[0]!, streamId(), [ev('Seen')], 'no_stream');
      await new Promise((r) => setTimeout(r, 50));
      const rest = tenants.slice(1).map((tenant, i) => s.append(tenant, streamId(), [ev(i === 1 ? 'Refused' : 'Seen')], 'no_stream'));
      await new Promise((r) => setTimeout(r, 50));
      gate.resolve();
      const settled = await Promise.allSettled([first, ...rest]);

      expect(settled.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(settled[2]).toMatchObject({ reason: { message: `refused for ${tenants[2]}` } });
      const after = await Promise.all(tenants.map(positions));
      expect(after.map((a, i) => a.length - before[i]!.length)).toEqual([1, 1, 0, 1, 1]);
    } finally {
      await s.close();
    }
  });

  it("When appends of several tenants share a transaction beside tenant transactions on the same connections, then no part runs as a tenant's role or path", async () => {
    const gate = deferred();
    const scopes: { tenant: number; user: string; login: string; path: string }[] = [];
    let held = false;
    const s = store({
      handles: (type) => type === 'Seen',
      async project(tx, tenant, events) {
        if (!held) {
          held = true;
          await gate.promise;
        }
        const { rows } = await tx.query<{ user: string; login: string; path: string }>(`select current_user as user, session_user as login, current_setting('search_path') as path`);
        scopes.push({ tenant, ...rows[0]! });
        for (const event of events) await tx.query(`insert into ${testTenancy.table(tenant, 'seen')} (event_id, position) values ($1, $2)`, [event.id, event.position.toString()]);
      },
    });
    try {
      // Tenant transactions (the tenant's role and path, set locally) go first on every connection.
      await Promise.all(tenants.map((tenant) => withTenant(pool, testTenancy, tenant, (tx) => tx.query('select 1'))));
      const first = s.append(tenants[0]!, streamId(), [ev('Seen')], 'no_stream');
      await new Promise((r) => setTimeout(r, 50));
      const rest = tenants.slice(1).map((tenant) => s.append(tenant, streamId(), [ev('Seen')], 'no_stream'));
      const beside = tenants.map((tenant) => withTenant(pool, testTenancy, tenant, (tx) => tx.query<{ user: string }>('select current_user as user')));
      await new Promise((r) => setTimeout(r, 50));
      gate.resolve();
      await Promise.all([first, ...rest]);
      const besideUsers = (await Promise.all(beside)).map((r) => r.rows[0]!.user);

      expect(scopes.map((x) => x.tenant).sort()).toEqual([...tenants].sort());
      for (const scope of scopes) {
        expect(scope.user).toBe(scope.login);
        for (const tenant of tenants) expect(scope.path).not.toContain(testTenancy.schema(tenant));
      }
      expect(besideUsers).toEqual(tenants.map((tenant) => testTenancy.schema(tenant)));
    } finally {
      await s.close();
    }
  });

  it('When two processes group the same tenants, then their transactions take the tenants in the same order and never deadlock', async () => {
    const deadlocks = async () => Number((await pool.query<{ n: string }>('select deadlocks as n from pg_stat_database where datname = current_database()')).rows[0]!.n);
    const before = await deadlocks();
    const counts = await Promise.all(tenants.map(async (t) => (await positions(t)).length));
    // Each tenant's part holds its lock a while, so the two transactions overlap for sure.
    const gate = deferred();
    const a = store(projector(gate.promise, 0.1));
    const b = store(projector(undefined, 0.1));
    const [t0, ...others] = tenants as [number, ...number[]];
    try {
      // Both stores' first call is on t0 (held), so each store's next calls wait and go as one
      // transaction: one process's in ascending arrival order, the other's in descending.
      const firsts = [a.append(t0, streamId(), [ev('Seen')], 'no_stream')];
      await new Promise((r) => setTimeout(r, 50));
      firsts.push(b.append(t0, streamId(), [ev('Seen')], 'no_stream'));
      await new Promise((r) => setTimeout(r, 50));
      const grouped = [
        ...others.map((tenant) => a.append(tenant, streamId(), [ev('Seen')], 'no_stream')),
        ...[...others].reverse().map((tenant) => b.append(tenant, streamId(), [ev('Seen')], 'no_stream')),
      ];
      gate.resolve();
      await Promise.all([...firsts, ...grouped]);
    } finally {
      await a.close();
      await b.close();
    }
    await new Promise((r) => setTimeout(r, 1200)); // statistics are flushed every second or so
    expect(await deadlocks()).toBe(before);
    for (const [i, tenant] of tenants.entries()) expect(await positions(tenant)).toHaveLength(counts[i]! + 2);
  });
});
