/*
 * Tenant-affine connections. A PostgreSQL connection keeps, for every table it has touched, the
 * table's description, its indexes' and the catalogue rows it looked up (relcache, catcache),
 * and each statement's plan; a connection that has never served a tenant pays to load them on
 * its first query there, and keeps them. With one pool where any connection serves any tenant,
 * every connection ends up loading every tenant: with 1,000 tenants and 20 connections, nearly
 * every (connection, tenant) pair is cold in a short run, and each connection's memory grows with
 * the number of tenants.
 *
 * Here the pool's connections are split into groups, and each tenant has a home group (a hash of
 * its id): its work goes there, so each connection serves about 1/groups of the tenants. When
 * the home group has no connection to spare, the tenant borrows an idle one from the next group
 * round the ring, then the one after, and so on (always the same order for a tenant, so the
 * tenants a connection serves stay few): a single busy tenant still gets every connection. Only
 * when no group has one to spare does a request wait, and a connection coming back goes to the
 * waiter it is closest to (its home first, then those it is the next group for…), oldest first.
 *
 * Each group is a pg.Pool made by `createPool`: its timeouts, error handling and what counts as
 * an outage are those of any pool. A wait for a connection is bounded the same way (connectMs,
 * then "timeout exceeded when trying to connect", which `isDatabaseUnavailable` knows).
 */
import type pg from 'pg';
import { createPool, DEFAULT_POOL_TIMEOUTS, type Connections, type PoolClient, type PoolTimeouts, type Queryable } from './postgres';

/** Connections to use for each tenant; itself the connections for work on shared tables only. */
export interface TenantPools extends Connections {
  /** The connections for tenant `tenant`'s work: its home group first. */
  of(tenant: number): Connections;
  /** Which group is the tenant's home, and how many connections a group has. */
  homeOf(tenant: number): number;
  sizeOf(group: number): number;
  /** A statement on shared tables. Rows are untyped unless told, as with pg.Pool. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** The settings of the connections (for a dedicated one outside the pool: LISTEN). */
  readonly options: pg.PoolConfig;
  stats(): TenantPoolStats;
  end(): Promise<void>;
}

export interface TenantPoolStats {
  groups: number;
  /** Connections open (or opening). */
  total: number;
  /** Connections handed out and not back yet. */
  busy: number;
  /** Requests waiting for a connection. */
  waiting: number;
  /** Connections handed out since the start, and how many of those went outside the home group. */
  checkouts: number;
  borrowed: number;
}

/** `of(tenant)`: the tenant's connections, for a dependency handed tenant pools or a plain pool. */
export function perTenant(db: Connections | TenantPools): Pick<TenantPools, 'of' | 'homeOf' | 'sizeOf'> {
  if (isTenantPools(db)) return db;
  const size = (db as { options?: { max?: number } }).options?.max ?? 10;
  return { of: () => db, homeOf: () => 0, sizeOf: () => size };
}

export function isTenantPools(db: Connections): db is TenantPools {
  return typeof (db as Partial<TenantPools>).of === 'function';
}

export interface TenantPoolOptions {
  /** Connections in all (DATABASE_POOL_MAX). */
  max: number;
  /** How many groups they are split into (DATABASE_POOL_GROUPS); 1 is one plain pool. */
  groups: number;
  applicationName?: string;
  timeouts?: PoolTimeouts;
}

/** A tenant's home group: ids are spread evenly whatever their pattern (Fibonacci hashing, high bits). */
export function homeGroup(tenant: number, groups: number): number {
  return Math.floor(((Math.imul(tenant | 0, 0x9e3779b1) >>> 0) * groups) / 2 ** 32);
}

interface Waiter {
  /** Home group, or -1 for shared-table work (no preference). */
  home: number;
  resolve(client: PoolClient): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/** Runs one statement on a connection from `connect`, as pg.Pool#query does (a failed one is not reused). */
async function queryOn<R extends pg.QueryResultRow>(connect: () => Promise<PoolClient>, text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
  const client = await connect();
  return new Promise<pg.QueryResult<R>>((resolve, reject) => {
    let released = false;
    const finish = (err?: Error): boolean => {
      if (released) return false;
      released = true;
      client.removeListener('error', onError);
      client.release(err);
      return true;
    };
    // The connection breaking mid-statement: the statement may never answer.
    const onError = (err: Error) => {
      if (finish(err)) reject(err);
    };
    client.once('error', onError);
    client.query<R>(text, values).then(
      (result) => {
        if (finish()) resolve(result);
      },
      (err: Error) => {
        if (finish(err)) reject(err);
      },
    );
  });
}

export function createTenantPools(connectionString: string, options: TenantPoolOptions): TenantPools {
  const timeouts = options.timeouts ?? DEFAULT_POOL_TIMEOUTS;
  const groups = Math.max(1, Math.min(options.groups, options.max));
  // The connections shared out as evenly as they go: 20 in 8 groups is 3,3,3,3,2,2,2,2.
  const max = Array.from({ length: groups }, (_, g) => Math.floor(options.max / groups) + (g < options.max % groups ? 1 : 0));
  const pools = max.map((m) => createPool(connectionString, m, options.applicationName ?? 'stoflow', timeouts));
  const busy = max.map(() => 0);
  const waiters: Waiter[] = [];
  let checkouts = 0;
  let borrowed = 0;
  let ended = false;

  const spare = (g: number) => busy[g]! < max[g]!;
  /** Open connections nobody has or is about to get. */
  const idle = (g: number) => pools[g]!.totalCount - busy[g]!;
  /** How far group `g` is down `home`'s ring (0: its home). */
  const distance = (g: number, home: number) => (home < 0 ? 0 : (g - home + groups) % groups);

  /** Where a connection for `home` comes from now, or null when every group is busy. */
  function pick(home: number): number | null {
    if (home >= 0) {
      if (spare(home)) return home;
      for (let d = 1; d < groups; d++) {
        const g = (home + d) % groups;
        if (idle(g) > 0) return g;
      }
      for (let d = 1; d < groups; d++) {
        const g = (home + d) % groups;
        if (spare(g)) return g;
      }
      return null;
    }
    // Shared tables are cached by every connection alike: take the group with the most to spare.
    let best: number | null = null;
    for (let g = 0; g < groups; g++) {
      if (!spare(g)) continue;
      if (best === null || idle(g) > idle(best) || (idle(g) === idle(best) && max[g]! - busy[g]! > max[best]! - busy[best]!)) best = g;
    }
    return best;
  }

  async function checkout(g: number, home: number): Promise<PoolClient> {
    busy[g]!++;
    checkouts++;
    if (home >= 0 && g !== home) borrowed++;
    let client: PoolClient;
    try {
      client = await pools[g]!.connect();
    } catch (err) {
      busy[g]!--;
      dispatch(g);
      throw err;
    }
    const release = client.release.bind(client);
    let released = false;
    client.release = (err?: Error | boolean) => {
      if (released) throw new Error('Release called on client which has already been released to the pool.');
      released = true;
      release(err);
      busy[g]!--;
      dispatch(g);
    };
    return client;
  }

  /** A connection of group `g` is free again: to the closest waiter, the oldest among equals. */
  function dispatch(g: number): void {
    while (waiters.length > 0 && spare(g)) {
      let chosen = 0;
      for (let i = 1; i < waiters.length && distance(g, waiters[chosen]!.home) > 0; i++) {
        if (distance(g, waiters[i]!.home) < distance(g, waiters[chosen]!.home)) chosen = i;
      }
      const [waiter] = waiters.splice(chosen, 1);
      clearTimeout(waiter!.timer);
      checkout(g, waiter!.home).then(waiter!.resolve, waiter!.reject);
    }
  }

  function connect(home: number): Promise<PoolClient> {
    if (ended) return Promise.reject(new Error('Cannot use a pool after calling end on the pool'));
    const g = pick(home);
    if (g !== null) return checkout(g, home);
    return new Promise<PoolClient>((resolve, reject) => {
      const waiter: Waiter = { home, resolve, reject };
      if (timeouts.connectMs > 0) {
        waiter.timer = setTimeout(() => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          reject(new Error('timeout exceeded when trying to connect'));
        }, timeouts.connectMs);
        waiter.timer.unref();
      }
      waiters.push(waiter);
    });
  }

  const connectionsFor = (home: number): Connections => {
    const get = () => connect(home);
    return {
      connect: get,
      query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => queryOn<R>(get, text, values),
    };
  };
  const homes = Array.from({ length: groups }, (_, g) => connectionsFor(g));
  const shared = connectionsFor(-1);

  return {
    of: (tenant) => homes[homeGroup(tenant, groups)]!,
    homeOf: (tenant) => homeGroup(tenant, groups),
    sizeOf: (group) => max[group] ?? 0,
    query: shared.query as Queryable['query'],
    connect: shared.connect,
    options: pools[0]!.options,
    stats: () => ({
      groups,
      total: pools.reduce((n, p) => n + p.totalCount, 0),
      busy: busy.reduce((a, b) => a + b, 0),
      waiting: waiters.length,
      checkouts,
      borrowed,
    }),
    async end() {
      ended = true;
      for (const waiter of waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('Cannot use a pool after calling end on the pool'));
      }
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}
