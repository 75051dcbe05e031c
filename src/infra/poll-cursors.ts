/* Where each marketplace's order polling of a tenant stopped (tenant table marketplace_poll_cursors). */
import type { Marketplace } from '../domain/connection/connection';
import type { Tenancy } from './db/tenancy';
import type { TenantPools } from './db/tenant-pools';

export interface PollCursors {
  get(tenant: number, marketplace: Marketplace): Promise<Date | null>;
  /** Never moves a cursor back (two processes polling across a lease move). */
  set(tenant: number, marketplace: Marketplace, polledUntil: Date): Promise<void>;
}

export function createPollCursors(pool: TenantPools, tenancy: Tenancy, now: () => Date): PollCursors {
  return {
    async get(tenant, marketplace) {
      const { rows } = await pool.of(tenant).query<{ polled_until: Date }>(`select polled_until from ${tenancy.table(tenant, 'marketplace_poll_cursors')} where marketplace = $1`, [marketplace]);
      return rows[0]?.polled_until ?? null;
    },
    async set(tenant, marketplace, until) {
      await pool.of(tenant).query(
        `insert into ${tenancy.table(tenant, 'marketplace_poll_cursors')} (marketplace, polled_until, polled_at) values ($1, $2, $3)
         on conflict (marketplace) do update set polled_until = greatest(excluded.polled_until, marketplace_poll_cursors.polled_until), polled_at = excluded.polled_at`,
        [marketplace, until, now()],
      );
    },
  };
}
