/*
 * The port a marketplace's listings are published through. Reactors receive one per marketplace
 * (built by the composition root); the domain never sees a wire format, only the mapped values.
 */
import type { Marketplace, MarketplaceAccount } from '../domain/connection/connection';
import type { ExternalIds, WhoMade } from '../domain/listing/listing';
import type { ListingThere } from '../domain/reconciliation/drift';

/** One photo of the product: where it is served, and the stored file behind it (for marketplaces that take uploads). */
export interface PublicationImage {
  /** The product image's id in Stoflow. */
  id: string;
  url: string;
  /** The storage key (src/infra/storage.ts), read through the publisher's own `readImage`. */
  file: string;
  content_type: string;
}

/** Reads a stored photo's bytes (null when it is gone). */
export type ImageReader = (file: string) => Promise<{ bytes: Buffer; contentType: string } | null>;

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
  /** The same photos, in the same order, with their stored files. */
  images: PublicationImage[];
  /** The connection's chosen settings (policies, location…) and its site (`EBAY_FR`). */
  settings: Record<string, string>;
  site: string;
  /** The connected account (an Etsy shop's `shop_id` is there). */
  account: MarketplaceAccount | null;
  /** Where the item comes from, as the seller stated it for this marketplace (null when not said). */
  who_made: WhoMade | null;
  when_made: string | null;
  is_supply: boolean;
  tags: string[];
  materials: string[];
  /** The marketplace's id for the product's colour, when it numbers colours (Vinted's `color_ids`). */
  color_id?: string | null;
  /** The seller's parcel size, for marketplaces that ask (Vinted). */
  package_size?: string | null;
}

/** A listing the comparison asks about: its ids there, and whether Stoflow has it live (false: Stoflow ended it). */
export interface ListingToRead {
  listingId: string;
  external: ExternalIds;
  expectedLive: boolean;
}

export interface MarketplacePublisher {
  readonly marketplace: Marketplace;
  /**
   * Publishes, resuming from the ids an earlier attempt learnt (`known`); each id learnt is handed
   * to `remember` before the next step, so a crash in between never creates a second offer.
   * Throws MarketplaceCallError (src/shared/marketplace-errors.ts) on failure.
   */
  publish(accessToken: string, draft: PublicationDraft, known: ExternalIds, remember: (ids: ExternalIds) => Promise<void>): Promise<{ external: ExternalIds; url: string | null }>;
  /**
   * Brings a live listing up to date with the product (price, quantity, text, photos); answers
   * the ids the marketplace gave on the way (new photos), to be kept with the listing.
   */
  update(accessToken: string, draft: PublicationDraft, external: ExternalIds): Promise<ExternalIds | void>;
  /** Ends the listing on the marketplace; ending one already ended is not an error. */
  delist(accessToken: string, external: ExternalIds): Promise<void>;
  /**
   * Why the marketplace would refuse this condition in this category (in words for the seller),
   * or null when it takes it — or cannot say now, in which case publishing goes on and the
   * marketplace decides.
   */
  conditionRefusal?(accessToken: string, site: string, categoryId: string, conditionId: string): Promise<string | null>;
  /**
   * How each listing stands there, by the marketplace's own answer (the periodic comparison). A
   * listing it could not read (no id there yet, an answer of a shape not documented) is left out:
   * nothing is decided on a guess. Throws MarketplaceCallError when the marketplace cannot be read.
   */
  standing?(accessToken: string, account: MarketplaceAccount | null, listings: readonly ListingToRead[]): Promise<Map<string, ListingThere>>;
}

/** What a queued marketplace is asked to do for one listing. */
export interface QueuedWork {
  kind: 'publish' | 'update' | 'delete';
  listingId: string;
  /** Derived from the listing's own history: asking twice for the same step queues it once. */
  key: string;
  /** The product as the marketplace will show it (absent for a delete). */
  draft: PublicationDraft | null;
  external: ExternalIds;
  /** The product's stream version the draft shows, recorded with the listing once it is done. */
  productVersion: number;
  /** The correlation of what asked for it (a sale, an edit): the outcome the extension reports is recorded in it. */
  correlationId?: string;
}

/**
 * A marketplace whose work is done elsewhere and reported later: Vinted has no API for us, so the
 * seller's browser extension performs each step in the seller's own session. The publisher only
 * queues the step; its outcome comes back through the listing's commands.
 */
export interface QueuedPublisher {
  readonly marketplace: Marketplace;
  readonly queued: true;
  /** Queues the step; a newer update replaces one still waiting. */
  request(tenant: number, work: QueuedWork): Promise<void>;
  /** Withdraws the listing's steps still waiting (a delete supersedes them). */
  cancelWaiting(tenant: number, listingId: string): Promise<number>;
}

export type AnyPublisher = MarketplacePublisher | QueuedPublisher;

export function isQueued(publisher: AnyPublisher): publisher is QueuedPublisher {
  return 'queued' in publisher && publisher.queued;
}
