import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { verifyProjection } from '../../src/engine/rebuild';
import { allProjections } from '../../src/projections';
import { startEbayDouble, type EbayDouble } from '../doubles/ebay';
import { createProduct, etag, registerSeller, type Seller } from '../products/support';
import { JPEG } from '../products/images';
import { startTestApp, type TestApp } from '../support/app';
import { testTenancy } from '../support/db';

const CALLBACK = 'https://stoflow.test/api/integrations/ebay/callback';

interface Listing {
  id: string;
  marketplace: string;
  status: string;
  url: string | null;
  external: Record<string, string>;
}

describe('Listing states on eBay (against the eBay double)', () => {
  let ebay: EbayDouble;
  let t: TestApp;

  beforeAll(async () => {
    ebay = await startEbayDouble({
      users: [
        {
          username: 'lyon_fripes',
          fulfillmentPolicies: [{ name: 'Colissimo', marketplaceId: 'EBAY_FR' }],
          paymentPolicies: [{ name: 'Paiement géré', marketplaceId: 'EBAY_FR' }],
          returnPolicies: [{ name: '30 jours', marketplaceId: 'EBAY_FR' }],
          locations: [{ merchantLocationKey: 'atelier-lyon', location: { address: { city: 'Lyon', postalCode: '69001', country: 'FR' } }, merchantLocationStatus: 'ENABLED', name: 'Atelier' }],
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
    expect((await request(t.app).get(`${back.pathname}${back.search}`)).status).toBe(200);
    return seller;
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

  const product = async (seller: Seller, id: string) => {
    const res = await request(t.app).get(`/api/products/${id}`).set(seller.auth).expect(200);
    return { status: res.body.status as string, version: res.body.version as number, etag: res.headers.etag as string };
  };
  const page = async (seller: Seller, query: Record<string, string>) => {
    const res = await request(t.app).get('/api/products').query(query).set(seller.auth).expect(200);
    return { ids: (res.body.items as { id: string; status: string }[]).map((p) => `${p.id}:${p.status}`), total: res.body.total as number };
  };
  const listings = async (seller: Seller, query: Record<string, string>) => {
    const res = await request(t.app).get('/api/listings').query(query).set(seller.auth).expect(200);
    return (res.body.items as Listing[]).map((l) => `${l.id}:${l.status}`);
  };
  const historyOf = async (seller: Seller, listingId: string) => t.services.eventStore.readStream(seller.tenantId, `listing-${listingId}`);

  it('When a product goes live on eBay, then it shows published; a price change passes the listing through updating back to active; disconnecting eBay leaves it disconnected and the product a draft, its ETag moved by none of it', async () => {
    const seller = await connectedSeller();
    const jeans = await createProduct(t.app, seller);
    await request(t.app).post(`/api/products/${jeans.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    const unlisted = await createProduct(t.app, seller);
    const before = await product(seller, jeans.id);
    expect(before.status).toBe('draft');

    // Live: published, found under published and not under draft, at the same version and ETag.
    await request(t.app).post(`/api/products/${jeans.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }).expect(202);
    const active = await listingOf(seller, jeans.id, (l) => l.status === 'active');
    expect(await product(seller, jeans.id)).toEqual({ ...before, status: 'published' });
    expect(await page(seller, { status: 'published' })).toEqual({ ids: [`${jeans.id}:published`], total: 1 });
    expect(await page(seller, { status: 'draft' })).toEqual({ ids: [`${unlisted.id}:draft`], total: 1 });
    expect(await page(seller, { status: 'draft,published', sort: 'created_at' })).toEqual({ ids: [`${jeans.id}:published`, `${unlisted.id}:draft`], total: 2 });
    expect(await page(seller, { status: 'published', q: 'levi' })).toEqual({ ids: [`${jeans.id}:published`], total: 1 });

    // An update eBay takes its time over (a price change: one bulk call): the listing is updating meanwhile, and the product still published.
    ebay.faults.next({ method: 'POST', path: '/sell/inventory/v1/bulk_update_price_quantity', kind: 'slow', ms: 1500 });
    const edit = await request(t.app).patch(`/api/products/${jeans.id}`).set(seller.auth).set('If-Match', before.etag).send({ price: 45 });
    expect(edit.status).toBe(200);
    // The command's reply says what GET says.
    expect(edit.body.status).toBe('published');
    const edited = { version: edit.body.version as number, etag: String(edit.headers.etag) };
    expect(edited.etag).toBe(etag(edited.version));
    await listingOf(seller, jeans.id, (l) => l.status === 'updating');
    expect(await product(seller, jeans.id)).toEqual({ status: 'published', ...edited });
    await listingOf(seller, jeans.id, (l) => l.status === 'active');
    const updates = (await historyOf(seller, active.id)).filter((e) => e.type.startsWith('ListingUpdate'));
    expect(updates.map((e) => [e.type, (e.data as { product_version: number }).product_version])).toEqual([
      ['ListingUpdateStarted', edited.version],
      ['ListingUpdated', edited.version],
    ]);
    expect(ebay.state.offers.get(active.external.offer_id!)).toMatchObject({ status: 'PUBLISHED', details: { pricingSummary: { price: { value: '45.00' } } } });
    expect(await product(seller, jeans.id)).toEqual({ status: 'published', ...edited });

    // Disconnected: kept as history under its own state; the product is no longer published.
    await request(t.app).delete('/api/integrations/ebay').set(seller.auth).expect(204);
    const gone = await listingOf(seller, jeans.id, (l) => l.status === 'disconnected');
    expect(gone).toMatchObject({ id: active.id, url: active.url, external: active.external });
    expect(await listings(seller, { state: 'disconnected' })).toEqual([`${active.id}:disconnected`]);
    expect(await listings(seller, { marketplace: 'ebay', status: 'disconnected' })).toEqual([`${active.id}:disconnected`]);
    expect(await listings(seller, { state: 'active' })).toEqual([]);
    expect(await product(seller, jeans.id)).toEqual({ status: 'draft', ...edited });
    expect(await page(seller, { status: 'published' })).toEqual({ ids: [], total: 0 });
    expect((await page(seller, { status: 'draft' })).total).toBe(2);
    const log = await historyOf(seller, active.id);
    expect(log.at(-1)).toMatchObject({ type: 'ListingDisconnected', metadata: { actor: 'reactor:disconnected_listings' } });
    // Nothing was ended on eBay: Stoflow no longer holds the seller's tokens.
    expect(ebay.state.offers.get(active.external.offer_id!)?.status).toBe('PUBLISHED');

    // Delisting a disconnected listing changes nothing, as for a delisted one.
    const del = await request(t.app).delete(`/api/products/${jeans.id}/listings/ebay`).set(seller.auth);
    expect(del.status).toBe(202);
    expect(del.body).toEqual({ id: active.id, marketplace: 'ebay', status: 'disconnected' });
    expect(await historyOf(seller, active.id)).toHaveLength(log.length);

    // Replayed from the log, the read models are the ones kept live.
    for (const projection of allProjections) {
      expect(await verifyProjection({ tenancy: testTenancy, pool: t.services.pool, store: t.services.eventStore, tenant: seller.tenantId, projection })).toEqual([]);
    }
  });

  it('When a listing filter is not a state, or state and status disagree, then 400', async () => {
    const seller = await registerSeller(t.app);
    expect((await request(t.app).get('/api/listings').query({ state: 'sold' }).set(seller.auth)).status).toBe(400);
    expect((await request(t.app).get('/api/listings').query({ state: 'active', status: 'disconnected' }).set(seller.auth)).status).toBe(400);
    expect((await request(t.app).get('/api/listings').query({ state: 'sold_here', status: 'sold_here' }).set(seller.auth)).status).toBe(200);
  });
});
