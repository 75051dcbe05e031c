import { initialConnection, type ConnectionState } from '../../src/domain/connection/connection';
import { listingDecider, type ListingCommand, type ListingEvent } from '../../src/domain/listing/listing';
import { publicationProblems, type PublicationCandidate } from '../../src/domain/listing/rules';
import { fold } from '../../src/domain/shared/decider';
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
