/*
 * A listing: one product on one marketplace account, with a state machine of its own.
 *
 *   (none) ─Queue─► queued ─Start─► publishing ─Published─► active ─RequestDelist─► delisting ─Delisted─► delisted
 *                     ▲                 │  ▲                                            │
 *                     └──Retry── failed ◄┘  └ Progress (ids kept for a resumed retry)    └ DelistFailed (stays, retried)
 *
 * A delisted or failed listing can be queued again (republished). The marketplace's own ids
 * (eBay offer and listing ids, an Etsy draft id and its photos' ids) are recorded as they are
 * learnt, so a retry after a crash resumes where the last attempt stopped instead of creating a
 * second offer, draft or photo.
 * Time arrives in the commands; the failure's next retry time is decided by the caller (the
 * engine's backoff) and recorded here, so the seller sees it.
 */
import { ConflictError, DomainRuleError, NotFoundError } from '../../shared/errors';
import type { Marketplace } from '../connection/connection';
import type { Decider, DomainEvent } from '../shared/decider';

export type ListingStatus = 'queued' | 'publishing' | 'active' | 'delisting' | 'delisted' | 'failed';

/**
 * What the marketplace calls it: `offer_id`, `listing_id` (eBay); `listing_id`, `shop_id`, and
 * `image_ids` with the `photo_ids` they show, as comma lists (Etsy); `item_id` (Vinted).
 */
export type ExternalIds = Record<string, string>;

export interface MarketplaceProblem {
  id: string;
  message: string;
}

/** Who made an item (Etsy's who_made): the seller, a collective the seller belongs to, or someone else. */
export type WhoMade = 'i_did' | 'collective' | 'someone_else';

/**
 * Seller's choices for this marketplace only (eBay title ≤ 80 characters, a category of eBay's,
 * an Etsy seller taxonomy id). The item's provenance and keywords are what Etsy asks of each
 * listing; a marketplace that has no use for them ignores them.
 */
export interface ListingOverrides {
  title?: string;
  price_cents?: number;
  /** The marketplace's own category id: an eBay category id, an Etsy seller taxonomy id. */
  category_id?: string;
  who_made?: WhoMade;
  /** When it was made, in Etsy's terms: `made_to_order`, `2020_2026`, `1990s`, `before_2007`… */
  when_made?: string;
  /** A craft supply or tool rather than a finished product. */
  is_supply?: boolean;
  /** Search keywords (Etsy: at most 13, each at most 20 characters). */
  tags?: string[];
  /** What it is made of (Etsy: at most 13, each at most 45 characters). */
  materials?: string[];
  /** The parcel it ships in (Vinted asks; its ids vary by catalog and country, so the label travels). */
  package_size?: 'small' | 'medium' | 'large' | 'extra_large';
}

export type ListingQueued = DomainEvent<'ListingQueued', { listing_id: string; product_id: string; marketplace: Marketplace; overrides: ListingOverrides; queued_at: string }>;
export type ListingPublishStarted = DomainEvent<'ListingPublishStarted', { attempt: number; started_at: string }>;
export type ListingPublishProgressed = DomainEvent<'ListingPublishProgressed', { external: ExternalIds; at: string }>;
/** `product_version`: the product stream's version the listing shows. */
export type ListingPublished = DomainEvent<'ListingPublished', { external: ExternalIds; url: string | null; published_at: string; product_version?: number }>;
/** `external`: ids the marketplace gave during the update (new photos on Etsy), when there were any. */
export type ListingUpdated = DomainEvent<'ListingUpdated', { product_version: number; updated_at: string; external?: ExternalIds }>;
export type ListingUpdateFailed = DomainEvent<'ListingUpdateFailed', { reason: string; errors: MarketplaceProblem[]; retryable: boolean; next_retry_at: string | null; failed_at: string }>;
export type ListingPublishFailed = DomainEvent<
  'ListingPublishFailed',
  { reason: string; errors: MarketplaceProblem[]; retryable: boolean; next_retry_at: string | null; attempt: number; failed_at: string }
>;
export type ListingRetryRequested = DomainEvent<'ListingRetryRequested', { requested_at: string }>;
export type ListingDelistRequested = DomainEvent<'ListingDelistRequested', { reason: string; requested_at: string }>;
export type ListingDelisted = DomainEvent<'ListingDelisted', { delisted_at: string }>;
export type ListingDelistFailed = DomainEvent<'ListingDelistFailed', { reason: string; errors: MarketplaceProblem[]; retryable: boolean; next_retry_at: string | null; failed_at: string }>;

export type ListingEvent =
  | ListingQueued
  | ListingPublishStarted
  | ListingPublishProgressed
  | ListingPublished
  | ListingUpdated
  | ListingUpdateFailed
  | ListingPublishFailed
  | ListingRetryRequested
  | ListingDelistRequested
  | ListingDelisted
  | ListingDelistFailed;

export interface Listing {
  id: string;
  productId: string;
  marketplace: Marketplace;
  status: ListingStatus;
  overrides: ListingOverrides;
  external: ExternalIds;
  url: string | null;
  /** The product's stream version the marketplace shows (0 until published). */
  productVersion: number;
  /** Publication attempts since it was last queued. */
  attempts: number;
  lastError: { reason: string; errors: MarketplaceProblem[]; retryable: boolean; next_retry_at: string | null } | null;
}

export type ListingState = Listing | null;

export type ListingCommand =
  | { type: 'QueueListing'; listingId: string; productId: string; marketplace: Marketplace; overrides: ListingOverrides; now: Date }
  | { type: 'StartPublishing'; now: Date }
  | { type: 'RecordPublishProgress'; external: ExternalIds; now: Date }
  | { type: 'RecordPublished'; external: ExternalIds; url: string | null; productVersion: number; now: Date }
  | { type: 'RecordUpdated'; productVersion: number; external?: ExternalIds; now: Date }
  | { type: 'RecordUpdateFailure'; reason: string; errors: MarketplaceProblem[]; retryable: boolean; nextRetryAt: Date | null; now: Date }
  | { type: 'RecordPublishFailure'; reason: string; errors: MarketplaceProblem[]; retryable: boolean; nextRetryAt: Date | null; now: Date }
  | { type: 'RetryListing'; now: Date }
  | { type: 'RequestDelist'; reason: string; now: Date }
  | { type: 'RecordDelisted'; now: Date }
  | { type: 'RecordDelistFailure'; reason: string; errors: MarketplaceProblem[]; retryable: boolean; nextRetryAt: Date | null; now: Date };

export function listingStream(listingId: string): string {
  return `listing-${listingId}`;
}

export const LISTING_STREAM_PREFIX = 'listing-';

function evolve(state: ListingState, event: ListingEvent): ListingState {
  if (event.type === 'ListingQueued') {
    const d = event.data;
    // A republication starts afresh, but keeps the ids the marketplace knows the item by.
    return { id: d.listing_id, productId: d.product_id, marketplace: d.marketplace, status: 'queued', overrides: d.overrides, external: state?.external ?? {}, url: null, productVersion: 0, attempts: 0, lastError: null };
  }
  if (state === null) return state;
  switch (event.type) {
    case 'ListingPublishStarted':
      return { ...state, status: 'publishing', attempts: event.data.attempt };
    case 'ListingPublishProgressed':
      return { ...state, external: { ...state.external, ...event.data.external } };
    case 'ListingPublished':
      return { ...state, status: 'active', external: { ...state.external, ...event.data.external }, url: event.data.url, productVersion: event.data.product_version ?? 0, lastError: null };
    case 'ListingUpdated':
      return { ...state, productVersion: event.data.product_version, external: { ...state.external, ...event.data.external }, lastError: null };
    case 'ListingUpdateFailed': {
      const { reason, errors, retryable, next_retry_at } = event.data;
      return { ...state, lastError: { reason, errors, retryable, next_retry_at } };
    }
    case 'ListingPublishFailed': {
      const { reason, errors, retryable, next_retry_at } = event.data;
      return { ...state, status: 'failed', lastError: { reason, errors, retryable, next_retry_at } };
    }
    case 'ListingRetryRequested':
      return { ...state, status: 'queued', lastError: null };
    case 'ListingDelistRequested':
      return { ...state, status: 'delisting' };
    case 'ListingDelisted':
      return { ...state, status: 'delisted', url: null, lastError: null };
    case 'ListingDelistFailed': {
      const { reason, errors, retryable, next_retry_at } = event.data;
      return { ...state, lastError: { reason, errors, retryable, next_retry_at } };
    }
    default: {
      const never: never = event;
      return never;
    }
  }
}

function exists(state: ListingState): Listing {
  if (state === null) throw new NotFoundError('No such listing', 'listing_not_found');
  return state;
}

function decide(command: ListingCommand, state: ListingState): ListingEvent[] {
  const at = command.now.toISOString();
  switch (command.type) {
    case 'QueueListing': {
      if (state && !['delisted', 'failed'].includes(state.status)) {
        throw new ConflictError(`The product is already ${state.status} on ${command.marketplace}`, 'already_listed', { errors: [{ field: 'marketplaces', message: `${command.marketplace} is already ${state.status}` }] });
      }
      return [{ type: 'ListingQueued', data: { listing_id: command.listingId, product_id: command.productId, marketplace: command.marketplace, overrides: command.overrides, queued_at: at } }];
    }
    case 'StartPublishing': {
      const listing = exists(state);
      // A queued listing starts, and so does one whose last failure will be retried; a redelivered
      // trigger finds it started, or done, and adds nothing.
      const retrying = listing.status === 'failed' && listing.lastError?.retryable === true;
      if (listing.status !== 'queued' && !retrying) return [];
      return [{ type: 'ListingPublishStarted', data: { attempt: listing.attempts + 1, started_at: at } }];
    }
    case 'RecordPublishProgress': {
      const listing = exists(state);
      const fresh = Object.fromEntries(Object.entries(command.external).filter(([k, v]) => listing.external[k] !== v));
      if (listing.status !== 'publishing' || Object.keys(fresh).length === 0) return [];
      return [{ type: 'ListingPublishProgressed', data: { external: fresh, at } }];
    }
    case 'RecordPublished': {
      const listing = exists(state);
      if (listing.status !== 'publishing') return [];
      return [{ type: 'ListingPublished', data: { external: command.external, url: command.url, published_at: at, product_version: command.productVersion } }];
    }
    case 'RecordUpdated': {
      const listing = exists(state);
      // Only a live listing is updated, and never back to an older version of the product.
      if (listing.status !== 'active' || command.productVersion <= listing.productVersion) return [];
      const fresh = Object.fromEntries(Object.entries(command.external ?? {}).filter(([k, v]) => listing.external[k] !== v));
      return [{ type: 'ListingUpdated', data: { product_version: command.productVersion, updated_at: at, ...(Object.keys(fresh).length > 0 ? { external: fresh } : {}) } }];
    }
    case 'RecordUpdateFailure': {
      const listing = exists(state);
      if (listing.status !== 'active') return [];
      return [
        { type: 'ListingUpdateFailed', data: { reason: command.reason.slice(0, 1000), errors: command.errors.slice(0, 20), retryable: command.retryable, next_retry_at: command.nextRetryAt?.toISOString() ?? null, failed_at: at } },
      ];
    }
    case 'RecordPublishFailure': {
      const listing = exists(state);
      if (listing.status !== 'publishing' && listing.status !== 'queued') return [];
      return [
        {
          type: 'ListingPublishFailed',
          data: { reason: command.reason.slice(0, 1000), errors: command.errors.slice(0, 20), retryable: command.retryable, next_retry_at: command.nextRetryAt?.toISOString() ?? null, attempt: listing.attempts, failed_at: at },
        },
      ];
    }
    case 'RetryListing': {
      const listing = exists(state);
      if (listing.status !== 'failed') throw new DomainRuleError(`Only a failed listing can be retried; this one is ${listing.status}`, 'listing_not_failed', 'status');
      return [{ type: 'ListingRetryRequested', data: { requested_at: at } }];
    }
    case 'RequestDelist': {
      const listing = exists(state);
      switch (listing.status) {
        case 'active':
          return [{ type: 'ListingDelistRequested', data: { reason: command.reason, requested_at: at } }];
        // Nothing is live on the marketplace yet: it ends here.
        case 'queued':
        case 'failed':
          return [{ type: 'ListingDelisted', data: { delisted_at: at } }];
        case 'publishing':
          throw new ConflictError(`The listing is being published on ${listing.marketplace}: delist it once it is active`, 'listing_publishing');
        case 'delisting':
        case 'delisted':
          return [];
        default: {
          const never: never = listing.status;
          return never;
        }
      }
    }
    case 'RecordDelisted': {
      const listing = exists(state);
      if (listing.status !== 'delisting') return [];
      return [{ type: 'ListingDelisted', data: { delisted_at: at } }];
    }
    case 'RecordDelistFailure': {
      const listing = exists(state);
      if (listing.status !== 'delisting') return [];
      return [
        { type: 'ListingDelistFailed', data: { reason: command.reason.slice(0, 1000), errors: command.errors.slice(0, 20), retryable: command.retryable, next_retry_at: command.nextRetryAt?.toISOString() ?? null, failed_at: at } },
      ];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const listingDecider: Decider<ListingCommand, ListingEvent, ListingState> = { initialState: null, evolve, decide };
