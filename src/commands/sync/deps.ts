import type { Marketplace } from '../../domain/connection/connection';
import type { CredentialStore } from '../../infra/marketplace-credentials';
import type { MarketplaceOrderReader } from '../../shared/marketplace-orders';
import type { CommandDeps } from '../command';
import type { RecordSaleDeps } from '../products/record-sale';
import type { ListingsToCompare } from './compare-listings';

/** What sync takes: the write path, each marketplace's order reader and the seller's tokens. */
export type SyncDeps = CommandDeps &
  RecordSaleDeps & {
    orders: Partial<Record<Marketplace, MarketplaceOrderReader>>;
    credentials: Pick<CredentialStore, 'accessToken' | 'recordCall'>;
    /**
     * The product a marketplace's listing shows, for marketplaces whose orders carry no SKU
     * (Vinted): found by the listing's id there, among the tenant's listings.
     */
    productOfListing(tenant: number, marketplace: Marketplace, listingId: string): Promise<string | null>;
    /** Our listings on a marketplace, for comparing with what it says of them. */
    listingsToCompare: ListingsToCompare;
  };
