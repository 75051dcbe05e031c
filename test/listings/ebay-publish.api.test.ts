import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startEbayDouble, type EbayDouble } from '../doubles/ebay';
import { createProduct, registerSeller, type Seller } from '../products/support';
import { JPEG } from '../products/images';
import { startTestApp, type TestApp } from '../support/app';

const CALLBACK = 'https://stoflow.test/api/integrations/ebay/callback';

interface Listing {
  id: string;
  marketplace: string;
  status: string;
  attempts: number;
  url: string | null;
  external: Record<string, string>;
  last_error: { reason: string; errors: { id: string; message: string }[]; retryable: boolean; next_retry_at: string | null } | null;
}

describe('Publishing to eBay (against the eBay double)', () => {
  let ebay: EbayDouble;
  let t: TestApp;

  beforeAll(async () => {
    ebay = await startEbayDouble({
      users: [
        {
          username: 'paris_vintage',
          fulfillmentPolicies: [{ name: 'Colissimo', marketplaceId: 'EBAY_FR' }],
          paymentPolicies: [{ name: 'Paiement géré', marketplaceId: 'EBAY_FR' }],
          returnPolicies: [{ name: '30 jours', marketplaceId: 'EBAY_FR' }],
          locations: [{ merchantLocationKey: 'atelier-paris', location: { address: { city: 'Paris', postalCode: '75011', country: 'FR' } }, merchantLocationStatus: 'ENABLED', name: 'Atelier' }],
        },
      ],
    });
    ebay.setAcceptUrl(ebay.app.ruName, CALLBACK, CALLBACK);
    t = await startTestApp({
      EBAY_CLIENT_ID: ebay.app.clientId,
      EBAY_CLIENT_SECRET: ebay.app.clientSecret,
      EBAY_RU_NAME: ebay.app.ruName,
      EBAY_API_BASE_URL: ebay.baseUrl,
      EBAY_AUTH_BASE_URL: ebay.authBaseUrl,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: 'https://stoflow.test',
    });
    await t.services.startProcessing();
  });
  afterAll(async () => {
    await t.close();
    await ebay.close();
  });

  async function connectedSeller(): Promise<Seller> {
    const seller = await registerSeller(t.app);
    const start = await request(t.app).get('/api/integrations/ebay/connect').set(seller.auth);
    const consent = await fetch(start.body.authorization_url, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const callback = await request(t.app).get(`${back.pathname}${back.search}`);
    expect(callback.status).toBe(200);
    // Each setting had one option: all four were chosen at connection.
    expect(Object.keys(callback.body.settings).sort()).toEqual(['fulfillment_policy_id', 'merchant_location_key', 'payment_policy_id', 'return_policy_id']);
    return seller;
  }

  async function photographedProduct(seller: Seller, overrides: Record<string, unknown> = {}) {
    const product = await createProduct(t.app, seller, overrides);
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    return product;
  }

  async function listingOf(seller: Seller, productId: string, until: (l: Listing) => boolean): Promise<Listing> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
      expect(res.status).toBe(200);
      const listing = (res.body.items as Listing[]).find((l) => l.marketplace === 'ebay');
      if (listing && until(listing)) return listing;
      if (Date.now() > deadline) throw new Error(`listing never got there: ${JSON.stringify(listing)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('When a connected seller publishes a photographed product, then it is queued (202) and becomes active on eBay with a valid inventory item and offer', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller, { condition: 'very_good', brand: 'Nike', size: 'm' });
    const res = await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } });
    expect(res.status).toBe(202);
    expect(res.body.listings).toEqual([{ id: expect.any(String), marketplace: 'ebay', status: 'queued' }]);

    const active = await listingOf(seller, product.id, (l) => l.status === 'active');
    expect(active.url).toBe(`https://www.ebay.fr/itm/${active.external.listing_id}`);
    const put = ebay.requests.find((r) => r.method === 'PUT' && r.path === `/sell/inventory/v1/inventory_item/${product.sku}`)!;
    expect(put.headers['content-language']).toBe('fr-FR');
    expect(put.body).toMatchObject({
      condition: 'USED_VERY_GOOD',
      availability: { shipToLocationAvailability: { quantity: 1 } },
      product: { title: product.title, aspects: { Brand: ['Nike'], Size: ['M'] }, imageUrls: [expect.stringMatching(/^https:\/\/stoflow\.test\/media\/l\/[\w-]{80,}\.jpg$/)] },
    });
    // eBay is given a short-lived link that serves the photo and does not reveal its permanent name.
    const link = new URL((put.body as { product: { imageUrls: string[] } }).product.imageUrls[0]!);
    const photo = await request(t.app).get(link.pathname);
    expect(photo.status).toBe(200);
    expect(Buffer.compare(photo.body as Buffer, JPEG)).toBe(0);
    const permanent = (await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body.images[0].url as string;
    expect(link.pathname).not.toContain(permanent.replace('/media/', '').split('.')[0]);
    const offer = [...ebay.state.offers.values()].find((o) => o.sku === product.sku)!;
    expect(offer).toMatchObject({ status: 'PUBLISHED', marketplaceId: 'EBAY_FR', format: 'FIXED_PRICE', offerId: active.external.offer_id });
    expect(offer.details).toMatchObject({ categoryId: '11450', merchantLocationKey: 'atelier-paris', pricingSummary: { price: { value: '39.90', currency: 'EUR' } }, listingDuration: 'GTC' });

    const log = await t.services.eventStore.readStream(seller.tenantId, `listing-${active.id}`);
    expect(log.map((e) => e.type)).toEqual(['ListingQueued', 'ListingPublishStarted', 'ListingPublishProgressed', 'ListingPublished']);
    expect(log[1]!.metadata.actor).toBe('reactor:listing_publisher');
  });

  it('When something is missing, then nothing is queued and the 422 names every missing piece per marketplace', async () => {
    const seller = await registerSeller(t.app);
    const product = await createProduct(t.app, seller, { stock_quantity: 0, title: 'x'.repeat(90) });
    const res = await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay', 'etsy'] });
    expect(res.status).toBe(422);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['stock_quantity', 'images', 'marketplaces.ebay', 'marketplaces.etsy']));
    const listings = await request(t.app).get(`/api/products/${product.id}/listings`).set(seller.auth);
    expect(listings.body.items).toEqual([]);

    const connected = await connectedSeller();
    const long = await photographedProduct(connected, { title: 'y'.repeat(90) });
    const again = await request(t.app).post(`/api/products/${long.id}/publish`).set(connected.auth).send({ marketplaces: ['ebay'] });
    expect(again.status).toBe(422);
    expect((again.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['overrides.ebay.category_id', 'title']);
    const bad = await request(t.app).post(`/api/products/${long.id}/publish`).set(connected.auth).send({ marketplaces: ['amazon'] });
    expect(bad.status).toBe(400);
  });

  it('When eBay answers 500 once, then the listing is retried with backoff and ends active; when eBay refuses for good, it fails with eBay’s own error and the seller can retry', async () => {
    const seller = await connectedSeller();
    const flaky = await photographedProduct(seller);
    ebay.faults.next({ method: 'POST', path: '/sell/inventory/v1/offer', kind: 'status', status: 500, times: 1 });
    await request(t.app).post(`/api/products/${flaky.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }).expect(202);
    const failedOnce = await listingOf(seller, flaky.id, (l) => l.status === 'failed' || l.status === 'active');
    if (failedOnce.status === 'failed') {
      expect(failedOnce.last_error).toMatchObject({ retryable: true, next_retry_at: expect.any(String) });
    }
    const recovered = await listingOf(seller, flaky.id, (l) => l.status === 'active');
    expect(recovered.attempts).toBe(2);
    // One offer, however many attempts.
    expect([...ebay.state.offers.values()].filter((o) => o.sku === flaky.sku)).toHaveLength(1);

    const refused = await photographedProduct(seller);
    ebay.faults.next({ method: 'POST', path: /\/publish\/?$/, kind: 'status', status: 400, times: 1, body: { errors: [{ errorId: 25005, domain: 'API_INVENTORY', category: 'REQUEST', message: 'The category is not valid.' }] } });
    await request(t.app).post(`/api/products/${refused.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }).expect(202);
    const failed = await listingOf(seller, refused.id, (l) => l.status === 'failed');
    expect(failed.last_error).toMatchObject({ retryable: false, next_retry_at: null, errors: [{ id: '25005', message: 'The category is not valid.' }] });

    const retry = await request(t.app).post(`/api/listings/${failed.id}/retry`).set(seller.auth);
    expect(retry.status).toBe(202);
    const active = await listingOf(seller, refused.id, (l) => l.status === 'active');
    expect(active.external.offer_id).toBe(failed.external.offer_id);
    expect((await request(t.app).post(`/api/listings/${failed.id}/retry`).set(seller.auth)).status).toBe(422);
  });

  it('When the seller delists, then the offer is withdrawn on eBay and the listing is delisted; it can be published again on the same offer', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }).expect(202);
    const active = await listingOf(seller, product.id, (l) => l.status === 'active');
    expect((await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } })).status).toBe(422);

    const del = await request(t.app).delete(`/api/products/${product.id}/listings/ebay`).set(seller.auth);
    expect(del.status).toBe(202);
    await listingOf(seller, product.id, (l) => l.status === 'delisted');
    expect(ebay.state.offers.get(active.external.offer_id!)?.status).toBe('UNPUBLISHED');

    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }).expect(202);
    const again = await listingOf(seller, product.id, (l) => l.status === 'active');
    expect(again.external.offer_id).toBe(active.external.offer_id);
    const all = await request(t.app).get('/api/listings?marketplace=ebay&status=active').set(seller.auth);
    expect(all.body.items.map((l: Listing) => l.id)).toEqual([again.id]);
  });

  it('When the price and title change, then eBay gets them; when the last unit sells offline, then the eBay listing is withdrawn', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }).expect(202);
    const active = await listingOf(seller, product.id, (l) => l.status === 'active');
    const current = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    const edit = await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', String(current.headers.etag)).send({ price: 45, title: 'Levi’s 501 W32 L34 selvedge' });
    expect(edit.status).toBe(200);
    const deadline = Date.now() + 20_000;
    const offer = () => ebay.state.offers.get(active.external.offer_id!)!;
    while ((offer().details as { pricingSummary: { price: { value: string } } }).pricingSummary.price.value !== '45.00' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(offer()).toMatchObject({ status: 'PUBLISHED', details: { pricingSummary: { price: { value: '45.00', currency: 'EUR' } } } });
    const item = ebay.requests.filter((r) => r.method === 'PUT' && r.path === `/sell/inventory/v1/inventory_item/${product.sku}`).at(-1)!;
    expect(item.body).toMatchObject({ product: { title: 'Levi’s 501 W32 L34 selvedge' } });

    await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 45 }).expect(201);
    const delisted = await listingOf(seller, product.id, (l) => l.status === 'delisted');
    expect(delisted.url).toBeNull();
    expect(offer().status).toBe('UNPUBLISHED');
    const log = await t.services.eventStore.readStream(seller.tenantId, `listing-${active.id}`);
    expect(log.map((e) => e.type)).toEqual(expect.arrayContaining(['ListingUpdated', 'ListingDelistRequested', 'ListingDelisted']));
    expect(log.find((e) => e.type === 'ListingDelistRequested')!.data).toMatchObject({ reason: 'the product has no stock left' });
  });

  /** Changes the product as the seller's app does, with the ETag it just read. */
  async function edit(seller: Seller, productId: string, changes: Record<string, unknown>): Promise<void> {
    const current = await request(t.app).get(`/api/products/${productId}`).set(seller.auth);
    await request(t.app).patch(`/api/products/${productId}`).set(seller.auth).set('If-Match', String(current.headers.etag)).send(changes).expect(200);
  }

  async function eventually(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: never`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const listingLog = (seller: Seller, listingId: string) => t.services.eventStore.readStream(seller.tenantId, `listing-${listingId}`);

  /** What the double received for this SKU and offer since `from`: bulk price-and-quantity calls and full replaces. */
  function callsSince(from: number, sku: string, offerId: string) {
    const since = ebay.requests.slice(from);
    return {
      bulk: since.filter((r) => r.method === 'POST' && r.path === '/sell/inventory/v1/bulk_update_price_quantity'),
      putItem: since.filter((r) => r.method === 'PUT' && r.path === `/sell/inventory/v1/inventory_item/${sku}`),
      putOffer: since.filter((r) => r.method === 'PUT' && r.path === `/sell/inventory/v1/offer/${offerId}`),
    };
  }

  it('When only the price changes, then eBay gets one bulkUpdatePriceQuantity call and no replace; a title change replaces the item and the offer; a stock change is one bulk call again', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller, { stock_quantity: 3 });
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }).expect(202);
    const active = await listingOf(seller, product.id, (l) => l.status === 'active');
    expect(active.external.content_digest).toMatch(/^[0-9a-f]{32}$/);
    const offerId = active.external.offer_id!;
    const offer = () => ebay.state.offers.get(offerId)!;
    const updates = async () => (await listingLog(seller, active.id)).filter((e) => e.type === 'ListingUpdated').length;

    let from = ebay.requests.length;
    await edit(seller, product.id, { price: 45 });
    await eventually('the price update recorded', async () => (await updates()) === 1);
    let calls = callsSince(from, product.sku, offerId);
    expect([calls.bulk.length, calls.putItem.length, calls.putOffer.length]).toEqual([1, 0, 0]);
    expect(calls.bulk[0]!.status).toBe(200);
    expect(calls.bulk[0]!.body).toEqual({ requests: [{ sku: product.sku, shipToLocationAvailability: { quantity: 3 }, offers: [{ offerId, availableQuantity: 3, price: { value: '45.00', currency: 'EUR' } }] }] });
    expect(offer()).toMatchObject({ status: 'PUBLISHED', details: { availableQuantity: 3, pricingSummary: { price: { value: '45.00', currency: 'EUR' } } } });

    from = ebay.requests.length;
    await edit(seller, product.id, { title: 'Levi’s 501 W32 L34 selvedge' });
    await eventually('the title update recorded', async () => (await updates()) === 2);
    calls = callsSince(from, product.sku, offerId);
    expect([calls.bulk.length, calls.putItem.length, calls.putOffer.length]).toEqual([0, 1, 1]);
    expect(calls.putItem[0]!.body).toMatchObject({ product: { title: 'Levi’s 501 W32 L34 selvedge' }, availability: { shipToLocationAvailability: { quantity: 3 } } });
    expect(calls.putItem[0]!.headers['content-language']).toBe('fr-FR');
    expect(calls.putOffer[0]!.body).toMatchObject({ pricingSummary: { price: { value: '45.00', currency: 'EUR' } } });
    const retitled = await listingOf(seller, product.id, (l) => l.status === 'active');
    expect(retitled.external.content_digest).toMatch(/^[0-9a-f]{32}$/);
    expect(retitled.external.content_digest).not.toBe(active.external.content_digest);

    from = ebay.requests.length;
    await edit(seller, product.id, { stock_quantity: 2 });
    await eventually('the stock update recorded', async () => (await updates()) === 3);
    calls = callsSince(from, product.sku, offerId);
    expect([calls.bulk.length, calls.putItem.length, calls.putOffer.length]).toEqual([1, 0, 0]);
    expect(offer().details).toMatchObject({ availableQuantity: 2, pricingSummary: { price: { value: '45.00' } } });
    const user = [...ebay.state.users.values()].find((u) => u.inventory.has(product.sku))!;
    expect(user.inventory.get(product.sku)).toMatchObject({ availability: { shipToLocationAvailability: { quantity: 2 } }, product: { title: 'Levi’s 501 W32 L34 selvedge' } });
  });

  /** A product of two units live on eBay. */
  async function liveWithTwoUnits() {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller, { stock_quantity: 2 });
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }).expect(202);
    const active = await listingOf(seller, product.id, (l) => l.status === 'active');
    return { seller, product, active, offerId: active.external.offer_id! };
  }

  it('When one of two units sells and then comes back restocked, then eBay shows one, then two again', async () => {
    const { seller, product, offerId } = await liveWithTwoUnits();
    const quantity = () => (ebay.state.offers.get(offerId)!.details as { availableQuantity: number }).availableQuantity;
    const sold = await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).send({ unit_price: 39.9 }).expect(201);
    await eventually('eBay at one unit', () => quantity() === 1);
    await request(t.app).post(`/api/products/${product.id}/sales/${sold.body.sale.id}/return`).set(seller.auth).send({}).expect(201);
    await eventually('eBay at two units again', () => quantity() === 2);
  });

  /** eBay's next bulkUpdatePriceQuantity answers 200 with these entries. */
  const bulkAnswers = (responses: unknown[]) => ebay.faults.next({ method: 'POST', path: '/sell/inventory/v1/bulk_update_price_quantity', kind: 'status', status: 200, body: { responses } });

  it('When eBay answers the bulk update 200 with an error for the offer, then the update is recorded as failed with eBay’s error id, not as done', async () => {
    const { seller, product, active, offerId } = await liveWithTwoUnits();
    bulkAnswers([
      { sku: product.sku, statusCode: 200 },
      { offerId, sku: product.sku, statusCode: 400, errors: [{ errorId: 25003, domain: 'API_INVENTORY', category: 'REQUEST', message: 'The eBay listing associated with the inventory item, or the unpublished offer has an invalid price.' }] },
    ]);
    const from = ebay.requests.length;
    await edit(seller, product.id, { price: 45 });
    const failed = await listingOf(seller, product.id, (l) => l.last_error !== null);
    expect(failed.status).toBe('active');
    expect(failed.last_error).toMatchObject({ retryable: false, next_retry_at: null, errors: [{ id: '25003', message: expect.stringContaining('invalid price') }] });
    const log = await listingLog(seller, active.id);
    expect(log.map((e) => e.type).slice(-2)).toEqual(['ListingUpdateStarted', 'ListingUpdateFailed']);
    expect(log.some((e) => e.type === 'ListingUpdated')).toBe(false);
    const calls = callsSince(from, product.sku, offerId);
    expect(calls.bulk.map((r) => r.status)).toEqual([200]);
    expect([calls.putItem.length, calls.putOffer.length]).toEqual([0, 0]);
    // Nothing reached the offer: its price is the one published.
    expect(ebay.state.offers.get(offerId)!.details).toMatchObject({ pricingSummary: { price: { value: '39.90' } } });
  });

  it('When eBay answers the bulk update 200 with a system error (25001, 500) for the offer, then the update is tried again and lands', async () => {
    const { seller, product, active, offerId } = await liveWithTwoUnits();
    bulkAnswers([{ offerId, sku: product.sku, statusCode: 500, errors: [{ errorId: 25001, domain: 'API_INVENTORY', category: 'APPLICATION', message: 'A system error has occurred.' }] }]);
    const from = ebay.requests.length;
    await edit(seller, product.id, { price: 45 });
    await eventually('the new price on eBay', () => (ebay.state.offers.get(offerId)!.details as { pricingSummary: { price: { value: string } } }).pricingSummary.price.value === '45.00');
    await eventually('the update recorded', async () => (await listingLog(seller, active.id)).some((e) => e.type === 'ListingUpdated'));
    const calls = callsSince(from, product.sku, offerId);
    expect(calls.bulk).toHaveLength(2);
    expect([calls.putItem.length, calls.putOffer.length]).toEqual([0, 0]);
    expect((await listingOf(seller, product.id, () => true)).last_error).toBeNull();
  });

  const offerCalls = (sku: string) => ebay.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/sell/inventory/v1/offer') && ((r.body as { sku?: string } | undefined)?.sku === sku || /\/publish\/?$/.test(r.path)));
  const conditionAsks = (category: string) => ebay.requests.filter((r) => r.path === '/sell/metadata/v1/marketplace/EBAY_FR/get_item_condition_policies' && r.query.filter === `categoryIds:{${category}}`);

  it('When the category does not take the product’s condition, then the publication is refused before anything is queued (422 naming the condition and those it takes), and nothing is made on eBay', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller, { condition: 'very_good' });
    const publishes = ebay.requests.filter((r) => /\/publish\/?$/.test(r.path)).length;
    const refused = await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '246' } } });
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body.errors).toEqual([{ field: 'condition', message: 'eBay does not take ‘Used – very good’ (USED_VERY_GOOD) in category 246; it takes: New, Used' }]);
    expect((await request(t.app).get(`/api/products/${product.id}/listings`).set(seller.auth)).body.items).toEqual([]);
    expect(offerCalls(product.sku).filter((r) => r.path === '/sell/inventory/v1/offer')).toEqual([]);
    expect(ebay.requests.filter((r) => r.path === `/sell/inventory/v1/inventory_item/${product.sku}`)).toEqual([]);
    expect(ebay.requests.filter((r) => /\/publish\/?$/.test(r.path))).toHaveLength(publishes);
    expect(ebay.state.offersOf([...ebay.state.users.values()][0]!.userId, product.sku)).toEqual([]);
    // Asked with the seller's own token.
    const [asked] = conditionAsks('246');
    expect(asked?.headers.authorization).toMatch(/^Bearer v\^1\.1/);
  });

  it('When the category takes the product’s condition, then it publishes as before, and the category’s conditions are asked once for several products', async () => {
    const seller = await connectedSeller();
    for (const condition of ['like_new', 'like_new']) {
      const product = await photographedProduct(seller, { condition });
      await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '261328' } } }).expect(202);
      const active = await listingOf(seller, product.id, (l) => l.status === 'active' || l.status === 'failed');
      expect([active.status, active.last_error]).toEqual(['active', null]);
      expect(ebay.requests.find((r) => r.method === 'PUT' && r.path === `/sell/inventory/v1/inventory_item/${product.sku}`)?.body).toMatchObject({ condition: 'LIKE_NEW' });
    }
    expect(conditionAsks('261328').map((r) => r.status)).toEqual([200]);
  });

  it('When eBay cannot say which conditions the category takes (503), then publishing goes on and publishOffer decides', async () => {
    const seller = await connectedSeller();
    const allowed = await photographedProduct(seller, { condition: 'very_good' });
    // Asked when the publication is requested, and again when it is made: eBay cannot say either time.
    ebay.faults.next({ method: 'GET', path: /get_item_condition_policies$/, kind: 'status', status: 503, times: 2 });
    await request(t.app).post(`/api/products/${allowed.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '57988' } } }).expect(202);
    const active = await listingOf(seller, allowed.id, (l) => l.status === 'active' || l.status === 'failed');
    expect([active.status, active.attempts]).toEqual(['active', 1]);
    expect(conditionAsks('57988').map((r) => r.status)).toEqual([503, 503]);

    // A category that takes only new items: eBay's own refusal, at publishOffer, once the offer is made.
    ebay.setConditionPolicy('99201', { itemConditionRequired: true, itemConditions: [{ conditionId: '1000', conditionDescription: 'Neuf' }] });
    const refused = await photographedProduct(seller, { condition: 'good' });
    ebay.faults.next({ method: 'GET', path: /get_item_condition_policies$/, kind: 'status', status: 503, times: 2 });
    await request(t.app).post(`/api/products/${refused.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '99201' } } }).expect(202);
    const failed = await listingOf(seller, refused.id, (l) => l.status === 'failed');
    expect(failed.last_error).toMatchObject({ retryable: false, errors: [{ id: '25021', message: expect.stringContaining('USED_GOOD is not valid for category 99201') }] });
    expect(conditionAsks('99201').map((r) => r.status)).toEqual([503, 503]);
    expect(failed.external.offer_id).toEqual(expect.any(String));
  });

  it("When another tenant asks for a seller's product or listing, then it is not found", async () => {
    const seller = await connectedSeller();
    const other = await registerSeller(t.app);
    const product = await photographedProduct(seller);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }).expect(202);
    const listing = await listingOf(seller, product.id, (l) => l.status === 'active');
    expect((await request(t.app).post(`/api/products/${product.id}/publish`).set(other.auth).send({ marketplaces: ['ebay'] })).status).toBe(404);
    expect((await request(t.app).get(`/api/products/${product.id}/listings`).set(other.auth)).status).toBe(404);
    expect((await request(t.app).post(`/api/listings/${listing.id}/retry`).set(other.auth)).status).toBe(404);
    expect((await request(t.app).delete(`/api/products/${product.id}/listings/ebay`).set(other.auth)).status).toBe(404);
    expect((await request(t.app).get('/api/listings').set(other.auth)).body.items).toEqual([]);
  });
});
