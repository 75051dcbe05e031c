/*
 * The sync activity fold: given the listings' events and a sale, what each other marketplace's
 * outcome is, how later listing events settle it, and that a batch offered again or split in
 * two folds to the same rows.
 */
import { listingDecider } from '../../src/domain/listing/listing';
import type { RecordedEvent } from '../../src/eventstore/types';
import { foldActivity, type ActivityListing, type ActivityLoaded, type ActivityOutcome, type ActivitySale } from '../../src/projections/sync-activity-fold';

const PRODUCT = '00000000-0000-4000-8000-0000000000a1';
const SALE = '00000000-0000-4000-8000-00000000005a';
const LISTING = { ebay: '00000000-0000-4000-8000-0000000000e1', etsy: '00000000-0000-4000-8000-0000000000e2', vinted: '00000000-0000-4000-8000-0000000000e3' } as const;
type Marketplace = keyof typeof LISTING;

let position = 0n;
let seconds = 0;
const versions = new Map<string, number>();
function event(streamId: string, type: string, data: unknown, metadata: RecordedEvent['metadata'] = {}): RecordedEvent {
  const streamVersion = (versions.get(streamId) ?? 0) + 1;
  versions.set(streamId, streamVersion);
  return { id: `00000000-0000-4000-8000-${String(++position).padStart(12, '0')}`, type, data, schemaVersion: 1, metadata, streamId, streamVersion, position, recordedAt: new Date(Date.UTC(2026, 10, 2, 10, 0, seconds++)) };
}
const onListing = (m: Marketplace, type: string, data: Record<string, unknown> = {}) => event(`listing-${LISTING[m]}`, type, data);
const failure = { reason: 'Etsy answered 503', errors: [], retryable: true, next_retry_at: '2026-11-02T10:05:00.000Z', failed_at: '2026-11-02T10:00:30.000Z' };

/** A listing queued and published at product version `version`. */
const live = (m: Marketplace, version = 1) => [
  onListing(m, 'ListingQueued', { listing_id: LISTING[m], product_id: PRODUCT, marketplace: m, overrides: {}, queued_at: '2026-11-01T09:00:00Z' }),
  onListing(m, 'ListingPublishStarted', { attempt: 1, started_at: '2026-11-01T09:00:01Z' }),
  onListing(m, 'ListingPublished', { external: { listing_id: `x-${m}` }, url: null, published_at: '2026-11-01T09:00:02Z', product_version: version }),
];
const productVersionTo = (v: number) => versions.set(`product-${PRODUCT}`, v - 1);
const sold = (channel: string, remaining: number, saleId = SALE) =>
  event(`product-${PRODUCT}`, 'ProductSold', { sale_id: saleId, quantity: 1, unit_price_cents: 4500, channel, remaining_stock: remaining, sold_at: '2026-11-02T10:00:00.000Z', order_id: 'o-1', line_id: 'l-1' }, { correlation_id: 'corr-1' });

/** Folds batches one after another, carrying what the projection would have stored. */
function foldBatches(...batches: RecordedEvent[][]) {
  const listings = new Map<string, ActivityListing>();
  const sales = new Map<string, ActivitySale>();
  const outcomes = new Map<string, ActivityOutcome>();
  for (const batch of batches) {
    const loaded: ActivityLoaded = { listings: [...listings.values()], knownSales: new Set(sales.keys()), openOutcomes: [...outcomes.values()].filter((o) => o.outcome === 'pending' || o.outcome === 'failed') };
    const changes = foldActivity(loaded, batch);
    for (const l of changes.listings) listings.set(l.listingId, l);
    for (const s of changes.sales) if (!sales.has(s.saleId)) sales.set(s.saleId, s);
    for (const o of changes.outcomes) outcomes.set(`${o.saleId}|${o.marketplace}`, o);
  }
  const byMarketplace = (saleId = SALE) => Object.fromEntries([...outcomes.values()].filter((o) => o.saleId === saleId).map((o) => [o.marketplace, o]));
  return { listings, sales, outcomes, byMarketplace };
}

beforeEach(() => versions.clear());

describe('sync activity', () => {
  it('a sale of the last unit on eBay: Etsy and Vinted pending a delist, then delisted, failed with its next retry, delisted on the retry', () => {
    const history = [...live('ebay'), ...live('etsy'), ...live('vinted')];
    productVersionTo(2);
    const sale = sold('ebay', 0);
    const etsyDelisted = onListing('etsy', 'ListingDelisted', { delisted_at: 'x' });
    const first = foldBatches(history, [sale]);
    expect(first.byMarketplace()).toMatchObject({ etsy: { outcome: 'pending', action: 'delist', listingId: LISTING.etsy }, vinted: { outcome: 'pending', action: 'delist' } });
    expect(first.byMarketplace().ebay).toBeUndefined(); // where it sold is not an outcome
    expect([...first.sales.values()][0]).toMatchObject({ channel: 'ebay', remainingStock: 0, orderId: 'o-1', lineId: 'l-1', eventId: sale.id, correlationId: 'corr-1', productVersion: 2 });

    const vintedAsked = onListing('vinted', 'ListingDelistRequested', { reason: 'sold', requested_at: 'x' });
    const vintedFailed = onListing('vinted', 'ListingDelistFailed', failure);
    const after = foldBatches(history, [sale], [etsyDelisted, vintedAsked, vintedFailed]);
    expect(after.byMarketplace()).toMatchObject({
      etsy: { outcome: 'delisted', eventId: etsyDelisted.id, decidedAt: etsyDelisted.recordedAt.toISOString() },
      vinted: { outcome: 'failed', reason: 'Etsy answered 503', nextRetryAt: '2026-11-02T10:05:00.000Z', eventId: vintedFailed.id },
    });
    const retried = onListing('vinted', 'ListingDelisted', { delisted_at: 'x' });
    expect(foldBatches(history, [sale], [etsyDelisted, vintedAsked, vintedFailed], [retried]).byMarketplace().vinted).toMatchObject({ outcome: 'delisted', reason: null, nextRetryAt: null, eventId: retried.id });
  });

  it('no listing on Vinted is not_listed, a failed publication too, an ended one is already_delisted with how it ended', () => {
    const etsy = [...live('etsy'), onListing('etsy', 'ListingDelistRequested', { reason: 'seller', requested_at: 'x' }), onListing('etsy', 'ListingDelisted', { delisted_at: 'x' })];
    const ebay = [
      onListing('ebay', 'ListingQueued', { listing_id: LISTING.ebay, product_id: PRODUCT, marketplace: 'ebay', overrides: {}, queued_at: 'x' }),
      onListing('ebay', 'ListingPublishStarted', { attempt: 1, started_at: 'x' }),
      onListing('ebay', 'ListingPublishFailed', { ...failure, retryable: false }),
    ];
    productVersionTo(2);
    const { byMarketplace } = foldBatches([...etsy, ...ebay, sold('vinted', 0)]);
    expect(byMarketplace()).toMatchObject({
      etsy: { outcome: 'already_delisted', reason: 'delisted', action: null },
      ebay: { outcome: 'not_listed', reason: 'publication_failed' },
    });
    // Vinted sold it: nothing else was listed, so there is no Vinted outcome and nothing pending.
    expect(Object.keys(byMarketplace()).sort()).toEqual(['ebay', 'etsy']);
    expect(foldBatches([sold('offline', 0)]).byMarketplace()).toMatchObject({ ebay: { outcome: 'not_listed', reason: null }, etsy: { outcome: 'not_listed' }, vinted: { outcome: 'not_listed' } });
  });

  it('with stock left, the other listings are pending an update until one shows the product at or after the sale', () => {
    const history = [...live('etsy', 1)];
    productVersionTo(3);
    const sale = sold('ebay', 2);
    const older = onListing('etsy', 'ListingUpdated', { product_version: 2, updated_at: 'x' });
    const current = onListing('etsy', 'ListingUpdated', { product_version: 3, updated_at: 'x' });
    expect(foldBatches(history, [sale, older]).byMarketplace().etsy).toMatchObject({ outcome: 'pending', action: 'update', productVersion: 3 });
    expect(foldBatches(history, [sale, older], [current]).byMarketplace().etsy).toMatchObject({ outcome: 'quantity_updated', eventId: current.id });
  });

  it('an update failure fails only an update, a delist failure only a delist; an ending settles either', () => {
    const history = [...live('etsy', 1)];
    productVersionTo(2);
    const sale = sold('ebay', 1);
    const updateFailed = [onListing('etsy', 'ListingUpdateStarted', { product_version: 2, started_at: 'x' }), onListing('etsy', 'ListingUpdateFailed', failure)];
    expect(foldBatches(history, [sale, ...updateFailed]).byMarketplace().etsy).toMatchObject({ outcome: 'failed', action: 'update' });
    const soldThere = onListing('etsy', 'ListingSoldHere', { sale_id: null, sold_at: 'x' });
    expect(foldBatches(history, [sale, ...updateFailed], [soldThere]).byMarketplace().etsy).toMatchObject({ outcome: 'sold_there_too', eventId: soldThere.id });
  });

  it('an oversell is recorded as a sale with nothing left to bring in line', () => {
    const history = [...live('etsy')];
    productVersionTo(3);
    const oversold = event(`product-${PRODUCT}`, 'OversoldDetected', { sale_id: SALE, marketplace: 'vinted', quantity: 1, unit_price_cents: 4000, stock_before: 0, competing_sales: [], detected_at: '2026-11-02T11:00:00.000Z' });
    const { sales, outcomes } = foldBatches(history, [oversold]);
    expect([...sales.values()]).toMatchObject([{ channel: 'vinted', oversold: true, remainingStock: 0, soldAt: '2026-11-02T11:00:00.000Z' }]);
    expect(outcomes.size).toBe(0);
  });

  it('a batch offered again changes nothing, an event it does not know is passed over, and one batch folds like the same events in two', () => {
    const events = [...live('ebay'), ...live('etsy'), ...live('vinted')];
    productVersionTo(2);
    events.push(sold('etsy', 0), onListing('ebay', 'ListingWithdrawIgnored' as never), onListing('ebay', 'ListingDelistRequested', { reason: 'sold', requested_at: 'x' }), onListing('ebay', 'ListingDelisted', { delisted_at: 'x' }));
    const whole = foldBatches(events);
    const split = foldBatches(events.slice(0, 7), events.slice(7));
    const again = foldBatches(events, events);
    const rows = (r: ReturnType<typeof foldBatches>) => ({ listings: [...r.listings.values()], sales: [...r.sales.values()], outcomes: [...r.outcomes.values()] });
    expect(rows(split)).toEqual(rows(whole));
    expect(rows(again)).toEqual(rows(whole));
    expect(whole.byMarketplace()).toMatchObject({ ebay: { outcome: 'delisted' }, vinted: { outcome: 'pending' } });
    // Its own view of each listing is the listing decider's.
    const ebayState = [...events.filter((e) => e.streamId === `listing-${LISTING.ebay}`)].reduce((s, e) => (e.type === 'ListingWithdrawIgnored' ? s : listingDecider.evolve(s, e as never)), listingDecider.initialState);
    expect(whole.listings.get(LISTING.ebay)!.status).toBe(ebayState!.status);
  });
});
