import type { Marketplace } from '../../domain/connection/connection';
import type { CredentialStore } from '../../infra/marketplace-credentials';
import type { AnyPublisher } from '../../shared/marketplace-publisher';
import type { CommandDeps } from '../command';

/** A marketplace id for one of our codes (public.platform_mappings), or null when none is known. */
export type MappingLookup = (marketplace: Marketplace, kind: 'category' | 'condition' | 'color', code: string) => Promise<string | null>;

/** What publishing takes: the write path, the mappings, and where the marketplaces fetch photos. */
export type PublishDeps = CommandDeps & {
  mapping: MappingLookup;
  /** PUBLIC_BASE_URL: where marketplaces reach this server (eBay: https only). */
  publicBaseUrl: string;
  /** A short-lived public link to a stored photo (src/infra/media-links.ts), made for each call that sends one. */
  photoLink: (file: string) => string;
  /**
   * Why the marketplace would refuse the condition in the category (eBay: its condition policies),
   * asked before anything is queued; null when it takes it or cannot say.
   */
  conditionRefusal?: (tenant: number, marketplace: Marketplace, site: string, categoryId: string, conditionId: string) => Promise<string | null>;
};

/** What carrying a listing out takes as well: each marketplace's publisher and the tokens. */
export type ListingWorkDeps = PublishDeps & {
  publishers: Partial<Record<Marketplace, AnyPublisher>>;
  credentials: Pick<CredentialStore, 'accessToken' | 'recordCall'>;
};
