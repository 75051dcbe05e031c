/*
 * The analytics fold, in memory: a batch of product and listing events, in log order, over the
 * rows they touch. Each stream's events apply once (those at or below the row's version are
 * skipped), so offering a batch again yields no new sale and no new daily count.
 *
 * Sales take the product as it is at the moment of the sale: its cost price (cost of goods), its
 * category and brand, and when it was first listed; and the sale's own fees and shipping. Net
 * profit is gross + shipping charged − shipping paid − fees − cost of goods. Fees and shipping set
 * later (SaleCostsRecorded) replace the sale's, and a return (SaleReturned) takes its refund off
 * the profit and, when the units went back to stock, its cost of goods too (they are stock
 * again): on a sale of the same batch in place, on one stored before as an adjustment the write
 * applies to the sale's row and its day. A returned sale stays a sale of its day.
 *
 * An oversell (a marketplace sold what the stock could not cover) is no sale until the seller
 * settles it: found another unit (`item_found`), it counts as sold when the buyer paid, at the
 * price paid; refunded, it never counts.
 */
import { productIdOfStream, type ProductEvent } from '../domain/product/decider';
import { saleMoneyOf } from '../domain/product/events';
import { LISTING_STREAM_PREFIX, type ListingEvent } from '../domain/listing/listing';
import type { RecordedEvent } from '../eventstore/types';

export interface AnalyticsProduct {
  product_id: string;
  sku: string;
  title: string;
  category: string;
  brand: string | null;
  status: 'draft' | 'sold' | 'archived';
  price_cents: number;
  cost_price_cents: number | null;
  stock_quantity: number;
  created_at: string;
  first_listed_at: string | null;
  listed_since: string | null;
  live_marketplaces: string[];
  /** Oversells not settled yet: they count as sales if the seller finds the item. */
  pending_oversells: PendingOversell[];
  version: number;
}

/** A sale's fees and shipping, cents. */
export interface SaleMoneyCents {
  fees_cents: number;
  shipping_charged_cents: number;
  shipping_paid_cents: number;
}

export interface PendingOversell extends SaleMoneyCents {
  sale_id: string;
  marketplace: string;
  quantity: number;
  unit_price_cents: number;
  sold_at: string;
}

/** A sale's return: the refund, and whether its units went back to stock. */
export interface SaleReturn {
  refund_cents: number;
  restocked: boolean;
  returned_at: string;
}

/**
 * What changed of a sale stored before this batch: new fees and shipping, a return, or both
 * (null: unchanged).
 */
export interface SaleAdjustment {
  product_id: string;
  sale_id: string;
  fees_cents: number | null;
  shipping_charged_cents: number | null;
  shipping_paid_cents: number | null;
  refund_cents: number | null;
  restocked: boolean | null;
  returned_at: string | null;
}

export interface AnalyticsListing {
  listing_id: string;
  product_id: string;
  marketplace: string;
  live: boolean;
  live_since: string | null;
  version: number;
}

export interface AnalyticsSale {
  product_id: string;
  sale_id: string;
  sku: string;
  title: string;
  category: string;
  brand: string | null;
  marketplace: string;
  quantity: number;
  unit_price_cents: number;
  gross_cents: number;
  fees_cents: number;
  shipping_charged_cents: number;
  shipping_paid_cents: number;
  cost_cents: number;
  cost_known: boolean;
  refund_cents: number;
  restocked: boolean;
  returned_at: string | null;
  profit_cents: number;
  sold_at: string;
  created_at: string;
  listed_at: string | null;
  days_to_sell: number;
}

/** Something counted on a day of a marketplace ('' for none) that is not a sale. */
export interface DailyCount {
  at: string;
  marketplace: string;
  listed: number;
  new_products: number;
}

/** A listing going live (its ListingPublished, by the listing's stream version): `listed` is re-counted from these. */
export interface AnalyticsPublication {
  listing_id: string;
  version: number;
  marketplace: string;
  published_at: string;
}

export interface FoldResult {
  products: AnalyticsProduct[];
  listings: AnalyticsListing[];
  sales: AnalyticsSale[];
  adjustments: SaleAdjustment[];
  counts: DailyCount[];
  publications: AnalyticsPublication[];
}

const DAY_MS = 86_400_000;

/** Whole days from `since` to `at` (never below 0). */
export function wholeDaysBetween(since: string, at: string): number {
  return Math.max(0, Math.floor((Date.parse(at) - Date.parse(since)) / DAY_MS));
}

/**
 * Whether a listing is live (shown on its marketplace) after the event, given whether it was:
 * published makes it live, the update steps keep it as it was, everything else ends or
 * restarts it. The listing decider's statuses `active` and `updating` are the live ones.
 */
function liveAfter(type: ListingEvent['type'], wasLive: boolean): boolean {
  switch (type) {
    case 'ListingPublished':
      return true;
    case 'ListingPublishStarted':
    case 'ListingPublishProgressed':
    case 'ListingUpdateStarted':
    case 'ListingUpdated':
    case 'ListingUpdateFailed':
    case 'ListingDelistFailed':
      return wasLive;
    case 'ListingQueued':
    case 'ListingPublishFailed':
    case 'ListingRetryRequested':
    case 'ListingDelistRequested':
    case 'ListingDelisted':
    case 'ListingSoldHere':
    case 'ListingClosedAfterSale':
    case 'ListingEndedExternally':
    case 'ListingDisconnected':
      return false;
    default: {
      const never: never = type;
      return never;
    }
  }
}

export const listingIdOfStream = (stream: string): string | null => (stream.startsWith(LISTING_STREAM_PREFIX) ? stream.slice(LISTING_STREAM_PREFIX.length) : null);

/** The listings in a batch, and the products their creations name. */
export function batchKeys(events: readonly RecordedEvent[]): { productIds: Set<string>; listingIds: Set<string> } {
  const productIds = new Set<string>();
  const listingIds = new Set<string>();
  for (const e of events) {
    const product = productIdOfStream(e.streamId);
    if (product !== null) productIds.add(product);
    const listing = listingIdOfStream(e.streamId);
    if (listing !== null) {
      listingIds.add(listing);
      if (e.type === 'ListingQueued') productIds.add((e.data as { product_id: string }).product_id);
    }
  }
  return { productIds, listingIds };
}

/** gross + shipping charged − shipping paid − fees − cost of goods − refund. */
export function netProfit(gross: number, cost: number, m: SaleMoneyCents, refund = 0): number {
  return gross + m.shipping_charged_cents - m.shipping_paid_cents - m.fees_cents - cost - refund;
}

/** A sale of the product as it stands at the moment of the sale. */
function saleOf(productId: string, row: AnalyticsProduct, sale: PendingOversell): AnalyticsSale {
  const gross = sale.quantity * sale.unit_price_cents;
  const cost = (row.cost_price_cents ?? 0) * sale.quantity;
  const money = saleMoneyOf(sale);
  const listedAt = row.first_listed_at !== null && row.first_listed_at <= sale.sold_at ? row.first_listed_at : null;
  return {
    product_id: productId,
    sale_id: sale.sale_id,
    sku: row.sku,
    title: row.title,
    category: row.category,
    brand: row.brand,
    marketplace: sale.marketplace,
    quantity: sale.quantity,
    unit_price_cents: sale.unit_price_cents,
    gross_cents: gross,
    ...money,
    cost_cents: cost,
    cost_known: row.cost_price_cents !== null,
    refund_cents: 0,
    restocked: false,
    returned_at: null,
    profit_cents: netProfit(gross, cost, money),
    sold_at: sale.sold_at,
    created_at: row.created_at,
    listed_at: listedAt,
    days_to_sell: wholeDaysBetween(listedAt ?? row.created_at, sale.sold_at),
  };
}

/**
 * Folds the batch over the stored rows (`products`: every product the batch touches, with all
 * its listings in `listings`). Returns the rows that changed and what to add.
 */
export function foldAnalytics(events: readonly RecordedEvent[], products: Map<string, AnalyticsProduct>, listings: Map<string, AnalyticsListing>): FoldResult {
  const changedProducts = new Set<string>();
  const changedListings = new Set<string>();
  const sales: AnalyticsSale[] = [];
  const adjustments = new Map<string, SaleAdjustment>();
  const adjust = (productId: string, saleId: string, change: Partial<SaleMoneyCents & SaleReturn>) => {
    const key = `${productId}/${saleId}`;
    const none = { fees_cents: null, shipping_charged_cents: null, shipping_paid_cents: null, refund_cents: null, restocked: null, returned_at: null };
    adjustments.set(key, { ...none, ...adjustments.get(key), ...change, product_id: productId, sale_id: saleId });
  };
  const counts: DailyCount[] = [];
  const publications: AnalyticsPublication[] = [];

  const relist = (productId: string) => {
    const product = products.get(productId);
    if (!product) return;
    const live = [...listings.values()].filter((l) => l.product_id === productId && l.live);
    product.live_marketplaces = [...new Set(live.map((l) => l.marketplace))].sort();
    product.listed_since = live.reduce<string | null>((min, l) => (min === null || (l.live_since !== null && l.live_since < min) ? l.live_since : min), null);
    changedProducts.add(productId);
  };

  for (const e of events) {
    const productId = productIdOfStream(e.streamId);
    if (productId !== null) {
      const event = { type: e.type, data: e.data } as ProductEvent;
      const row = products.get(productId);
      if (event.type === 'ProductCreated') {
        if (row) continue; // applied already
        const d = event.data;
        products.set(productId, {
          product_id: productId,
          sku: d.sku,
          title: d.title,
          category: d.category,
          brand: d.brand ?? null,
          status: 'draft',
          price_cents: d.price_cents,
          cost_price_cents: d.cost_price_cents ?? null,
          stock_quantity: d.stock_quantity,
          created_at: new Date(d.created_at).toISOString(),
          first_listed_at: null,
          listed_since: null,
          live_marketplaces: [],
          pending_oversells: [],
          version: e.streamVersion,
        });
        changedProducts.add(productId);
        counts.push({ at: d.created_at, marketplace: '', listed: 0, new_products: 1 });
        // Listings queued before this batch saw the product are followed from here on.
        relist(productId);
        continue;
      }
      if (!row || e.streamVersion <= row.version) continue;
      row.version = e.streamVersion;
      changedProducts.add(productId);
      switch (event.type) {
        case 'ProductDetailsUpdated': {
          const c = event.data.changes;
          if (c.title !== undefined) row.title = c.title;
          if (c.category !== undefined) row.category = c.category;
          if (c.brand !== undefined) row.brand = c.brand;
          if (c.cost_price_cents !== undefined) row.cost_price_cents = c.cost_price_cents;
          break;
        }
        case 'ProductPriceChanged':
          row.price_cents = event.data.price_cents;
          break;
        case 'ProductStockAdjusted':
          row.stock_quantity = event.data.stock_quantity;
          break;
        case 'ProductSold': {
          const d = event.data;
          sales.push(saleOf(productId, row, { sale_id: d.sale_id, marketplace: d.channel, quantity: d.quantity, unit_price_cents: d.unit_price_cents, sold_at: new Date(d.sold_at).toISOString(), ...saleMoneyOf(d) }));
          row.stock_quantity = d.remaining_stock;
          if (d.remaining_stock === 0) row.status = 'sold';
          break;
        }
        case 'OversoldDetected': {
          const d = event.data;
          row.pending_oversells = [
            ...row.pending_oversells,
            { sale_id: d.sale_id, marketplace: d.marketplace, quantity: d.quantity, unit_price_cents: d.unit_price_cents, sold_at: new Date(d.detected_at).toISOString(), ...saleMoneyOf(d) },
          ];
          break;
        }
        case 'SaleCostsRecorded': {
          const money = saleMoneyOf(event.data);
          const saleId = event.data.sale_id;
          const inBatch = sales.find((s) => s.product_id === productId && s.sale_id === saleId);
          if (inBatch) Object.assign(inBatch, money, { profit_cents: netProfit(inBatch.gross_cents, inBatch.cost_cents, money, inBatch.refund_cents) });
          else if (row.pending_oversells.some((o) => o.sale_id === saleId)) row.pending_oversells = row.pending_oversells.map((o) => (o.sale_id === saleId ? { ...o, ...money } : o));
          else adjust(productId, saleId, money);
          break;
        }
        case 'SaleReturned': {
          const d = event.data;
          row.stock_quantity = d.stock_quantity;
          if (d.restocked && row.status === 'sold') row.status = 'draft';
          const back: SaleReturn = { refund_cents: d.refund_cents, restocked: d.restocked, returned_at: new Date(d.returned_at).toISOString() };
          const inBatch = sales.find((s) => s.product_id === productId && s.sale_id === d.sale_id);
          if (inBatch) {
            // Units back in stock are stock again: their cost is no cost of this sale.
            if (d.restocked) inBatch.cost_cents = 0;
            Object.assign(inBatch, back, { profit_cents: netProfit(inBatch.gross_cents, inBatch.cost_cents, inBatch, d.refund_cents) });
          } else adjust(productId, d.sale_id, back);
          break;
        }
        case 'OversellResolved': {
          const pending = row.pending_oversells.find((o) => o.sale_id === event.data.sale_id);
          row.pending_oversells = row.pending_oversells.filter((o) => o.sale_id !== event.data.sale_id);
          if (pending && event.data.resolution === 'item_found') sales.push(saleOf(productId, row, pending));
          break;
        }
        case 'ProductArchived':
          row.status = 'archived';
          break;
        default:
          break; // images change no figure
      }
      continue;
    }

    const listingId = listingIdOfStream(e.streamId);
    if (listingId === null) continue;
    const event = { type: e.type, data: e.data } as ListingEvent;
    let listing = listings.get(listingId);
    if (listing && e.streamVersion <= listing.version) continue;
    if (event.type === 'ListingQueued') {
      listing = { listing_id: listingId, product_id: event.data.product_id, marketplace: event.data.marketplace, live: false, live_since: null, version: e.streamVersion };
      listings.set(listingId, listing);
    }
    if (!listing) continue; // a listing's story starts with its queuing
    const wasLive = listing.live;
    listing.live = liveAfter(event.type, wasLive);
    listing.version = e.streamVersion;
    changedListings.add(listingId);
    if (event.type === 'ListingPublished') {
      const at = new Date(event.data.published_at).toISOString();
      listing.live_since = at;
      counts.push({ at, marketplace: listing.marketplace, listed: 1, new_products: 0 });
      publications.push({ listing_id: listingId, version: e.streamVersion, marketplace: listing.marketplace, published_at: at });
      const product = products.get(listing.product_id);
      if (product && product.first_listed_at === null) product.first_listed_at = at;
    } else if (!listing.live) {
      listing.live_since = null;
    }
    if (listing.live !== wasLive || event.type === 'ListingPublished' || event.type === 'ListingQueued') relist(listing.product_id);
  }

  return {
    products: [...changedProducts].flatMap((id) => products.get(id) ?? []),
    listings: [...changedListings].map((id) => listings.get(id)!),
    sales,
    adjustments: [...adjustments.values()],
    counts,
    publications,
  };
}
