import type { Marketplace } from '../../domain/connection/connection';
import type { CredentialStore } from '../../infra/marketplace-credentials';
import type { MarketplaceOrderReader } from '../../shared/marketplace-orders';
import type { CommandDeps } from '../command';
import type { RecordSaleDeps } from '../products/record-sale';

/** What sync takes: the write path, each marketplace's order reader and the seller's tokens. */
export type SyncDeps = CommandDeps &
  RecordSaleDeps & {
    orders: Partial<Record<Marketplace, MarketplaceOrderReader>>;
    credentials: Pick<CredentialStore, 'accessToken' | 'recordCall'>;
  };
