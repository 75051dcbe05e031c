/*
 * Etsy's daily budget, as its answers report it (x-remaining-today): under the reserve, what keeps
 * an item from selling twice still goes, and the rest waits. Through the real app, Redis and
 * PostgreSQL against the Etsy double.
 */
import { randomBytes, randomInt } from 'node:crypto';
import request from 'supertest';
import { startEtsyDouble, type EtsyDouble } from '../doubles/etsy/server';
import type { SeedUser } from '../doubles/etsy/state';
import { createProduct, registerSeller, type Seller } from '../products/support';
import { JPEG } from '../products/images';
import { startTestApp, type TestApp } from '../support/app';

const CALLBACK = 'https://stoflow.test/api/integrations/etsy/callback';
const VINTAGE = { taxonomy_id: 2044, who_made: 'someone_else', when_made: '1990s', is_supply: false };
// A shop of this run's own: what Etsy said of a shop's budget is kept in the shared Redis for minutes.
const SHOP_ID = 48_000_000 + randomInt(1_000_000);
const ETSY_USER: SeedUser = { user_id: 38_000_001, login_name: 'budgetatelier', shop: { shop_id: SHOP_ID, shop_name: 'BudgetAtelier', currency_code: 'EUR', country_iso: 'FR' } };

interface Listing {
  marketplace: string;
  status: string;
  external: Record<string, string>;
}

describe("Etsy's daily budget (against the Etsy double)", () => {
  let etsy: EtsyDouble;
  let t: TestApp;

  beforeAll(async () => {
    etsy = await startEtsyDouble({ users: [ETSY_USER], rateLimits: { perSecond: 10, perDay: 10_000 } });
    etsy.addRedirectUri(CALLBACK);
    t = await startTestApp({
      ETSY_API_KEY: etsy.app.keystring,
      ETSY_SHARED_SECRET: etsy.app.sharedSecret,
      ETSY_REDIRECT_URI: CALLBACK,
      ETSY_API_BASE_URL: etsy.baseUrl,
      ETSY_AUTH_BASE_URL: etsy.authBaseUrl,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: 'https://stoflow.test',
    });
    await t.services.startProcessing();
  });
  afterAll(async () => {
    await t.close();
    await etsy.stop();
  });

  async function connectedSeller(): Promise<Seller> {
    const seller = await registerSeller(t.app);
    etsy.setConsent({ userId: ETSY_USER.user_id });
    const start = await request(t.app).get('/api/integrations/etsy/connect').set(seller.auth);
    const consent = await fetch(start.body.authorization_url, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect((await request(t.app).get(`${back.pathname}${back.search}`)).status).toBe(200);
    return seller;
  }

  async function listingOf(seller: Seller, productId: string, until: (l: Listing) => boolean): Promise<Listing> {
    const deadline = Date.now() + 25_000;
    for (;;) {
      const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
      const listing = (res.body.items as Listing[]).find((l) => l.marketplace === 'etsy');
      if (listing && until(listing)) return listing;
      if (Date.now() > deadline) throw new Error(`listing never got there: ${JSON.stringify(listing)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function liveProduct(seller: Seller, title: string) {
    const product = await createProduct(t.app, seller, { title });
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['etsy'], overrides: { etsy: VINTAGE } }).expect(202);
    const listing = await listingOf(seller, product.id, (l) => l.status === 'active');
    return { id: product.id, listingId: Number(listing.external.listing_id) };
  }

  it("When Etsy's answers say the day's calls left are under the reserve, then a product update is refused before reaching Etsy, retryable and naming Etsy's daily budget, while a delist of another listing still reaches Etsy", async () => {
    const seller = await connectedSeller();
    const updated = await liveProduct(seller, 'Vintage wool blazer');
    const ended = await liveProduct(seller, 'Vintage silk scarf');

    // 100 left of 10,000 (the reserve is 500); an order poll (urgent) brings Etsy's word of it.
    etsy.limits.setRemainingToday(100);
    await t.services.pollOrders(seller.tenantId, 'etsy');
    const from = etsy.requests.length;

    const current = await request(t.app).get(`/api/products/${updated.id}`).set(seller.auth);
    await request(t.app).patch(`/api/products/${updated.id}`).set(seller.auth).set('If-Match', String(current.headers.etag)).send({ price: 45 }).expect(200);
    let integration: { last_error: { message: string } | null } | undefined;
    const deadline = Date.now() + 25_000;
    while (!integration?.last_error && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const list = await request(t.app).get('/api/integrations').set(seller.auth);
      integration = list.body.items.find((i: { marketplace: string }) => i.marketplace === 'etsy');
    }
    expect(integration?.last_error?.message).toMatch(/daily_budget Etsy's daily call budget for this shop is down to 99 calls, under the 500 kept for ending listings and reading orders/);
    expect(etsy.requests.slice(from).filter((r) => r.path.includes(String(updated.listingId)))).toEqual([]);
    expect(etsy.state.inventory.get(updated.listingId)!.products[0]!.offerings[0]!.price).not.toBe(4500);
    // Still to do: the update waits for the engine's next attempt.
    expect((await listingOf(seller, updated.id, () => true)).status).not.toBe('failed');

    await request(t.app).delete(`/api/products/${ended.id}/listings/etsy`).set(seller.auth).expect(202);
    await listingOf(seller, ended.id, (l) => l.status === 'delisted');
    const delists = etsy.requests.slice(from).filter((r) => r.method === 'PATCH' && r.path.endsWith(`/listings/${ended.listingId}`));
    expect(delists.map((r) => r.status)).toEqual([200]);
    expect(etsy.state.listings.get(ended.listingId)!.state).toBe('inactive');
    expect(etsy.requests.slice(from).filter((r) => r.path.includes(String(updated.listingId)))).toEqual([]);
  });
});
