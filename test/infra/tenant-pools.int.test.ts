import { isDatabaseUnavailable, type PoolClient } from '../../src/infra/db/postgres';
import { createTenantPools, homeGroup, type TenantPools } from '../../src/infra/db/tenant-pools';
import { databaseUrl } from '../support/db';

/** The first tenant id whose home is group `g` of `groups`. */
function tenantHomedAt(g: number, groups: number, after = 0): number {
  for (let id = after + 1; ; id++) if (homeGroup(id, groups) === g) return id;
}

const backendOf = async (db: { query: TenantPools['query'] }) => (await db.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;

describe('Tenant-affine connections', () => {
  const open: TenantPools[] = [];
  const pools = (max: number, groups: number, connectMs = 5000, statementMs = 5000) => {
    const p = createTenantPools(databaseUrl(), { max, groups, applicationName: 'stoflow-test-affinity', timeouts: { connectMs, statementMs, queryMs: 0, idleInTransactionMs: 0 } });
    open.push(p);
    return p;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((p) => p.end()));
  });

  it('spreads tenant ids evenly over the groups, whatever their pattern', () => {
    const counts = new Array<number>(8).fill(0);
    for (let id = 1; id <= 8000; id++) counts[homeGroup(id, 8)]!++;
    for (const n of counts) expect(n).toBeGreaterThan(800);
    expect(new Set(Array.from({ length: 100 }, (_, i) => homeGroup(i * 8, 8))).size).toBeGreaterThan(1);
  });

  it('When a tenant works while its home has an idle connection, then its queries stay on its home connections', async () => {
    const p = pools(4, 4);
    const a = tenantHomedAt(0, 4);
    const b = tenantHomedAt(2, 4);
    const seen = { a: new Set<number>(), b: new Set<number>() };
    for (let i = 0; i < 10; i++) {
      seen.a.add(await backendOf(p.of(a)));
      seen.b.add(await backendOf(p.of(b)));
    }
    expect(seen.a.size).toBe(1);
    expect(seen.b.size).toBe(1);
    expect([...seen.a][0]).not.toBe([...seen.b][0]);
    // Transactions too: the same connection as its statements.
    const tx = await p.of(a).connect();
    try {
      expect(await backendOf(tx)).toBe([...seen.a][0]);
    } finally {
      tx.release();
    }
    expect(p.stats()).toMatchObject({ groups: 4, borrowed: 0, busy: 0, waiting: 0 });
  });

  it('When its home group is busy, then a tenant borrows an idle connection of the next group round its ring, at once', async () => {
    const p = pools(4, 4);
    const a = tenantHomedAt(1, 4);
    const next = tenantHomedAt(2, 4);
    const nextBackend = await backendOf(p.of(next));
    const held = await p.of(a).connect();
    const heldBackend = await backendOf(held);
    try {
      const started = Date.now();
      expect(await backendOf(p.of(a))).toBe(nextBackend);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(p.stats().borrowed).toBe(1);
    } finally {
      held.release();
    }
    // Free again: back home.
    expect(await backendOf(p.of(a))).toBe(heldBackend);
  });

  it('When one tenant sends more work than its home holds, then it uses every connection of the pool', async () => {
    const p = pools(4, 4);
    const a = tenantHomedAt(3, 4);
    const started = Date.now();
    const pids = await Promise.all(Array.from({ length: 4 }, async () => (await p.of(a).query<{ pid: number }>('select pg_backend_pid() as pid, pg_sleep(0.5)')).rows[0]!.pid));
    expect(new Set(pids).size).toBe(4);
    // In parallel, not one after another on the home connection (2 s).
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it('When every connection is busy, then a freed one goes to a waiter of its own group first, else to the oldest waiter', async () => {
    const p = pools(2, 2);
    const home0 = tenantHomedAt(0, 2);
    const home1 = tenantHomedAt(1, 2);
    const held0 = await p.of(home0).connect();
    const held1 = await p.of(home1).connect();
    const pid0 = await backendOf(held0);
    const pid1 = await backendOf(held1);
    const order: string[] = [];
    const waiting = (name: string, tenant: number) =>
      p
        .of(tenant)
        .connect()
        .then(async (client) => {
          order.push(`${name}@${(await backendOf(client)) === pid0 ? 0 : (await backendOf(client)) === pid1 ? 1 : '?'}`);
          return client;
        });
    const first = waiting('first (home 0)', home0);
    const second = waiting('second (home 1)', home1);
    const third = waiting('third (home 0)', home0);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.stats().waiting).toBe(3);

    held1.release(); // group 1's: its own waiter, though younger than the first
    const secondClient = await second;
    expect(order).toEqual(['second (home 1)@1']);
    secondClient.release(); // group 1's again: no waiter of group 1 is left, so the oldest one borrows it
    const firstClient = await first;
    expect(order).toEqual(['second (home 1)@1', 'first (home 0)@1']);
    held0.release();
    const thirdClient = await third;
    expect(order[2]).toBe('third (home 0)@0');
    for (const c of [firstClient, thirdClient] as PoolClient[]) c.release();
    expect(p.stats()).toMatchObject({ busy: 0, waiting: 0 });
  });

  it('When no connection comes free in time, then the wait ends with an error that counts as the database being unavailable', async () => {
    const p = pools(2, 2, 300);
    const held = [await p.of(1).connect(), await p.of(2).connect()];
    try {
      const started = Date.now();
      const err = await p.of(3).query('select 1').catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/timeout exceeded when trying to connect/);
      expect(isDatabaseUnavailable(err)).toBe(true);
      expect(p.stats().waiting).toBe(0);
    } finally {
      for (const c of held) c.release();
    }
    expect((await p.of(3).query<{ n: number }>('select 1 as n')).rows[0]!.n).toBe(1);
  });

  it('keeps the statement timeout of every group, and replaces a connection that broke', async () => {
    const p = pools(2, 2, 5000, 300);
    const err = await p.of(1).query('select pg_sleep(3)').catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('57014');
    expect(isDatabaseUnavailable(err)).toBe(true);

    const victim = await backendOf(p.of(1));
    const killer = createTenantPools(databaseUrl(), { max: 1, groups: 1, applicationName: 'stoflow-test-affinity' });
    open.push(killer);
    await killer.query('select pg_terminate_backend($1)', [victim]);
    // The dead idle connection is dropped; the next query gets a live one.
    let pid: number | undefined;
    for (let i = 0; i < 5 && pid === undefined; i++) pid = await backendOf(p.of(1)).catch(() => undefined);
    expect(pid).toBeDefined();
    expect(pid).not.toBe(victim);
    expect(p.stats().busy).toBe(0);
  });

  it('When the pool ends, then waiters are told and new work is refused', async () => {
    const p = pools(1, 1);
    const held = await p.of(1).connect();
    const waiter = p.of(1).connect().catch((e: unknown) => e);
    held.release();
    (await waiter as PoolClient).release();
    const again = await p.of(1).connect();
    const late = p.of(1).connect().catch((e: unknown) => e);
    const ending = p.end();
    expect(((await late) as Error).message).toMatch(/after calling end/);
    again.release();
    await ending;
    await expect(p.query('select 1')).rejects.toThrow(/after calling end/);
    open.splice(open.indexOf(p), 1);
  });
});
