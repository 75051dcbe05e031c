import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { FeedItem } from '../../src/audit/event-feed';
import { PUBLIC_EVENTS } from '../../src/audit/public-events';
import { startEbayDouble, type EbayDouble } from '../doubles/ebay';
import { JPEG } from '../products/images';
import { createProduct, registerSeller, type Seller } from '../products/support';
import { startTestApp, type TestApp } from '../support/app';
import { eventsSchemaValidator } from './events-schema';
import { openSse } from './sse-client';

const CALLBACK = 'https://stoflow.test/api/integrations/ebay/callback';

interface Listing {
  id: string;
  marketplace: string;
  status: string;
}

describe('The event feed in a realistic flow (products, an eBay listing, sales, archive)', () => {
  let ebay: EbayDouble;
  let t: TestApp;
  let server: Server;

  beforeAll(async () => {
    ebay = await startEbayDouble({
      users: [
        {
          username: 'feed_fripes',
          fulfillmentPolicies: [{ name: 'Colissimo', marketplaceId: 'EBAY_FR' }],
          paymentPolicies: [{ name: 'Paiement géré', marketplaceId: 'EBAY_FR' }],
          returnPolicies: [{ name: '30 jours', marketplaceId: 'EBAY_FR' }],
          locations: [{ merchantLocationKey: 'atelier', location: { address: { city: 'Lyon', postalCode: '69001', country: 'FR' } }, merchantLocationStatus: 'ENABLED', name: 'Atelier' }],
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
    server = await new Promise<Server>((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await t.close();
    await ebay.close();
  });

  async function listingOf(seller: Seller, productId: string, until: (l: Listing) => boolean): Promise<Listing> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
      const listing = (res.body.items as Listing[]).find((l) => l.marketplace === 'ebay');
      if (listing && until(listing)) return listing;
      if (Date.now() > deadline) throw new Error(`listing never got there: ${JSON.stringify(listing)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('When a seller lists, edits, sells and archives, then every item the feed emits, paged or streamed, validates against its schema and internal events stay out', async () => {
    const seller = await registerSeller(t.app);
    const start = await request(t.app).get('/api/integrations/ebay/connect').set(seller.auth);
    const consent = await fetch(start.body.authorization_url, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect((await request(t.app).get(`${back.pathname}${back.search}`)).status).toBe(200);

    const jeans = await createProduct(t.app, seller, { stock_quantity: 2 });
    await request(t.app).post(`/api/products/${jeans.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    const shirt = await createProduct(t.app, seller, { cost_price: null, brand: null });
    await request(t.app).post(`/api/products/${jeans.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }).expect(202);
    await listingOf(seller, jeans.id, (l) => l.status === 'active');
    const read = await request(t.app).get(`/api/products/${jeans.id}`).set(seller.auth).expect(200);
    await request(t.app).patch(`/api/products/${jeans.id}`).set(seller.auth).set('If-Match', String(read.headers.etag)).send({ price: 45, title: 'Levi’s 501, dark wash', stock_quantity: 3 }).expect(200);
    await listingOf(seller, jeans.id, (l) => l.status === 'active');
    await request(t.app).post(`/api/products/${jeans.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 45, channel: 'offline' }).expect(201);
    await request(t.app).post(`/api/products/${jeans.id}/sales`).set(seller.auth).send({ quantity: 2, unit_price: 40 }).expect(201);
    // Sold out: the listing comes down on eBay.
    await listingOf(seller, jeans.id, (l) => l.status !== 'active' && l.status !== 'delisting');
    const shirtNow = await request(t.app).get(`/api/products/${shirt.id}`).set(seller.auth).expect(200);
    await request(t.app).delete(`/api/products/${shirt.id}`).set(seller.auth).set('If-Match', String(shirtNow.headers.etag)).expect((res) => expect(res.status).toBeLessThan(300));

    const items: FeedItem[] = [];
    for (let after = 0; ; ) {
      const res = await request(t.app).get(`/api/events?after=${after}&limit=7`).set(seller.auth).expect(200);
      items.push(...(res.body.items as FeedItem[]));
      if (res.body.items.length === 0) break;
      after = res.body.next_after;
    }

    const validate = eventsSchemaValidator();
    for (const item of items) expect({ type: item.type, errors: validate(item) ? null : validate.errors }).toEqual({ type: item.type, errors: null });
    const types = new Set(items.map((i) => i.type));
    for (const type of ['ProductCreated', 'ProductDetailsUpdated', 'ProductPriceChanged', 'ProductStockAdjusted', 'ProductSold', 'ProductArchived', 'ListingQueued', 'ListingPublished']) expect(types).toContain(type);
    expect([...types].every((type) => PUBLIC_EVENTS.has(type))).toBe(true);

    // The log holds internal events too (the connection, the publishing steps, images, SKU guards): none reaches the feed.
    const log = await t.services.eventStore.readLog(seller.tenantId, 0n, 10_000);
    const internal = new Set(log.filter((e) => !PUBLIC_EVENTS.has(e.type)).map((e) => e.type));
    expect(internal).toContain('ListingPublishStarted');
    expect(internal).toContain('ProductImageAdded');
    expect([...internal].some((type) => type.startsWith('Marketplace'))).toBe(true);
    expect(items.map((i) => i.id)).toEqual(log.filter((e) => PUBLIC_EVENTS.has(e.type)).map((e) => e.id));

    // The stream sends the very same items.
    const stream = await openSse(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events/stream?after=0`, seller.auth);
    try {
      const messages = await stream.waitForMessages(items.length);
      expect(messages.map((m) => JSON.parse(m.data) as FeedItem)).toEqual(items);
      expect(messages.map((m) => [m.id, m.event])).toEqual(items.map((i) => [String(i.position), i.type]));
    } finally {
      stream.close();
    }
  });
});
