/*
 * What sync did after each sale, folded from the log with no I/O (the projection loads and
 * writes, sync-activity.ts). For every sale, each other marketplace gets an outcome:
 *
 *   not_listed        the product had no listing there (never published, or its publication failed)
 *   already_delisted  its listing there had ended before the sale (delisted, sold, ended, disconnected)
 *   pending           a delist (no stock left) or a quantity update (stock left) is under way
 *   delisted          the listing was taken down after the sale
 *   quantity_updated  the listing shows the stock the sale left (a version of the product at or after the sale)
 *   failed            the last call failed; `next_retry_at` says when it is tried again (a later success overrides)
 *   sold_there_too    the listing sold there as well: an oversell (GET /api/sync/oversells)
 *   ended_there       the marketplace ended the listing itself
 *   disconnected      the account was disconnected before the listing could be brought in line
 *
 * Each outcome keeps the id of the event that settled it, and the sale keeps its own event's id
 * and correlation id: "why was this delisted?" is answered from the log.
 */
import { listingDecider, LISTING_STREAM_PREFIX, type ListingEvent, type ListingState } from '../domain/listing/listing';
import { productIdOfStream } from '../domain/product/stream';
import type { RecordedEvent } from '../eventstore/types';
import { MARKETPLACES } from '../domain/connection/connection';
import { ENDED_LISTING_STATUSES, type ListingStatus } from '../shared/listing-statuses';
import type { SyncOutcome } from '../shared/sync-outcomes';

/** Outcomes a later listing event can still change. */
export const OPEN_OUTCOMES: readonly SyncOutcome[] = ['pending', 'failed'];

export interface ActivityListing {
  listingId: string;
  productId: string;
  marketplace: string;
  status: ListingStatus;
  productVersion: number;
  version: number;
}

export interface ActivitySale {
  saleId: string;
  productId: string;
  channel: string;
  quantity: number;
  remainingStock: number;
  oversold: boolean;
  orderId: string | null;
  lineId: string | null;
  soldAt: string;
  productVersion: number;
  eventId: string;
  correlationId: string | null;
}

export interface ActivityOutcome {
  saleId: string;
  marketplace: string;
  productId: string;
  listingId: string | null;
  action: 'delist' | 'update' | null;
  /** The product's version the sale left: a listing update at or after it carries the new stock. */
  productVersion: number;
  outcome: SyncOutcome;
  reason: string | null;
  nextRetryAt: string | null;
  decidedAt: string | null;
  eventId: string | null;
}

export interface ActivityLoaded {
  listings: ActivityListing[];
  knownSales: ReadonlySet<string>;
  openOutcomes: ActivityOutcome[];
}

export interface ActivityChanges {
  listings: ActivityListing[];
  sales: ActivitySale[];
  outcomes: ActivityOutcome[];
}

export const SYNC_LISTING_EVENTS = [
  'ListingQueued',
  'ListingPublishStarted',
  'ListingPublished',
  'ListingPublishFailed',
  'ListingUpdateStarted',
  'ListingUpdated',
  'ListingUpdateFailed',
  'ListingRetryRequested',
  'ListingDelistRequested',
  'ListingDelisted',
  'ListingDelistFailed',
  'ListingSoldHere',
  'ListingEndedExternally',
  'ListingDisconnected',
] as const;
export const SYNC_PRODUCT_EVENTS = ['ProductSold', 'OversoldDetected'] as const;

/** What the batch needs loaded: its listings by id, and every listing of the products that sold. */
export function activityKeys(events: readonly RecordedEvent[]): { listingIds: string[]; productIds: string[]; saleIds: string[] } {
  const listingIds = new Set<string>();
  const productIds = new Set<string>();
  const saleIds = new Set<string>();
  for (const e of events) {
    if (e.streamId.startsWith(LISTING_STREAM_PREFIX)) listingIds.add(e.streamId.slice(LISTING_STREAM_PREFIX.length));
    else if ((SYNC_PRODUCT_EVENTS as readonly string[]).includes(e.type)) {
      const productId = productIdOfStream(e.streamId);
      const saleId = (e.data as { sale_id?: string }).sale_id;
      if (productId && saleId) {
        productIds.add(productId);
        saleIds.add(saleId);
      }
    }
  }
  return { listingIds: [...listingIds], productIds: [...productIds], saleIds: [...saleIds] };
}

const ENDED = ENDED_LISTING_STATUSES as readonly ListingStatus[];
const ENDINGS: Partial<Record<string, SyncOutcome>> = { ListingDelisted: 'delisted', ListingSoldHere: 'sold_there_too', ListingEndedExternally: 'ended_there', ListingDisconnected: 'disconnected' };

interface ListingFailure {
  reason: string;
  next_retry_at: string | null;
}

/** The outcome a sale starts with on a marketplace, from that marketplace's listing as it stood. */
function firstOutcome(sale: ActivitySale, marketplace: string, listing: ActivityListing | undefined): ActivityOutcome {
  const base = { saleId: sale.saleId, marketplace, productId: sale.productId, listingId: listing?.listingId ?? null, productVersion: sale.productVersion, reason: null, nextRetryAt: null, eventId: null };
  if (!listing || listing.status === 'failed') return { ...base, action: null, outcome: 'not_listed', reason: listing ? 'publication_failed' : null, decidedAt: sale.soldAt };
  if (ENDED.includes(listing.status)) return { ...base, action: null, outcome: 'already_delisted', reason: listing.status, decidedAt: sale.soldAt };
  return { ...base, action: sale.remainingStock === 0 ? 'delist' : 'update', outcome: 'pending', decidedAt: null };
}

/** Folds a batch: the listings' states, the sales it records, and every outcome it opens or settles. */
export function foldActivity(loaded: ActivityLoaded, events: readonly RecordedEvent[]): ActivityChanges {
  const listings = new Map(loaded.listings.map((l) => [l.listingId, l]));
  const outcomes = new Map(loaded.openOutcomes.map((o) => [`${o.saleId}|${o.marketplace}`, o]));
  const known = new Set(loaded.knownSales);
  const changedListings = new Set<string>();
  const changedOutcomes = new Set<string>();
  const sales: ActivitySale[] = [];

  const settle = (listing: ActivityListing, change: (o: ActivityOutcome) => ActivityOutcome | null) => {
    for (const [key, o] of outcomes) {
      if (o.productId !== listing.productId || o.marketplace !== listing.marketplace || !OPEN_OUTCOMES.includes(o.outcome)) continue;
      const next = change(o);
      if (next) {
        outcomes.set(key, next);
        changedOutcomes.add(key);
      }
    }
  };

  for (const e of events) {
    if (e.streamId.startsWith(LISTING_STREAM_PREFIX)) {
      if (!(SYNC_LISTING_EVENTS as readonly string[]).includes(e.type)) continue;
      const listingId = e.streamId.slice(LISTING_STREAM_PREFIX.length);
      const before = listings.get(listingId);
      if (before && e.streamVersion <= before.version) continue; // offered again: already folded
      let state: ListingState = before
        ? { id: listingId, productId: before.productId, marketplace: before.marketplace as never, status: before.status, overrides: {}, external: {}, url: null, productVersion: before.productVersion, attempts: 0, lastError: null }
        : null;
      state = listingDecider.evolve(state, { type: e.type, data: e.data } as ListingEvent);
      if (!state) continue;
      const listing: ActivityListing = { listingId, productId: state.productId, marketplace: state.marketplace, status: state.status, productVersion: state.productVersion, version: e.streamVersion };
      listings.set(listingId, listing);
      changedListings.add(listingId);

      const at = e.recordedAt.toISOString();
      const ending = ENDINGS[e.type];
      if (ending) settle(listing, (o) => ({ ...o, outcome: ending, reason: null, nextRetryAt: null, decidedAt: at, eventId: e.id }));
      else if (e.type === 'ListingUpdated' || e.type === 'ListingPublished')
        settle(listing, (o) => (o.action === 'update' && listing.productVersion >= o.productVersion ? { ...o, outcome: 'quantity_updated', reason: null, nextRetryAt: null, decidedAt: at, eventId: e.id } : null));
      else if (e.type === 'ListingDelistFailed' || e.type === 'ListingUpdateFailed' || e.type === 'ListingPublishFailed') {
        const failure = e.data as ListingFailure;
        const action = e.type === 'ListingUpdateFailed' ? 'update' : e.type === 'ListingDelistFailed' ? 'delist' : null;
        settle(listing, (o) => (action === null || o.action === action ? { ...o, outcome: 'failed', reason: failure.reason, nextRetryAt: failure.next_retry_at, decidedAt: at, eventId: e.id } : null));
      }
      continue;
    }

    if (!(SYNC_PRODUCT_EVENTS as readonly string[]).includes(e.type)) continue;
    const productId = productIdOfStream(e.streamId);
    const d = e.data as { sale_id: string; quantity: number; channel?: string; marketplace?: string; remaining_stock?: number; order_id?: string; line_id?: string; sold_at?: string; detected_at?: string };
    if (!productId || !d.sale_id || known.has(d.sale_id)) continue;
    known.add(d.sale_id);
    const oversold = e.type === 'OversoldDetected';
    const sale: ActivitySale = {
      saleId: d.sale_id,
      productId,
      channel: (oversold ? d.marketplace : d.channel) ?? 'offline',
      quantity: d.quantity,
      remainingStock: oversold ? 0 : (d.remaining_stock ?? 0),
      oversold,
      orderId: d.order_id ?? null,
      lineId: d.line_id ?? null,
      soldAt: (oversold ? d.detected_at : d.sold_at) ?? e.recordedAt.toISOString(),
      productVersion: e.streamVersion,
      eventId: e.id,
      correlationId: e.metadata.correlation_id ?? null,
    };
    sales.push(sale);
    // An oversell took nothing that was left: the sale before it already brought the listings in line.
    if (oversold) continue;
    const ofProduct = [...listings.values()].filter((l) => l.productId === productId);
    for (const marketplace of MARKETPLACES) {
      if (marketplace === sale.channel) continue;
      const key = `${sale.saleId}|${marketplace}`;
      outcomes.set(key, firstOutcome(sale, marketplace, ofProduct.find((l) => l.marketplace === marketplace)));
      changedOutcomes.add(key);
    }
  }

  return {
    listings: [...changedListings].map((id) => listings.get(id)!),
    sales,
    outcomes: [...changedOutcomes].map((k) => outcomes.get(k)!),
  };
}
