import type { EventStore } from '../eventstore/types';
import type { Connections } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import { perTenant, type TenantPools } from '../infra/db/tenant-pools';

export type LagReport = {
  status: 'ok' | 'degraded';
  /** Per projection or reactor: the largest number of unprocessed events in any tenant. */
  lag: Record<string, { events: number; tenant: number | null }>;
  tenants_checked: number;
};

interface Consumer {
  name: string;
  handles: readonly string[];
}

const CAP = 10_000;

/**
 * How far each projection and reactor is behind the log, per tenant, as events of the types it
 * handles past its checkpoint (counted up to 10,000). The checkpoints are read from PostgreSQL,
 * the events counted in the store that holds the log (`store.backlog`: PostgreSQL's `events`
 * table or KurrentDB's `$all`). Cached briefly: /health must stay cheap.
 */
export function projectionLag(options: {
  pool: Connections | TenantPools;
  tenancy: Tenancy;
  store: Pick<EventStore, 'backlog'>;
  consumers: readonly Consumer[];
  degradedAt?: number;
  maxTenants?: number;
  cacheMs?: number;
}) {
  const names = options.consumers.map((c) => c.name);
  let cached: { at: number; report: LagReport } | undefined;
  const pools = perTenant(options.pool);

  async function measure(): Promise<LagReport> {
    const tenants = await options.pool.query<{ id: number }>('select id from public.tenants order by id desc limit $1', [options.maxTenants ?? 200]);
    const lag: LagReport['lag'] = Object.fromEntries(options.consumers.map((c) => [c.name, { events: 0, tenant: null }]));
    for (const { id } of tenants.rows) {
      const { rows } = await pools.of(id).query<{ name: string; position: string | number | null }>(
        `select name, position from "${options.tenancy.schema(id)}".checkpoints where name = any($1::text[])`,
        [names],
      );
      const at = new Map(rows.map((r) => [r.name, BigInt(r.position ?? 0)]));
      const behind = await options.store.backlog(
        id,
        options.consumers.map((c) => ({ after: at.get(c.name) ?? 0n, types: c.handles })),
        CAP,
      );
      options.consumers.forEach((c, i) => {
        const events = behind[i] ?? 0;
        if (events > lag[c.name]!.events) lag[c.name] = { events, tenant: id };
      });
    }
    const worst = Math.max(0, ...Object.values(lag).map((l) => l.events));
    return { status: worst >= (options.degradedAt ?? 1000) ? 'degraded' : 'ok', lag, tenants_checked: tenants.rows.length };
  }

  // One measurement at a time, whoever asks: when the cached report ages out under load, every
  // request in flight would otherwise measure again, each with a query per tenant.
  let measuring: Promise<LagReport> | null = null;
  const refresh = () =>
    (measuring ??= measure()
      .then((report) => {
        cached = { at: Date.now(), report };
        return report;
      })
      .finally(() => {
        measuring = null;
      }));

  return async (): Promise<LagReport> => {
    const cacheMs = options.cacheMs ?? 2000;
    const age = cached ? Date.now() - cached.at : Infinity;
    // Much too old (measuring kept failing), or never measured: wait for a fresh one.
    if (age >= 10 * cacheMs) return refresh();
    // A stale report answers while a fresh one is measured.
    if (age >= cacheMs) void refresh().catch(() => undefined);
    return cached!.report;
  };
}
