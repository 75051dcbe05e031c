import type { Knex } from 'knex';
import type { Pool } from '../../src/infra/db/postgres';
import { withTenant } from '../../src/infra/db/tenant-transaction';
import { createTestTenant, testKnex, testPool, testTenancy } from '../support/db';

/**
 * Two tenants share a pool of ONE connection, so every transaction of one runs on the connection
 * the other just used. Commits, thrown errors, SQL errors and aborted transactions are mixed in.
 */
describe('withTenant on a shared connection', () => {
  let knex: Knex;
  let pool: Pool;
  let tenants: [number, number];
  beforeAll(async () => {
    knex = testKnex();
    pool = testPool(1);
    tenants = [await createTestTenant(knex, 'Isolation A'), await createTestTenant(knex, 'Isolation B')];
    for (const id of tenants) {
      // Created by the owner, as migrations create tables: the tenant's role gets its rows by default.
      await pool.query(`create table ${testTenancy.table(id, 'isolation_notes')} (id serial primary key, owner integer not null, body text not null)`);
    }
  });
  afterAll(async () => {
    await pool.end();
    await knex.destroy();
  });

  type Op = 'commit' | 'throw' | 'sql_error' | 'aborted' | 'read' | 'outside';
  const opsFor = (round: number): Op[] => (['commit', 'throw', 'read', 'sql_error', 'outside', 'aborted', 'read'] as Op[]).map((_, i, all) => all[(i + round) % all.length]!);

  it('When two tenants interleave with errors and aborts, then every answer holds only the caller’s data and nothing leaks or survives a rollback', async () => {
    const pids = new Set<number>();
    const committed = new Map<number, string[]>(tenants.map((id) => [id, []]));
    const seen: { tenant: number; owners: number[]; schema: string }[] = [];

    const run = async (tenant: number, op: Op, n: number): Promise<void> => {
      const body = `${op}-${tenant}-${n}`;
      if (op === 'outside') {
        // Between tenant transactions the connection has no tenant: unqualified names do not resolve.
        const path = await pool.query<{ search_path: string }>('show search_path');
        expect(path.rows[0]!.search_path).toBe('"$user", public');
        await expect(pool.query('select count(*) from isolation_notes')).rejects.toMatchObject({ code: '42P01' });
        return;
      }
      const work = withTenant(pool, testTenancy, tenant, async (tx) => {
        const info = await tx.query<{ pid: number; schema: string }>('select pg_backend_pid() as pid, current_schema() as schema');
        pids.add(info.rows[0]!.pid);
        const rows = await tx.query<{ owner: number }>('select owner from isolation_notes');
        seen.push({ tenant, owners: rows.rows.map((r) => r.owner), schema: info.rows[0]!.schema });
        if (op === 'read') return;
        await tx.query('insert into isolation_notes (owner, body) values ($1, $2)', [tenant, body]);
        if (op === 'throw') throw new Error('handler failed after writing');
        if (op === 'sql_error') await tx.query('select * from isolation_no_such_table');
        if (op === 'aborted') {
          await tx.query('select 1 / 0').catch(() => undefined); // swallowed: the transaction is now aborted
          await tx.query('select 1'); // 25P02: current transaction is aborted
        }
      });
      if (op === 'commit') {
        await work;
        committed.get(tenant)!.push(body);
      } else if (op === 'read') await work;
      else await expect(work).rejects.toBeDefined();
    };

    const jobs: Promise<void>[] = [];
    for (let round = 0; round < 6; round++) {
      const [a, b] = [opsFor(round), opsFor(round + 3)];
      for (let i = 0; i < a.length; i++) {
        jobs.push(run(tenants[0], a[i]!, round * 10 + i));
        jobs.push(run(tenants[1], b[i]!, round * 10 + i));
      }
    }
    await Promise.all(jobs);

    expect(pids.size).toBe(1); // one connection served both tenants throughout
    expect(seen.length).toBeGreaterThan(40);
    for (const answer of seen) {
      expect(answer.schema).toBe(`client_${answer.tenant}`);
      expect(answer.owners.every((owner) => owner === answer.tenant)).toBe(true);
    }
    for (const tenant of tenants) {
      const stored = await knex(`client_${tenant}.isolation_notes`).select('owner', 'body').orderBy('id');
      expect(stored.every((r: { owner: number }) => r.owner === tenant)).toBe(true);
      expect(stored.map((r: { body: string }) => r.body).sort()).toEqual([...committed.get(tenant)!].sort());
      expect(committed.get(tenant)!.length).toBeGreaterThan(0);
    }
  });

  it('When a tenant transaction names another tenant’s schema, then PostgreSQL refuses it: the transaction runs as the tenant’s own role', async () => {
    const [mine, theirs] = tenants;
    const other = testTenancy.schema(theirs);
    for (const sql of [`select count(*) from "${other}".isolation_notes`, `select count(*) from "${other}".products`, `insert into "${other}".isolation_notes (owner, body) values (${mine}, 'planted')`]) {
      await expect(withTenant(pool, testTenancy, mine, (tx) => tx.query(sql))).rejects.toMatchObject({ code: '42501' });
    }
    const own = await withTenant(pool, testTenancy, mine, async (tx) => {
      const who = await tx.query<{ user: string }>('select current_user as user');
      const count = await tx.query<{ n: number }>('select count(*)::int as n from products');
      return { user: who.rows[0]!.user, n: count.rows[0]!.n };
    });
    expect(own).toEqual({ user: testTenancy.schema(mine), n: 0 });
    // The same (only) connection, after the transaction: back to the role it logged in as.
    const after = await pool.query<{ user: string; session: string }>('select current_user as user, session_user as session');
    expect(after.rows[0]!.user).toBe(after.rows[0]!.session);
    const planted = await pool.query<{ n: number }>(`select count(*)::int as n from "${other}".isolation_notes where body = 'planted'`);
    expect(planted.rows[0]!.n).toBe(0);
  });

  it('When the connection dies mid-transaction, then it is discarded and the next tenant gets a clean one', async () => {
    const admin = testPool(1);
    try {
      const dead = withTenant(pool, testTenancy, tenants[0], async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
        await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
        await tx.query('insert into isolation_notes (owner, body) values ($1, $2)', [tenants[0], 'never']);
      });
      await expect(dead).rejects.toBeDefined();
      const after = await withTenant(pool, testTenancy, tenants[1], (tx) => tx.query<{ owner: number; schema: string }>('select owner, current_schema() as schema from isolation_notes'));
      expect(after.rows.every((r) => r.owner === tenants[1] && r.schema === `client_${tenants[1]}`)).toBe(true);
      expect(await knex(`client_${tenants[0]}.isolation_notes`).where({ body: 'never' }).first()).toBeUndefined();
    } finally {
      await admin.end();
    }
  });

  it.each([[0], [-3], [1.5], [Number.NaN], ['7; drop schema public' as unknown as number]])(
    'When the tenant id is %p, then nothing runs: schema names come from positive integers only',
    async (id) => {
      const fn = jest.fn();
      await expect(withTenant(pool, testTenancy, id, fn)).rejects.toThrow(/Invalid tenant id/);
      expect(fn).not.toHaveBeenCalled();
    },
  );
});
