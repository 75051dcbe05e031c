/*
 * A listing: one product on one marketplace account, with a state machine of its own.
 *
 *   (none) ─Queue─► queued ─Start─► publishing ─Published─► active ◄───Updated / UpdateFailed───┐
 *                     ▲                 │  ▲                  │  │   (still live either way)    │
 *                     └──Retry── failed ◄┘  └ Progress        │  └──StartUpdating──► updating ──┘
 *                                                             │                        │
 *                                                             └──RequestDelist─────────┴──► delisting ─Delisted─► delisted
 *                                                                                              └ DelistFailed (stays, retried)
 *                                                                         delisting ◄─RedoDelist─┘ (still live there after all)
 *
 *   publishing, active, updating, delisting ─SoldHere─► sold_here                 (it sold on this marketplace;
 *                                                       └ ClosedAfterSale          ended there too, whatever it had left)
 *                                           ─EndedExternally─► ended_externally   (ended there, not by Stoflow)
 *   every state but the four ends ─Disconnected─► disconnected                    (the marketplace was disconnected)
 *
 * delisted, sold_here, ended_externally and disconnected are ends, kept as history: nothing
 * happens to them until the product is queued there again (republished), as a failed one can be.
 * The marketplace's own ids (eBay offer and listing ids, an Etsy draft id and its photos' ids)
 * are recorded as they are learnt, so a retry after a crash resumes where the last attempt
 * stopped instead of creating a second offer, draft or photo, and a republication reuses them.
 * Time arrives in the commands; the failure's next retry time is decided by the caller (the
 * engine's backoff) and recorded here, so the seller sees it.
 */
import { ConflictError, DomainRuleError, NotFoundError } from '../../shared/errors';
import { ENDED_LISTING_STATUSES, LIVE_LISTING_STATUSES, type ListingStatus } from '../../shared/listing-statuses';
import type { Marketplace } from '../connection/connection';
import type { Decider, DomainEvent } from '../shared/decider';

export { ENDED_LISTING_STATUSES, LISTING_STATUSES, LIVE_LISTING_STATUSES, type ListingStatus } from '../../shared/listing-statuses';

/** What the marketplace itself may end (a sale there, the seller or the marketplace ending it): a listing that is, or is about to be, live. */
const ENDABLE_THERE: readonly ListingStatus[] = ['publishing', 'active', 'updating', 'delisting'];

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
/** `product_version`: the product stream's version being sent to the marketplace. */
export type ListingUpdateStarted = DomainEvent<'ListingUpdateStarted', { product_version: number; started_at: string }>;
export type ListingUpdated = DomainEvent<'ListingUpdated', { product_version: number; updated_at: string; external?: ExternalIds }>;
export type ListingUpdateFailed = DomainEvent<'ListingUpdateFailed', { reason: string; errors: MarketplaceProblem[]; retryable: boolean; next_retry_at: string | null; failed_at: string }>;
export type ListingPublishFailed = DomainEvent<
  'ListingPublishFailed',
  { reason: string; errors: MarketplaceProblem[]; retryable: boolean; next_retry_at: string | null; attempt: number; failed_at: string }
>;
export type ListingRetryRequested = DomainEvent<'ListingRetryRequested', { requested_at: string }>;
export type ListingDelistRequested = DomainEvent<'ListingDelistRequested', { reason: string; requested_at: string }>;
/** `reason`: why a publication was withdrawn before it went live, when it was. */
export type ListingDelisted = DomainEvent<'ListingDelisted', { delisted_at: string; reason?: string }>;
export type ListingDelistFailed = DomainEvent<'ListingDelistFailed', { reason: string; errors: MarketplaceProblem[]; retryable: boolean; next_retry_at: string | null; failed_at: string }>;
/** `sale_id`: the marketplace's own id of the sale (an eBay order, an Etsy receipt), when known. */
export type ListingSoldHere = DomainEvent<'ListingSoldHere', { sale_id: string | null; sold_at: string }>;
/**
 * The listing that sold the product's last units was ended on the marketplace too: eBay and Etsy
 * keep a listing for sale while their own quantity lasts, and theirs may not have caught up with
 * Stoflow's stock (a quantity update still on its way when the buyer came).
 */
export type ListingClosedAfterSale = DomainEvent<'ListingClosedAfterSale', { closed_at: string }>;
export type ListingEndedExternally = DomainEvent<'ListingEndedExternally', { reason: string; ended_at: string }>;
export type ListingDisconnected = DomainEvent<'ListingDisconnected', { disconnected_at: string }>;

export type ListingEvent =
  | ListingQueued
  | ListingPublishStarted
  | ListingPublishProgressed
  | ListingPublished
  | ListingUpdateStarted
  | ListingUpdated
  | ListingUpdateFailed
  | ListingPublishFailed
  | ListingRetryRequested
  | ListingDelistRequested
  | ListingDelisted
  | ListingDelistFailed
  | ListingSoldHere
  | ListingClosedAfterSale
  | ListingEndedExternally
  | ListingDisconnected;

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
  /** Sold here, and ended on the marketplace as well (whatever quantity it still showed). */
  closedAfterSale?: true;
}

export type ListingState = Listing | null;

export type ListingCommand =
  | { type: 'QueueListing'; listingId: string; productId: string; marketplace: Marketplace; overrides: ListingOverrides; now: Date }
  | { type: 'StartPublishing'; now: Date }
  | { type: 'RecordPublishProgress'; external: ExternalIds; now: Date }
  | { type: 'RecordPublished'; external: ExternalIds; url: string | null; productVersion: number; now: Date }
  | { type: 'StartUpdating'; productVersion: number; now: Date }
  | { type: 'RecordUpdated'; productVersion: number; external?: ExternalIds; now: Date }
  | { type: 'RecordUpdateFailure'; reason: string; errors: MarketplaceProblem[]; retryable: boolean; nextRetryAt: Date | null; now: Date }
  | { type: 'RecordPublishFailure'; reason: string; errors: MarketplaceProblem[]; retryable: boolean; nextRetryAt: Date | null; now: Date }
  | { type: 'RetryListing'; now: Date }
  | { type: 'RequestDelist'; reason: string; now: Date }
  /** Delisted here, yet still live there (the periodic comparison saw it): the delisting is done again. */
  | { type: 'RedoDelist'; reason: string; now: Date }
  /** The marketplace answered the call that ends what is left of a listing that sold here. */
  | { type: 'RecordClosedAfterSale'; now: Date }
  /** A publication handed over but not yet performed (a Vinted task still waiting) is withdrawn: it ends here. */
  | { type: 'WithdrawPublication'; reason: string; now: Date }
  | { type: 'RecordDelisted'; now: Date }
  | { type: 'RecordDelistFailure'; reason: string; errors: MarketplaceProblem[]; retryable: boolean; nextRetryAt: Date | null; now: Date }
  | { type: 'MarkSoldHere'; saleId?: string; now: Date }
  | { type: 'MarkEndedExternally'; reason: string; now: Date }
  | { type: 'MarkDisconnected'; now: Date };

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
    case 'ListingUpdateStarted':
      return { ...state, status: 'updating' };
    // Updated or not, the listing is still live: it is active again (a failure says why it lags).
    case 'ListingUpdated':
      return { ...state, status: liveAgain(state), productVersion: event.data.product_version, external: { ...state.external, ...event.data.external }, lastError: null };
    case 'ListingUpdateFailed': {
      const { reason, errors, retryable, next_retry_at } = event.data;
      return { ...state, status: liveAgain(state), lastError: { reason, errors, retryable, next_retry_at } };
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
    case 'ListingSoldHere': {
      const { closedAfterSale: _closed, ...rest } = state;
      return { ...rest, status: 'sold_here', url: null, lastError: null };
    }
    case 'ListingClosedAfterSale':
      return { ...state, closedAfterSale: true };
    case 'ListingEndedExternally':
      return { ...state, status: 'ended_externally', url: null, lastError: null };
    // The url stays: the item may still be live there, out of Stoflow's reach.
    case 'ListingDisconnected':
      return { ...state, status: 'disconnected' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** Logs written before `updating` existed hold ListingUpdated on an active listing: it stays as it is. */
function liveAgain(state: Listing): ListingStatus {
  return state.status === 'updating' ? 'active' : state.status;
}

const isEnded = (status: ListingStatus) => (ENDED_LISTING_STATUSES as readonly ListingStatus[]).includes(status);
const isLive = (status: ListingStatus) => (LIVE_LISTING_STATUSES as readonly ListingStatus[]).includes(status);

function exists(state: ListingState): Listing {
  if (state === null) throw new NotFoundError('No such listing', 'listing_not_found');
  return state;
}

function decide(command: ListingCommand, state: ListingState): ListingEvent[] {
  const at = command.now.toISOString();
  switch (command.type) {
    case 'QueueListing': {
      // Queued again only once nothing is live or pending there (whether the product still has
      // stock to sell again is the publication rules' to say).
      if (state && state.status !== 'failed' && !isEnded(state.status)) {
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
    case 'StartUpdating': {
      const listing = exists(state);
      // A resumed update (after a crash) finds it updating already; an update already made finds the version sent.
      if (listing.status !== 'active' || command.productVersion <= listing.productVersion) return [];
      return [{ type: 'ListingUpdateStarted', data: { product_version: command.productVersion, started_at: at } }];
    }
    case 'RecordUpdated': {
      const listing = exists(state);
      // Only a live listing is updated, and never back to an older version of the product.
      if (!isLive(listing.status) || command.productVersion <= listing.productVersion) return [];
      const fresh = Object.fromEntries(Object.entries(command.external ?? {}).filter(([k, v]) => listing.external[k] !== v));
      return [{ type: 'ListingUpdated', data: { product_version: command.productVersion, updated_at: at, ...(Object.keys(fresh).length > 0 ? { external: fresh } : {}) } }];
    }
    case 'RecordUpdateFailure': {
      const listing = exists(state);
      if (!isLive(listing.status)) return [];
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
        case 'updating':
          return [{ type: 'ListingDelistRequested', data: { reason: command.reason, requested_at: at } }];
        // Nothing is live on the marketplace yet: it ends here.
        case 'queued':
        case 'failed':
          return [{ type: 'ListingDelisted', data: { delisted_at: at } }];
        case 'publishing':
          throw new ConflictError(`The listing is being published on ${listing.marketplace}: delist it once it is active`, 'listing_publishing');
        // Asked already, or nothing is there to end any more.
        case 'delisting':
        case 'delisted':
        case 'sold_here':
        case 'ended_externally':
        case 'disconnected':
          return [];
        default: {
          const never: never = listing.status;
          return never;
        }
      }
    }
    case 'RedoDelist': {
      const listing = exists(state);
      if (listing.status === 'delisting') return []; // under way already
      if (listing.status !== 'delisted') throw new DomainRuleError(`Only a delisted listing can be delisted again; this one is ${listing.status}`, 'listing_not_delisted', 'status');
      return [{ type: 'ListingDelistRequested', data: { reason: command.reason.slice(0, 500), requested_at: at } }];
    }
    case 'WithdrawPublication': {
      const listing = exists(state);
      if (listing.status !== 'publishing' && listing.status !== 'queued') return [];
      return [{ type: 'ListingDelisted', data: { delisted_at: at, reason: command.reason.slice(0, 500) } }];
    }
    case 'RecordDelisted': {
      const listing = exists(state);
      // It sold there while the delisting was under way: the call that just ended it there ended
      // what the sale left, so nothing ends it a second time.
      if (listing.status === 'sold_here' && !listing.closedAfterSale) return [{ type: 'ListingClosedAfterSale', data: { closed_at: at } }];
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
    case 'MarkSoldHere': {
      const listing = exists(state);
      if (listing.status === 'sold_here') return []; // the sync saw the same sale again
      if (!ENDABLE_THERE.includes(listing.status)) throw notThere(listing, 'sold');
      return [{ type: 'ListingSoldHere', data: { sale_id: command.saleId ?? null, sold_at: at } }];
    }
    case 'RecordClosedAfterSale': {
      const listing = exists(state);
      if (listing.status !== 'sold_here' || listing.closedAfterSale) return [];
      return [{ type: 'ListingClosedAfterSale', data: { closed_at: at } }];
    }
    case 'MarkEndedExternally': {
      const listing = exists(state);
      if (listing.status === 'ended_externally') return [];
      if (!ENDABLE_THERE.includes(listing.status)) throw notThere(listing, 'ended');
      return [{ type: 'ListingEndedExternally', data: { reason: command.reason.slice(0, 1000), ended_at: at } }];
    }
    case 'MarkDisconnected': {
      const listing = exists(state);
      // A listing that has ended stays as it ended: its history says more than "disconnected".
      if (isEnded(listing.status)) return [];
      return [{ type: 'ListingDisconnected', data: { disconnected_at: at } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

function notThere(listing: Listing, what: 'sold' | 'ended'): DomainRuleError {
  return new DomainRuleError(`Only a listing live on ${listing.marketplace} can be ${what} there; this one is ${listing.status}`, 'listing_not_live', 'status');
}

export const listingDecider: Decider<ListingCommand, ListingEvent, ListingState> = { initialState: null, evolve, decide };
