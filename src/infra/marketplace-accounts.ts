/*
 * The routing of what marketplaces send to one endpoint for every seller (public
 * marketplace_accounts, public migration 0008): the account a notification names → the tenants
 * it is connected to. Linked by the connection's callback, unlinked when the connection ends.
 */
import type { Marketplace } from '../domain/connection/connection';
import type { Queryable } from './db/postgres';

export interface MarketplaceAccounts {
  /** Routes the account's ids (an Etsy user and its shop, `shop:<id>`) to the tenant, in place of any it had there. */
  link(marketplace: Marketplace, accountIds: readonly string[], tenant: number): Promise<void>;
  /** The tenant's account on that marketplace is no longer routed to it. */
  unlink(marketplace: Marketplace, tenant: number): Promise<void>;
  /** The tenants the account is connected to (none when nobody is). */
  tenantsOf(marketplace: Marketplace, accountId: string): Promise<number[]>;
}

export function createMarketplaceAccounts(db: Queryable, now: () => Date): MarketplaceAccounts {
  return {
    async link(marketplace, accountIds, tenant) {
      // A tenant has one account per marketplace: connecting another replaces the route.
      await db.query(
        `with gone as (delete from public.marketplace_accounts where marketplace = $1 and tenant_id = $3 and account_id <> all($2::text[]))
         insert into public.marketplace_accounts (marketplace, account_id, tenant_id, linked_at) select $1, a, $3, $4 from unnest($2::text[]) as a
         on conflict (marketplace, account_id, tenant_id) do nothing`,
        [marketplace, [...accountIds], tenant, now()],
      );
    },
    async unlink(marketplace, tenant) {
      await db.query('delete from public.marketplace_accounts where marketplace = $1 and tenant_id = $2', [marketplace, tenant]);
    },
    async tenantsOf(marketplace, accountId) {
      const { rows } = await db.query<{ tenant_id: number }>('select tenant_id from public.marketplace_accounts where marketplace = $1 and account_id = $2 order by tenant_id', [marketplace, accountId]);
      return rows.map((r) => r.tenant_id);
    },
  };
}
