/*
 * The whole promise of publishing, end to end: one seller connects eBay, Etsy and Vinted (the
 * doubles and the simulated extension, driven through the real connectors by base URL),
 * publishes one product to the three in one call, changes its price, delists it from one
 * marketplace and disconnects another.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startEbayDouble, type EbayDouble } from '../doubles/ebay';
import { startEtsyDouble, type EtsyDouble } from '../doubles/etsy/server';
import type { VintedExtensionSimulator } from '../doubles/vinted-extension';
import { JPEG } from '../products/images';
import { createProduct, type Seller } from '../products/support';
import { startPluginApp, type PluginApp } from '../plugin/support';
import { putOnPlan } from '../support/plans';

const EBAY_CALLBACK = 'https://stoflow.test/api/integrations/ebay/callback';
const ETSY_CALLBACK = 'https://stoflow.test/api/integrations/etsy/callback';

interface Listing {
  id: string;
  marketplace: 'ebay' | 'etsy' | 'vinted';
  status: string;
  url: string | null;
  external: Record<string, string>;
}

describe('One product on eBay, Etsy and Vinted', () => {
  let ebay: EbayDouble;
  let etsy: EtsyDouble;
  let t: PluginApp;

  beforeAll(async () => {
    ebay = await startEbayDouble({
      users: [
        {
          username: 'paris_vintage',
          fulfillmentPolicies: [{ name: 'Colissimo', marketplaceId: 'EBAY_FR' }],
          paymentPolicies: [{ name: 'Paiement géré', marketplaceId: 'EBAY_FR' }],
          returnPolicies: [{ name: '30 jours', marketplaceId: 'EBAY_FR' }],
          locations: [{ merchantLocationKey: 'atelier', location: { address: { city: 'Paris', postalCode: '75011', country: 'FR' } }, merchantLocationStatus: 'ENABLED', name: 'Atelier' }],
        },
      ],
    });
    ebay.setAcceptUrl(ebay.app.ruName, EBAY_CALLBACK, EBAY_CALLBACK);
    etsy = await startEtsyDouble({ users: [{ user_id: 52000001, login_name: 'atelier_paris', shop: { shop_id: 62000001, shop_name: 'AtelierParis', currency_code: 'EUR', country_iso: 'FR' } }] });
    etsy.addRedirectUri(ETSY_CALLBACK);
    t = await startPluginApp({
      EBAY_CLIENT_ID: ebay.app.clientId,
      EBAY_CLIENT_SECRET: ebay.app.clientSecret,
      EBAY_RU_NAME: ebay.app.ruName,
      EBAY_API_BASE_URL: ebay.baseUrl,
      EBAY_AUTH_BASE_URL: ebay.authBaseUrl,
      ETSY_API_KEY: etsy.app.keystring,
      ETSY_SHARED_SECRET: etsy.app.sharedSecret,
      ETSY_REDIRECT_URI: ETSY_CALLBACK,
      ETSY_API_BASE_URL: etsy.baseUrl,
      ETSY_AUTH_BASE_URL: etsy.authBaseUrl,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: 'https://stoflow.test',
    });
    await t.services.startProcessing();
  });
  afterAll(async () => {
    await t.close();
    await ebay.close();
    await etsy.stop();
  });

  async function consent(seller: Seller, marketplace: 'ebay' | 'etsy'): Promise<void> {
    const start = await request(t.app).get(`/api/integrations/${marketplace}/connect`).set(seller.auth);
    expect(start.status).toBe(200);
    const agreed = await fetch(start.body.authorization_url, { redirect: 'manual' });
    const back = new URL(agreed.headers.get('location')!);
    expect((await request(t.app).get(`${back.pathname}${back.search}`)).status).toBe(200);
  }

  async function listings(seller: Seller, productId: string, until: (l: Record<string, Listing>) => boolean): Promise<Record<string, Listing>> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
      expect(res.status).toBe(200);
      const byMarketplace = Object.fromEntries((res.body.items as Listing[]).map((l) => [l.marketplace, l]));
      if (until(byMarketplace)) return byMarketplace;
      if (Date.now() > deadline) throw new Error(`the listings never got there: ${JSON.stringify(byMarketplace)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function eventually(what: string, check: () => boolean): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`${what} never happened`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('When a seller connects three accounts and publishes to all three in one call, then all become active; a price change reaches each; a delisting ends one; a disconnection leaves the third as history', async () => {
    const { who, extensions } = await t.seller();
    const seller: Seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    const extension: VintedExtensionSimulator = extensions[0]!;
    await consent(seller, 'ebay');
    // Vinted and eBay are the free plan's two marketplaces: a third needs a bigger plan.
    const refused = await request(t.app).get('/api/integrations/etsy/connect').set(seller.auth);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'plan_limit_reached', limit: 'max_marketplaces', usage: 2, upgrade_to: 'starter' });
    await putOnPlan(t.services, seller.tenantId, 'starter');
    etsy.setConsent({ userId: 52000001 });
    await consent(seller, 'etsy');
    const integrations = await request(t.app).get('/api/integrations').set(seller.auth);
    expect(Object.fromEntries((integrations.body.items as { marketplace: string; status: string }[]).map((i) => [i.marketplace, i.status]))).toEqual({ ebay: 'connected', etsy: 'connected', vinted: 'connected' });

    const product = await createProduct(t.app, seller, { title: 'Veste en jean Levi’s années 90', condition: 'very_good', brand: 'Levi’s', size: 'm', color: 'blue' });
    // Typed on a phone, with its apostrophe: the shared brand list's Levi's.
    expect(product.brand).toBe("Levi's");
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    const published = await request(t.app)
      .post(`/api/products/${product.id}/publish`)
      .set(seller.auth)
      .send({
        marketplaces: ['ebay', 'etsy', 'vinted'],
        overrides: {
          ebay: { category_id: '11450' },
          etsy: { taxonomy_id: 2044, who_made: 'someone_else', when_made: '1990s', tags: ['denim jacket', '90s'] },
          vinted: { category_id: '221' },
        },
      });
    expect(published.status).toBe(202);
    expect((published.body.listings as { marketplace: string; status: string }[]).map((l) => [l.marketplace, l.status])).toEqual([
      ['ebay', 'queued'],
      ['etsy', 'queued'],
      ['vinted', 'queued'],
    ]);

    // eBay and Etsy are carried out by the server; Vinted waits for the seller's extension.
    await listings(seller, product.id, (l) => l.ebay?.status === 'active' && l.etsy?.status === 'active' && l.vinted?.status === 'publishing');
    await extension.run({ until: (e) => e.succeeded('publish').length === 1 });
    const live = await listings(seller, product.id, (l) => l.vinted?.status === 'active');
    expect(live.ebay!.url).toBe(`https://www.ebay.fr/itm/${live.ebay!.external.listing_id}`);
    expect(live.etsy!.url).toBe(`https://www.etsy.com/listing/${live.etsy!.external.listing_id}`);
    expect(live.vinted!.url).toBe(extension.wardrobe.listed()[0]!.url);
    const offer = () => [...ebay.state.offers.values()].find((o) => o.sku === product.sku)!;
    const etsyListing = () => etsy.state.listings.get(Number(live.etsy!.external.listing_id))!;
    expect(offer().status).toBe('PUBLISHED');
    expect(etsyListing().state).toBe('active');

    // One price change reaches all three.
    const current = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', String(current.headers.etag)).send({ price: 45 }).expect(200);
    await eventually('the eBay price change', () => (offer().details as { pricingSummary: { price: { value: string } } }).pricingSummary.price.value === '45.00');
    await eventually('the Etsy price change', () => etsy.state.inventory.get(Number(live.etsy!.external.listing_id))?.products[0]?.offerings[0]?.price === 4500);
    await extension.run({ until: (e) => e.succeeded('update').length === 1 });
    expect(extension.wardrobe.listed()[0]!.price).toBe('45.00');

    // Delisted from Etsy only.
    expect((await request(t.app).delete(`/api/products/${product.id}/listings/etsy`).set(seller.auth)).status).toBeLessThan(300);
    await listings(seller, product.id, (l) => l.etsy?.status === 'delisted');
    expect(etsyListing().state).toBe('inactive');
    expect(offer().status).toBe('PUBLISHED');
    expect(extension.wardrobe.listed()[0]!.status).toBe('active');

    // eBay disconnected: its listing stays as history, marked disconnected; the others are untouched.
    expect((await request(t.app).delete('/api/integrations/ebay').set(seller.auth)).status).toBeLessThan(300);
    const after = await listings(seller, product.id, (l) => l.ebay?.status === 'disconnected');
    expect(after.etsy!.status).toBe('delisted');
    expect(after.vinted!.status).toBe('active');
    const byState = await request(t.app).get('/api/listings?marketplace=ebay&state=disconnected').set(seller.auth);
    expect((byState.body.items as Listing[]).map((l) => l.id)).toEqual([after.ebay!.id]);
  }, 90_000);
  it('When a product live on eBay and Etsy is edited ten times in quick succession, then both end at its final price and stock, each in a few update rounds, eBay’s through bulk calls only', async () => {
    const { who } = await t.seller();
    const seller: Seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    await consent(seller, 'ebay');
    await putOnPlan(t.services, seller.tenantId, 'starter');
    etsy.setConsent({ userId: 52000001 });
    await consent(seller, 'etsy');
    const product = await createProduct(t.app, seller, { title: 'Chemise en lin années 80', condition: 'very_good', stock_quantity: 20 });
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    await request(t.app)
      .post(`/api/products/${product.id}/publish`)
      .set(seller.auth)
      .send({ marketplaces: ['ebay', 'etsy'], overrides: { ebay: { category_id: '11450' }, etsy: { taxonomy_id: 2044, who_made: 'someone_else', when_made: '1980s' } } })
      .expect(202);
    const live = await listings(seller, product.id, (l) => l.ebay?.status === 'active' && l.etsy?.status === 'active');
    const offerId = live.ebay!.external.offer_id!;
    const etsyId = Number(live.etsy!.external.listing_id);
    const ebayFrom = ebay.requests.length;
    const etsyFrom = etsy.requests.length;

    for (let i = 1; i <= 10; i++) {
      const current = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
      await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', String(current.headers.etag)).send({ price: 40 + i, stock_quantity: 20 - i }).expect(200);
    }
    const final = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    expect(final.body).toMatchObject({ price: 50, stock_quantity: 10 });

    const offer = () => ebay.state.offers.get(offerId)!.details as { availableQuantity: number; pricingSummary: { price: { value: string } } };
    const offering = () => etsy.state.inventory.get(etsyId)?.products[0]?.offerings[0];
    await eventually('eBay at the final price and stock', () => offer().pricingSummary.price.value === '50.00' && offer().availableQuantity === 10);
    await eventually('Etsy at the final price and stock', () => offering()?.price === 5000 && offering()?.quantity === 10);
    // Settled: no update under way on either, and none starts after.
    const settled = async () => {
      const views = await listings(seller, product.id, () => true);
      return views.ebay!.status === 'active' && views.etsy!.status === 'active' && ebay.requests.slice(ebayFrom).every((r) => r.outcome !== 'pending') && etsy.requests.slice(etsyFrom).every((r) => r.status !== null);
    };
    let quiet = false;
    for (const deadline = Date.now() + 20_000; !quiet && Date.now() < deadline; ) {
      const before = ebay.requests.length + etsy.requests.length;
      await new Promise((r) => setTimeout(r, 500));
      quiet = before === ebay.requests.length + etsy.requests.length && (await settled());
    }
    expect(quiet).toBe(true);
    expect(offer()).toMatchObject({ availableQuantity: 10, pricingSummary: { price: { value: '50.00', currency: 'EUR' } } });
    expect(offering()).toMatchObject({ price: 5000, quantity: 10 });

    const onEbay = ebay.requests.slice(ebayFrom);
    const bulk = onEbay.filter((r) => r.method === 'POST' && r.path === '/sell/inventory/v1/bulk_update_price_quantity');
    const replaces = onEbay.filter((r) => r.method === 'PUT' && (r.path === `/sell/inventory/v1/inventory_item/${product.sku}` || r.path === `/sell/inventory/v1/offer/${offerId}`));
    expect(replaces).toEqual([]);
    expect(bulk.length).toBeGreaterThanOrEqual(1);
    expect(bulk.length).toBeLessThanOrEqual(3);
    const onEtsy = etsy.requests.slice(etsyFrom);
    const patches = onEtsy.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/listings/${etsyId}`));
    const inventories = onEtsy.filter((r) => r.method === 'PUT' && r.path.endsWith(`/listings/${etsyId}/inventory`));
    expect(inventories.length).toBeGreaterThanOrEqual(1);
    expect(inventories.length).toBeLessThanOrEqual(3);
    expect(patches.length).toBeLessThanOrEqual(3);
  }, 90_000);
});
