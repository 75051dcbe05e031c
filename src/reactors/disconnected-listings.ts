/*
 * A marketplace the seller disconnects takes its listings out of Stoflow's hands: each listing
 * there that has not ended becomes `disconnected` (kept as history; later product changes no
 * longer reach it). Nothing is ended on the marketplace: without the seller's tokens, Stoflow
 * can no longer call it.
 */
import type { CommandDeps } from '../commands/command';
import { markListing } from '../commands/listings/record-listing';
import { MARKETPLACES, type Marketplace } from '../domain/connection/connection';
import { ENDED_LISTING_STATUSES } from '../domain/listing/listing';
import type { Reactor } from '../engine/reactor';
import type { Connections } from '../infra/db/postgres';
import { perTenant, type TenantPools } from '../infra/db/tenant-pools';
import type { Tenancy } from '../infra/db/tenancy';

/**
 * The tenant's listings on that marketplace, from the listings read model (written in the
 * append's own transaction with the PostgreSQL log). The ones already ended are left out only to
 * spare the calls: the decider leaves them as they are anyway.
 */
async function openListings(pool: Connections | TenantPools, tenancy: Tenancy, tenant: number, marketplace: Marketplace): Promise<string[]> {
  const { rows } = await perTenant(pool).of(tenant).query<{ id: string }>(`select id from ${tenancy.table(tenant, 'listings')} where marketplace = $1 and status <> all($2::text[]) order by id`, [
    marketplace,
    ENDED_LISTING_STATUSES,
  ]);
  return rows.map((r) => r.id);
}

export function disconnectedListingsReactor(deps: { pool: Connections | TenantPools; tenancy: Tenancy; listings: CommandDeps }): Reactor {
  return {
    name: 'disconnected_listings',
    handles: ['MarketplaceDisconnected'],
    async react(event, { tenant, metadata }) {
      const { marketplace } = event.data as { marketplace?: string };
      if (!(MARKETPLACES as readonly string[]).includes(marketplace ?? '')) return;
      for (const id of await openListings(deps.pool, deps.tenancy, tenant, marketplace as Marketplace)) {
        await markListing(deps.listings, tenant, id, { type: 'MarkDisconnected', now: deps.listings.clock.now() }, { event: metadata });
      }
    },
  };
}
