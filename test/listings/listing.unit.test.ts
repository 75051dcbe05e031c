import { initialConnection, type ConnectionState } from '../../src/domain/connection/connection';
import { LISTING_STATUSES, listingDecider, type ListingCommand, type ListingEvent, type ListingStatus } from '../../src/domain/listing/listing';
import { publicationProblems, type PublicationCandidate } from '../../src/domain/listing/rules';
import { fold } from '../../src/domain/shared/decider';
import { listingSchema } from '../../src/queries/listings/list-listings';
import { ConflictError, DomainRuleError, NotFoundError } from '../../src/shared/errors';

const now = new Date('2026-12-02T10:00:00.000Z');
const at = now.toISOString();
const queued: ListingEvent = { type: 'ListingQueued', data: { listing_id: 'l-1', product_id: 'p-1', marketplace: 'ebay', overrides: {}, queued_at: at } };
const started: ListingEvent = { type: 'ListingPublishStarted', data: { attempt: 1, started_at: at } };
const published: ListingEvent = { type: 'ListingPublished', data: { external: { offer_id: 'o-1', listing_id: '110' }, url: 'https://www.ebay.fr/itm/110', published_at: at } };
const failure = (retryable: boolean): ListingEvent => ({ type: 'ListingPublishFailed', data: { reason: 'eBay answered 500', errors: [], retryable, next_retry_at: retryable ? at : null, attempt: 1, failed_at: at } });

function given(...events: ListingEvent[]) {
  const state = fold(listingDecider, events);
  return { state, when: (command: ListingCommand) => listingDecider.decide(command, state) };
}
const queue: ListingCommand = { type: 'QueueListing', listingId: 'l-1', productId: 'p-1', marketplace: 'ebay', overrides: { title: 'Short' }, now };

describe('Listing decider', () => {
  it('When a product is queued on a marketplace it has no listing on, then ListingQueued; when it is already queued or active, then 409', () => {
    expect(given().when(queue)).toEqual([{ type: 'ListingQueued', data: { listing_id: 'l-1', product_id: 'p-1', marketplace: 'ebay', overrides: { title: 'Short' }, queued_at: at } }]);
    expect(() => given(queued).when(queue)).toThrow(ConflictError);
    expect(() => given(queued, started, published).when(queue)).toThrow(ConflictError);
  });

  it('When a publication still handed over is withdrawn, then it ends delisted with the reason; a live or ended listing is not withdrawn this way', () => {
    const withdraw: ListingCommand = { type: 'WithdrawPublication', reason: 'the product sold out', now };
    expect(given(queued, started).when(withdraw)).toEqual([{ type: 'ListingDelisted', data: { delisted_at: at, reason: 'the product sold out' } }]);
    expect(given(queued).when(withdraw)).toHaveLength(1);
    expect(given(queued, started, published).when(withdraw)).toEqual([]);
    const ended = given(queued, started, ...given(queued, started).when(withdraw));
    expect(ended.state?.status).toBe('delisted');
    expect(ended.when(withdraw)).toEqual([]);
  });

  it('When a delisted listing is found still live there, then RedoDelist asks for the delisting again; under way it adds nothing; a listing not delisted refuses it', () => {
    const redo: ListingCommand = { type: 'RedoDelist', reason: 'still live on eBay', now };
    const asked: ListingEvent = { type: 'ListingDelistRequested', data: { reason: 'sold elsewhere', requested_at: at } };
    const delisted: ListingEvent = { type: 'ListingDelisted', data: { delisted_at: at } };
    expect(given(queued, started, published, asked, delisted).when(redo)).toEqual([{ type: 'ListingDelistRequested', data: { reason: 'still live on eBay', requested_at: at } }]);
    expect(given(queued, started, published, asked, delisted, ...given(queued, started, published, asked, delisted).when(redo)).state?.status).toBe('delisting');
    expect(given(queued, started, published, asked).when(redo)).toEqual([]);
    expect(() => given(queued, started, published).when(redo)).toThrow(DomainRuleError);
    expect(() => given().when(redo)).toThrow(NotFoundError);
  });

  it('When publishing starts twice (a redelivered trigger), then only the first starts it; progress records only new ids', () => {
    expect(given(queued).when({ type: 'StartPublishing', now })).toEqual([{ type: 'ListingPublishStarted', data: { attempt: 1, started_at: at } }]);
    expect(given(queued, started).when({ type: 'StartPublishing', now })).toEqual([]);
    const progressed = given(queued, started).when({ type: 'RecordPublishProgress', external: { offer_id: 'o-1' }, now });
    expect(progressed).toHaveLength(1);
    expect(given(queued, started, ...progressed).when({ type: 'RecordPublishProgress', external: { offer_id: 'o-1' }, now })).toEqual([]);
  });

  it('When a retryable failure is retried by the engine, then it starts again as attempt 2 and keeps the ids learnt; a permanent one waits for the seller', () => {
    const progress: ListingEvent = { type: 'ListingPublishProgressed', data: { external: { offer_id: 'o-1' }, at } };
    const retrying = given(queued, started, progress, failure(true));
    expect(retrying.when({ type: 'StartPublishing', now })).toEqual([{ type: 'ListingPublishStarted', data: { attempt: 2, started_at: at } }]);
    expect(retrying.state?.external).toEqual({ offer_id: 'o-1' });
    const stuck = given(queued, started, failure(false));
    expect(stuck.when({ type: 'StartPublishing', now })).toEqual([]);
    const retried = stuck.when({ type: 'RetryListing', now });
    expect(retried).toEqual([{ type: 'ListingRetryRequested', data: { requested_at: at } }]);
    expect(fold(listingDecider, [queued, started, failure(false), ...retried])?.status).toBe('queued');
    expect(() => given(queued, started, published).when({ type: 'RetryListing', now })).toThrow(DomainRuleError);
  });

  it('When a delisting is asked, then an active listing goes delisting, one with nothing live ends at once, and one being published is refused', () => {
    expect(given(queued, started, published).when({ type: 'RequestDelist', reason: 'sold elsewhere', now })).toEqual([{ type: 'ListingDelistRequested', data: { reason: 'sold elsewhere', requested_at: at } }]);
    expect(given(queued).when({ type: 'RequestDelist', reason: 'x', now })).toEqual([{ type: 'ListingDelisted', data: { delisted_at: at } }]);
    expect(() => given(queued, started).when({ type: 'RequestDelist', reason: 'x', now })).toThrow(ConflictError);
    expect(() => given().when({ type: 'RequestDelist', reason: 'x', now })).toThrow(NotFoundError);
    const delisting = given(queued, started, published, { type: 'ListingDelistRequested', data: { reason: 'x', requested_at: at } });
    const done = delisting.when({ type: 'RecordDelisted', now });
    expect(done).toEqual([{ type: 'ListingDelisted', data: { delisted_at: at } }]);
    const after = fold(listingDecider, [queued, started, published, { type: 'ListingDelistRequested', data: { reason: 'x', requested_at: at } }, ...done]);
    expect(after).toMatchObject({ status: 'delisted', url: null, external: { offer_id: 'o-1' } });
    // A delisted listing may be published again, on the same marketplace ids.
    expect(fold(listingDecider, [queued, started, published, { type: 'ListingDelistRequested', data: { reason: 'x', requested_at: at } }, ...done, ...given().when(queue)])?.external).toEqual({ offer_id: 'o-1', listing_id: '110' });
  });
});

// A listing in each state, from the events that lead there (version 3 of its product is live).
const publishedAt3: ListingEvent = { type: 'ListingPublished', data: { external: { offer_id: 'o-1', listing_id: '110' }, url: 'https://www.ebay.fr/itm/110', published_at: at, product_version: 3 } };
const updateStarted = (v: number): ListingEvent => ({ type: 'ListingUpdateStarted', data: { product_version: v, started_at: at } });
const delistAsked: ListingEvent = { type: 'ListingDelistRequested', data: { reason: 'x', requested_at: at } };
const inState: Record<ListingStatus, ListingEvent[]> = {
  queued: [queued],
  publishing: [queued, started],
  active: [queued, started, publishedAt3],
  updating: [queued, started, publishedAt3, updateStarted(4)],
  delisting: [queued, started, publishedAt3, delistAsked],
  delisted: [queued, started, publishedAt3, delistAsked, { type: 'ListingDelisted', data: { delisted_at: at } }],
  failed: [queued, started, failure(false)],
  sold_here: [queued, started, publishedAt3, { type: 'ListingSoldHere', data: { sale_id: 'order-9', sold_at: at } }],
  ended_externally: [queued, started, publishedAt3, { type: 'ListingEndedExternally', data: { reason: 'ended by the seller on eBay', ended_at: at } }],
  disconnected: [queued, started, publishedAt3, { type: 'ListingDisconnected', data: { disconnected_at: at } }],
};
const statusAfter = (events: ListingEvent[]) => fold(listingDecider, events)?.status;
const updateFailure: ListingCommand = { type: 'RecordUpdateFailure', reason: 'eBay refused the price', errors: [{ id: '25007', message: 'Invalid price' }], retryable: false, nextRetryAt: null, now };

describe('Listing decider: updating', () => {
  it('When an active listing starts an update to a newer product version, then ListingUpdateStarted and the listing is updating', () => {
    const events = given(...inState.active).when({ type: 'StartUpdating', productVersion: 4, now });
    expect(events).toEqual([{ type: 'ListingUpdateStarted', data: { product_version: 4, started_at: at } }]);
    expect(fold(listingDecider, [...inState.active, ...events])).toMatchObject({ status: 'updating', productVersion: 3 });
  });

  it('When the version is not newer, or the listing is already updating, or not live, then starting an update adds nothing', () => {
    expect(given(...inState.active).when({ type: 'StartUpdating', productVersion: 3, now })).toEqual([]);
    expect(given(...inState.active).when({ type: 'StartUpdating', productVersion: 2, now })).toEqual([]);
    expect(given(...inState.updating).when({ type: 'StartUpdating', productVersion: 5, now })).toEqual([]);
    for (const status of ['queued', 'publishing', 'delisting', 'delisted', 'failed', 'sold_here', 'ended_externally', 'disconnected'] as const) {
      expect(given(...inState[status]).when({ type: 'StartUpdating', productVersion: 9, now })).toEqual([]);
    }
    expect(() => given().when({ type: 'StartUpdating', productVersion: 1, now })).toThrow(NotFoundError);
  });

  it('When the update is recorded, then the updating listing is active again at the new version', () => {
    const events = given(...inState.updating).when({ type: 'RecordUpdated', productVersion: 4, now });
    expect(events).toEqual([{ type: 'ListingUpdated', data: { product_version: 4, updated_at: at } }]);
    expect(fold(listingDecider, [...inState.updating, ...events])).toMatchObject({ status: 'active', productVersion: 4, lastError: null });
    // An update resumed after a crash may send a later version than the one it started with.
    expect(given(...inState.updating).when({ type: 'RecordUpdated', productVersion: 6, now })).toEqual([{ type: 'ListingUpdated', data: { product_version: 6, updated_at: at } }]);
    expect(given(...inState.updating).when({ type: 'RecordUpdated', productVersion: 3, now })).toEqual([]);
  });

  it('When the update fails, then the listing is active again (still live) at the old version, with the error', () => {
    const events = given(...inState.updating).when(updateFailure);
    expect(events).toEqual([{ type: 'ListingUpdateFailed', data: { reason: 'eBay refused the price', errors: [{ id: '25007', message: 'Invalid price' }], retryable: false, next_retry_at: null, failed_at: at } }]);
    expect(fold(listingDecider, [...inState.updating, ...events])).toMatchObject({ status: 'active', productVersion: 3, lastError: { reason: 'eBay refused the price', retryable: false } });
  });

  it('When an update is recorded on an active listing (a log from before updating existed), then it stays active', () => {
    const updated: ListingEvent = { type: 'ListingUpdated', data: { product_version: 4, updated_at: at } };
    expect(statusAfter([...inState.active, updated])).toBe('active');
    expect(given(...inState.active).when({ type: 'RecordUpdated', productVersion: 4, now })).toHaveLength(1);
    expect(given(...inState.active).when(updateFailure)).toHaveLength(1);
  });

  it('When an update or its failure arrives for a listing that is no longer live, then nothing is recorded', () => {
    for (const status of ['queued', 'publishing', 'delisting', 'delisted', 'failed', 'sold_here', 'ended_externally', 'disconnected'] as const) {
      expect(given(...inState[status]).when({ type: 'RecordUpdated', productVersion: 9, now })).toEqual([]);
      expect(given(...inState[status]).when(updateFailure)).toEqual([]);
    }
  });

  it('When a delisting is asked while updating, then the listing goes delisting', () => {
    const events = given(...inState.updating).when({ type: 'RequestDelist', reason: 'the product has no stock left', now });
    expect(events).toEqual([{ type: 'ListingDelistRequested', data: { reason: 'the product has no stock left', requested_at: at } }]);
    expect(statusAfter([...inState.updating, ...events])).toBe('delisting');
  });
});

describe('Listing decider: sold here, ended on the marketplace', () => {
  const sold: ListingCommand = { type: 'MarkSoldHere', saleId: 'order-9', now };
  const ended: ListingCommand = { type: 'MarkEndedExternally', reason: 'ended by the seller on eBay', now };

  it('When the item sold on this marketplace, from publishing, active, updating or delisting, then ListingSoldHere and the listing is sold_here, with no url', () => {
    for (const status of ['publishing', 'active', 'updating', 'delisting'] as const) {
      const events = given(...inState[status]).when(sold);
      expect(events).toEqual([{ type: 'ListingSoldHere', data: { sale_id: 'order-9', sold_at: at } }]);
      expect(fold(listingDecider, [...inState[status], ...events])).toMatchObject({ status: 'sold_here', url: null, external: status === 'publishing' ? {} : { offer_id: 'o-1' } });
    }
    expect(given(...inState.active).when({ type: 'MarkSoldHere', now })).toEqual([{ type: 'ListingSoldHere', data: { sale_id: null, sold_at: at } }]);
  });

  it('When the same sale is seen again, then nothing is added; when nothing was live, then it is refused', () => {
    expect(given(...inState.sold_here).when(sold)).toEqual([]);
    for (const status of ['queued', 'failed', 'delisted', 'ended_externally', 'disconnected'] as const) {
      expect(() => given(...inState[status]).when(sold)).toThrow(DomainRuleError);
    }
    expect(() => given().when(sold)).toThrow(NotFoundError);
  });

  it('When a delisting under way is answered after the listing sold there, then ListingClosedAfterSale, so the sale does not end it there a second time', () => {
    const soldWhileDelisting = [...inState.delisting, { type: 'ListingSoldHere', data: { sale_id: 'etsy:1:2', sold_at: at } }] as ListingEvent[];
    const events = given(...soldWhileDelisting).when({ type: 'RecordDelisted', now });
    expect(events).toEqual([{ type: 'ListingClosedAfterSale', data: { closed_at: at } }]);
    expect(fold(listingDecider, [...soldWhileDelisting, ...events])).toMatchObject({ status: 'sold_here', closedAfterSale: true });
    expect(given(...soldWhileDelisting, ...events).when({ type: 'RecordDelisted', now })).toEqual([]);
    expect(given(...soldWhileDelisting, ...events).when({ type: 'RecordClosedAfterSale', now })).toEqual([]);
  });

  it('When what a sold listing had left there was ended, then ListingClosedAfterSale once, and only for a listing sold here', () => {
    const closed: ListingCommand = { type: 'RecordClosedAfterSale', now };
    const events = given(...inState.sold_here).when(closed);
    expect(events).toEqual([{ type: 'ListingClosedAfterSale', data: { closed_at: at } }]);
    expect(fold(listingDecider, [...inState.sold_here, ...events])).toMatchObject({ status: 'sold_here', closedAfterSale: true });
    expect(given(...inState.sold_here, ...events).when(closed)).toEqual([]);
    for (const status of ['active', 'delisting', 'delisted', 'ended_externally'] as const) expect(given(...inState[status]).when(closed)).toEqual([]);
  });

  it('When the marketplace ended it, from publishing, active, updating or delisting, then ListingEndedExternally with the reason', () => {
    for (const status of ['publishing', 'active', 'updating', 'delisting'] as const) {
      const events = given(...inState[status]).when(ended);
      expect(events).toEqual([{ type: 'ListingEndedExternally', data: { reason: 'ended by the seller on eBay', ended_at: at } }]);
      expect(fold(listingDecider, [...inState[status], ...events])).toMatchObject({ status: 'ended_externally', url: null });
    }
  });

  it('When the end is seen again, then nothing is added; when nothing was live, then it is refused', () => {
    expect(given(...inState.ended_externally).when(ended)).toEqual([]);
    for (const status of ['queued', 'failed', 'delisted', 'sold_here', 'disconnected'] as const) {
      expect(() => given(...inState[status]).when(ended)).toThrow(DomainRuleError);
    }
    expect(() => given().when(ended)).toThrow(NotFoundError);
  });
});

describe('Listing decider: disconnected', () => {
  const disconnect: ListingCommand = { type: 'MarkDisconnected', now };

  it('When the marketplace is disconnected, then every listing that has not ended becomes disconnected, keeping its ids and url', () => {
    for (const status of ['queued', 'publishing', 'active', 'updating', 'delisting', 'failed'] as const) {
      const events = given(...inState[status]).when(disconnect);
      expect(events).toEqual([{ type: 'ListingDisconnected', data: { disconnected_at: at } }]);
      expect(statusAfter([...inState[status], ...events])).toBe('disconnected');
    }
    expect(fold(listingDecider, [...inState.active, ...given(...inState.active).when(disconnect)])).toMatchObject({ url: 'https://www.ebay.fr/itm/110', external: { offer_id: 'o-1' } });
  });

  it('When a listing is disconnected again, or had ended, then nothing is added', () => {
    for (const status of ['disconnected', 'delisted', 'sold_here', 'ended_externally'] as const) expect(given(...inState[status]).when(disconnect)).toEqual([]);
    expect(() => given().when(disconnect)).toThrow(NotFoundError);
  });

  it('When a product changes after the disconnection, then the listing is not updated, and nothing is published or delisted there', () => {
    const gone = given(...inState.disconnected);
    expect(gone.when({ type: 'StartUpdating', productVersion: 9, now })).toEqual([]);
    expect(gone.when({ type: 'RecordUpdated', productVersion: 9, now })).toEqual([]);
    expect(gone.when({ type: 'StartPublishing', now })).toEqual([]);
    expect(gone.when({ type: 'RecordPublished', external: {}, url: null, productVersion: 9, now })).toEqual([]);
    expect(gone.when({ type: 'RecordDelisted', now })).toEqual([]);
    expect(() => gone.when({ type: 'RetryListing', now })).toThrow(DomainRuleError);
  });
});

describe('Listing decider: the ends', () => {
  it('When a delisting is asked of a listing sold there, ended there or disconnected, then nothing is added, as for a delisted one', () => {
    for (const status of ['delisted', 'sold_here', 'ended_externally', 'disconnected'] as const) {
      expect(given(...inState[status]).when({ type: 'RequestDelist', reason: 'asked by the seller', now })).toEqual([]);
    }
  });

  it('When the product is queued again after an end or a failure, then ListingQueued, keeping the ids the marketplace knows; while it is live or pending, then 409', () => {
    for (const status of ['delisted', 'failed', 'sold_here', 'ended_externally', 'disconnected'] as const) {
      const events = given(...inState[status]).when(queue);
      expect(events.map((e) => e.type)).toEqual(['ListingQueued']);
      expect(fold(listingDecider, [...inState[status], ...events])).toMatchObject({ status: 'queued', productVersion: 0, lastError: null });
    }
    expect(fold(listingDecider, [...inState.sold_here, ...given(...inState.sold_here).when(queue)])?.external).toEqual({ offer_id: 'o-1', listing_id: '110' });
    for (const status of ['queued', 'publishing', 'active', 'updating', 'delisting'] as const) expect(() => given(...inState[status]).when(queue)).toThrow(ConflictError);
  });

  it('When the listings API lists the states, then it lists exactly the decider’s', () => {
    expect(listingSchema.shape.status.options).toEqual([...LISTING_STATUSES]);
    for (const [status, events] of Object.entries(inState)) expect(statusAfter(events)).toBe(status);
  });
});

describe('Publication rules', () => {
  const ready: ConnectionState = {
    ...initialConnection,
    status: 'connected',
    site: 'EBAY_FR',
    settings: { fulfillment_policy_id: 'f', payment_policy_id: 'p', return_policy_id: 'r', merchant_location_key: 'l' },
  };
  const candidate = (over: Partial<PublicationCandidate> = {}): PublicationCandidate => ({
    marketplace: 'ebay',
    product: { status: 'draft', sku: 'LEVI-501', title: 'Levi’s 501', stock_quantity: 1, images: 1, condition: 'very_good', category: 'jeans', price_cents: 3990 },
    overrides: { category_id: '11483' },
    connection: ready,
    mapped: { condition: '4000', category: '11483' },
    publicBaseUrl: 'https://stoflow.example',
    year: 2026,
    ...over,
  });
  const fields = (c: PublicationCandidate) => publicationProblems(c).map((p) => p.field);

  it('When everything eBay needs is there, then there is no problem', () => {
    expect(publicationProblems(candidate())).toEqual([]);
  });

  it('When pieces are missing, then each is named: stock, photo, title length, category of the site, condition, settings, HTTPS', () => {
    expect(fields(candidate({ product: { ...candidate().product, stock_quantity: 0, images: 0, title: 'x'.repeat(81) } }))).toEqual(['stock_quantity', 'images', 'title']);
    expect(fields(candidate({ overrides: {} }))).toEqual(['overrides.ebay.category_id']);
    expect(fields(candidate({ overrides: { category_id: 'abc' } }))).toEqual(['overrides.ebay.category_id']);
    expect(fields(candidate({ mapped: { condition: null, category: null } }))).toEqual(['condition']);
    expect(fields(candidate({ connection: { ...ready, settings: {} } }))).toEqual(['settings.ebay.fulfillment_policy_id', 'settings.ebay.payment_policy_id', 'settings.ebay.return_policy_id', 'settings.ebay.merchant_location_key']);
    expect(fields(candidate({ publicBaseUrl: 'http://localhost:8000' }))).toEqual(['marketplaces.ebay']);
    expect(fields(candidate({ connection: { ...ready, site: 'EBAY_GB' } }))).toEqual(['marketplaces.ebay']);
    expect(fields(candidate({ overrides: { category_id: '1', title: 'y'.repeat(81) } }))).toEqual(['overrides.ebay.title']);
  });

  it('When the marketplace is not connected, or the product is sold, then that is said first', () => {
    expect(fields(candidate({ connection: initialConnection }))).toEqual(['marketplaces.ebay']);
    expect(publicationProblems(candidate({ connection: { ...ready, status: 'revoked' } }))[0]!.message).toMatch(/connect it again/);
    expect(fields(candidate({ product: { ...candidate().product, status: 'sold' } }))).toContain('product');
    expect(fields(candidate({ marketplace: 'vinted', connection: { ...ready, account: null } }))).toEqual(['marketplaces.vinted']);
  });
});
