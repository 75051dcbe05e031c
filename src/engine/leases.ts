import { randomInt } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../infra/logger';

// Advisory-lock keys (first key of the two-key form), kept apart from every other lock: per group,
// one "presence" key held once by each live worker and one "lease" key held per tenant.
const BASE = 1_000_000;

// Process-wide, as stopping is: set by the entry point on its stop signal.
let processStopping = false;

/**
 * Tells every lease manager that this process is stopping on purpose. Its PostgreSQL may go down
 * at the same moment (Ctrl-C reaches the whole terminal, the embedded server included), so a
 * lease connection lost from now on is expected: said at debug level, and not reopened.
 */
export function markProcessStopping(): void {
  processStopping = true;
}

export interface LeaseManager {
  readonly workerId: number;
  /** Tenants this worker holds now. */
  held(): ReadonlySet<number>;
  /** Takes a fair share of `tenants` (and gives back what exceeds it). Returns the held set. */
  rebalance(tenants: readonly number[]): Promise<ReadonlySet<number>>;
  close(): Promise<void>;
}

/**
 * Workers share tenants through session-level advisory locks held on one dedicated connection
 * each. A worker that dies loses its connection and with it every lock, so the others take its
 * tenants at their next rebalance. Live workers are counted from their presence locks, which
 * gives each one its fair share without any table or heartbeat.
 */
export function createLeaseManager(connectionString: string, logger: Logger, group = 0): LeaseManager {
  const workerId = randomInt(1, 2 ** 31 - 1);
  const PRESENCE = BASE + group * 2;
  const LEASE = PRESENCE + 1;
  let client: pg.Client | null = null;
  const held = new Set<number>();

  async function connection(): Promise<pg.Client> {
    if (client) return client;
    const c = new pg.Client({ connectionString, application_name: `stoflow-worker-${workerId}` });
    c.on('error', (err) => {
      if (client !== c) return; // closed on purpose
      if (processStopping) logger.debug({ err: err.message, workerId }, 'lease connection closed while stopping');
      else logger.warn({ err: err.message, workerId }, 'lease connection lost: giving up every tenant');
      held.clear();
      client = null;
    });
    await c.connect();
    await c.query('select pg_advisory_lock($1, $2)', [PRESENCE, workerId]);
    client = c;
    return c;
  }

  return {
    workerId,
    held: () => held,
    async rebalance(tenants) {
      // A stopping process takes no tenant, and does not reconnect to a server going down.
      if (processStopping && !client) return held;
      const c = await connection();
      const live = new Set(tenants);
      for (const tenant of [...held]) {
        if (!live.has(tenant)) {
          await c.query('select pg_advisory_unlock($1, $2)', [LEASE, tenant]);
          held.delete(tenant);
        }
      }
      const { rows } = await c.query<{ workers: number }>(
        `select count(*)::int as workers from pg_locks where locktype = 'advisory' and classid = $1 and objsubid = 2 and granted`,
        [PRESENCE],
      );
      const share = Math.ceil(tenants.length / Math.max(1, rows[0]?.workers ?? 1));
      for (const tenant of [...held].slice(share)) {
        await c.query('select pg_advisory_unlock($1, $2)', [LEASE, tenant]);
        held.delete(tenant);
      }
      // One round trip whatever the number of tenants: the LIMIT stops the scan (and the locking)
      // once the share is reached. Random order: workers starting together do not all race for
      // the same tenants.
      const wanted = share - held.size;
      if (wanted > 0) {
        const candidates = tenants.filter((t) => !held.has(t)).sort(() => Math.random() - 0.5);
        const { rows: got } = await c.query<{ tenant: number }>(
          // No ORDER BY: a sort would evaluate (and lock) every row before the LIMIT applies.
          `select t as tenant from unnest($2::int[]) as u(t) where pg_try_advisory_lock($1, t) limit $3`,
          [LEASE, candidates, wanted],
        );
        for (const row of got) held.add(row.tenant);
      }
      return held;
    },
    async close() {
      const c = client;
      client = null;
      held.clear();
      if (c) await c.end().catch(() => undefined);
    },
  };
}
