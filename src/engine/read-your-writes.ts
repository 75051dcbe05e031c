import type { AppendResult } from '../eventstore/types';
import type { Connections } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import { perTenant, type TenantPools } from '../infra/db/tenant-pools';
import { UnavailableError } from '../shared/errors';
import type { Projection } from './projection';

/**
 * Read-your-writes for stores that cannot project inline (EventStoreDB): wait until every inline
 * read model has passed the appended position. With the PostgreSQL store the read models were
 * updated in the append transaction, so there is nothing to wait for.
 */
export function readYourWrites(options: { pool: Connections | TenantPools; tenancy: Tenancy; projections: readonly Projection[]; inline: boolean; timeoutMs: number }) {
  const inline = options.projections.filter((p) => p.consistency === 'inline');
  const pools = perTenant(options.pool);
  return async (tenant: number, append: AppendResult, types: readonly string[]): Promise<void> => {
    if (options.inline || append.duplicate) return;
    const names = inline.filter((p) => types.some((t) => p.handles.includes(t))).map((p) => p.name);
    if (names.length === 0) return;
    const deadline = Date.now() + options.timeoutMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      const { rows } = await pools.of(tenant).query<{ behind: number }>(
        `select count(*)::int as behind from unnest($1::text[]) as n(name)
           left join "${options.tenancy.schema(tenant)}".checkpoints c on c.name = n.name
          where coalesce(c.position, 0) < $2`,
        [names, append.lastPosition.toString()],
      );
      if ((rows[0]?.behind ?? 0) === 0) return;
      if (Date.now() > deadline) throw new UnavailableError('The change was saved but the read models are lagging; retry the read shortly', 'projection_lag');
      await new Promise((r) => setTimeout(r, delay));
    }
  };
}
