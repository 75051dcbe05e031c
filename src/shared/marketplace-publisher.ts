/*
 * The port a marketplace's listings are published through. Reactors receive one per marketplace
 * (built by the composition root); the domain never sees a wire format, only the mapped values.
 */
import type { Marketplace } from '../domain/connection/connection';
import type { ExternalIds } from '../domain/listing/listing';

/** A product as one marketplace will show it: mapped ids, the seller's overrides applied. */
export interface PublicationDraft {
  sku: string;
  title: string;
  description: string;
  price_cents: number;
  currency: 'EUR';
  quantity: number;
  /** The marketplace's id for the condition (eBay condition id: `4000`). */
  condition: string;
  category_id: string;
  /** Item specifics as labels: `{Brand: ["Levi's"], Size: ["M"]}`. */
  aspects: Record<string, string[]>;
  /** Public HTTPS addresses of the photos, in display order. */
  image_urls: string[];
  /** The connection's chosen settings (policies, location…) and its site (`EBAY_FR`). */
  settings: Record<string, string>;
  site: string;
}

export interface MarketplacePublisher {
  readonly marketplace: Marketplace;
  /**
   * Publishes, resuming from the ids an earlier attempt learnt (`known`); each id learnt is handed
   * to `remember` before the next step, so a crash in between never creates a second offer.
   * Throws MarketplaceCallError (src/shared/marketplace-errors.ts) on failure.
   */
  publish(accessToken: string, draft: PublicationDraft, known: ExternalIds, remember: (ids: ExternalIds) => Promise<void>): Promise<{ external: ExternalIds; url: string | null }>;
  /** Brings a live listing up to date with the product (price, quantity, text, photos). */
  update(accessToken: string, draft: PublicationDraft, external: ExternalIds): Promise<void>;
  /** Ends the listing on the marketplace; ending one already ended is not an error. */
  delist(accessToken: string, external: ExternalIds): Promise<void>;
}
