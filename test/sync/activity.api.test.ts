/*
 * GET /api/sync/activity: a seller with eBay, Etsy and Vinted sees, for each sale, how it was
 * detected and what happened on every other marketplace — delisted (with how long after the
 * sale), a failed call with its next retry and then its success, a quantity pushed, a
 * marketplace where the product was not listed — each outcome naming the event that settled it,
 * in the sale's correlation. Against the eBay and Etsy doubles and the simulated extension.
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

interface Outcome {
  marketplace: string;
  outcome: string;
  action: string | null;
  listing_id: string | null;
  reason: string | null;
  next_retry_at: string | null;
  decided_at: string | null;
  after_ms: number | null;
  event_id: string | null;
}
interface Activity {
  sale_id: string;
  product: { id: string; sku: string; title: string };
  sold_on: string;
  order_id: string | null;
  remaining_stock: number;
  detected_via: string;
  detected_at: string;
  recorded_at: string;
  event_id: string;
  correlation_id: string | null;
  marketplaces: Outcome[];
}

describe('The sync activity log', () => {
  let ebay: EbayDouble;
  let etsy: EtsyDouble;
  let t: PluginApp;
  let seller: Seller;
  let extension: VintedExtensionSimulator;

  beforeAll(async () => {
    ebay = await startEbayDouble({
      users: [
        {
          username: 'brocante_lyon',
          fulfillmentPolicies: [{ name: 'Colissimo', marketplaceId: 'EBAY_FR' }],
          paymentPolicies: [{ name: 'Paiement géré', marketplaceId: 'EBAY_FR' }],
          returnPolicies: [{ name: '30 jours', marketplaceId: 'EBAY_FR' }],
          locations: [{ merchantLocationKey: 'atelier', location: { address: { city: 'Lyon', postalCode: '69001', country: 'FR' } }, merchantLocationStatus: 'ENABLED', name: 'Atelier' }],
        },
      ],
    });
    ebay.setAcceptUrl(ebay.app.ruName, EBAY_CALLBACK, EBAY_CALLBACK);
    etsy = await startEtsyDouble({ users: [{ user_id: 52000101, login_name: 'brocante_lyon', shop: { shop_id: 62000101, shop_name: 'BrocanteLyon', currency_code: 'EUR', country_iso: 'FR' } }] });
    etsy.addRedirectUri(ETSY_CALLBACK);
    t = await startPluginApp({
      EBAY_CLIENT_ID: ebay.app.clientId,
      EBAY_CLIENT_SECRET: ebay.app.clientSecret,
      EBAY_RU_NAME: ebay.app.ruName,
      EBAY_API_BASE_URL: ebay.baseUrl,
      EBAY_AUTH_BASE_URL: ebay.authBaseUrl,
      EBAY_NOTIFICATION_VERIFICATION_TOKEN: 'stoflow-test-verification-token-0123456789',
      ETSY_API_KEY: etsy.app.keystring,
      ETSY_SHARED_SECRET: etsy.app.sharedSecret,
      ETSY_REDIRECT_URI: ETSY_CALLBACK,
      ETSY_API_BASE_URL: etsy.baseUrl,
      ETSY_AUTH_BASE_URL: etsy.authBaseUrl,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: 'https://stoflow.test',
    });
    await t.services.startProcessing();

    const { who, extensions } = await t.seller();
    seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    extension = extensions[0]!;
    await putOnPlan(t.services, seller.tenantId, 'starter');
    etsy.setConsent({ userId: 52000101 });
    for (const marketplace of ['ebay', 'etsy'] as const) {
      const start = await request(t.app).get(`/api/integrations/${marketplace}/connect`).set(seller.auth);
      const agreed = await fetch(start.body.authorization_url, { redirect: 'manual' });
      const back = new URL(agreed.headers.get('location')!);
      expect((await request(t.app).get(`${back.pathname}${back.search}`)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await t.close();
    await ebay.close();
    await etsy.stop();
  });

  async function eventually<T>(what: string, get: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await get();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: never got there (${JSON.stringify(value)})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A product live on the given marketplaces. */
  async function liveProduct(marketplaces: ('ebay' | 'etsy' | 'vinted')[], stock = 1) {
    const product = await createProduct(t.app, seller, { stock_quantity: stock });
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    const overrides = { ebay: { category_id: '11450' }, etsy: { taxonomy_id: 2044, who_made: 'someone_else', when_made: '1990s' }, vinted: { category_id: '221' } };
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces, overrides: Object.fromEntries(marketplaces.map((m) => [m, overrides[m]])) }).expect(202);
    if (marketplaces.includes('vinted')) {
      const before = extension.succeeded('publish').length;
      await extension.run({ until: (e) => e.succeeded('publish').length > before });
    }
    await eventually(
      'every listing live',
      async () => (await request(t.app).get(`/api/products/${product.id}/listings`).set(seller.auth)).body.items as { status: string }[],
      (items) => items.length === marketplaces.length && items.every((l) => l.status === 'active'),
    );
    return product;
  }

  async function sellOnEbay(sku: string): Promise<string> {
    const order = ebay.sell({ sku, price: 40 }) as unknown as { orderId: string };
    const deliveries = await ebay.deliverNotification(`${t.baseUrl}/api/webhooks/ebay`, 'ORDER_CONFIRMATION', ebay.orderConfirmationData(order.orderId));
    expect(deliveries.map((d) => d.status)).toEqual([204]);
    return order.orderId;
  }

  const activityOf = async (productId: string): Promise<Activity | undefined> => {
    const res = await request(t.app).get(`/api/sync/activity?product_id=${productId}`).set(seller.auth);
    expect(res.status).toBe(200);
    return (res.body.items as Activity[])[0];
  };
  const outcomes = (a: Activity | undefined) => Object.fromEntries((a?.marketplaces ?? []).map((o) => [o.marketplace, o]));

  it('When the last unit sells on eBay and Etsy fails once, then the log shows the detection, Vinted delisted, Etsy failed with its next retry, then delisted, each linked to its event', async () => {
    const product = await liveProduct(['ebay', 'etsy', 'vinted']);
    etsy.faults.next({ kind: 'status', status: 503, method: 'PATCH', path: /\/listings\/\d+$/ });
    const orderId = await sellOnEbay(product.sku);

    const failed = await eventually('Etsy failed', () => activityOf(product.id), (a) => outcomes(a).etsy?.outcome === 'failed');
    expect(failed).toMatchObject({ sold_on: 'ebay', order_id: orderId, detected_via: 'webhook', remaining_stock: 0, product: { id: product.id, sku: product.sku } });
    expect(outcomes(failed).etsy).toMatchObject({ action: 'delist', reason: expect.stringMatching(/503|unavailable/i), decided_at: expect.any(String) });
    expect(Date.parse(outcomes(failed).etsy!.next_retry_at!)).toBeGreaterThan(Date.parse(outcomes(failed).etsy!.decided_at!));
    expect(new Date(failed!.detected_at).getTime()).toBeLessThanOrEqual(new Date(failed!.recorded_at).getTime());

    const deletes = extension.succeeded('delete').length;
    await extension.run({ until: (e) => e.succeeded('delete').length > deletes });
    const settled = await eventually('both delisted', () => activityOf(product.id), (a) => outcomes(a).etsy?.outcome === 'delisted' && outcomes(a).vinted?.outcome === 'delisted');
    expect(Object.keys(outcomes(settled)).sort()).toEqual(['etsy', 'vinted']);
    for (const marketplace of ['etsy', 'vinted'] as const) {
      const o = outcomes(settled)[marketplace]!;
      expect(o.after_ms).toBeGreaterThanOrEqual(0);
      expect(o.next_retry_at).toBeNull();
      // The outcome's event is the listing's ListingDelisted, in the sale's correlation.
      const log = await t.services.eventStore.readStream(seller.tenantId, `listing-${o.listing_id}`);
      const delisted = log.find((e) => e.id === o.event_id);
      expect(delisted).toMatchObject({ type: 'ListingDelisted', metadata: { correlation_id: settled!.correlation_id } });
    }
    const sold = (await t.services.eventStore.readStream(seller.tenantId, `product-${product.id}`)).find((e) => e.id === settled!.event_id);
    expect(sold).toMatchObject({ type: 'ProductSold', data: { channel: 'ebay', remaining_stock: 0 } });
    // Etsy's delist took two calls, the first refused.
    const delists = etsy.requests.filter((r) => r.method === 'PATCH' && /\/listings\/\d+$/.test(r.path) && r.query.legacy === undefined);
    expect(delists.map((r) => r.status)).toEqual([503, 200]);
  }, 90_000);

  it('When one of two units sells on eBay, then the Etsy listing shows the new quantity and Vinted, where it was never listed, is not_listed', async () => {
    const product = await liveProduct(['ebay', 'etsy'], 2);
    await sellOnEbay(product.sku);
    const a = await eventually('Etsy updated', () => activityOf(product.id), (x) => outcomes(x).etsy?.outcome === 'quantity_updated');
    expect(a).toMatchObject({ remaining_stock: 1, detected_via: 'webhook' });
    expect(outcomes(a).vinted).toMatchObject({ outcome: 'not_listed', action: null, listing_id: null });
    expect(outcomes(a).etsy).toMatchObject({ action: 'update', after_ms: expect.any(Number) });
    const ours = (await request(t.app).get(`/api/products/${product.id}/listings`).set(seller.auth)).body.items as { marketplace: string; external: Record<string, string> }[];
    const etsyId = Number(ours.find((l) => l.marketplace === 'etsy')!.external.listing_id);
    expect(etsy.state.inventory.get(etsyId)?.products[0]?.offerings[0]?.quantity).toBe(1);
  }, 90_000);

  it('When a sale is recorded by hand, then it is in the log as manual, filters work, and the query names a bad filter', async () => {
    const product = await liveProduct(['etsy']);
    await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 30, channel: 'offline' }).expect(201);
    const a = await eventually('Etsy delisted', () => activityOf(product.id), (x) => outcomes(x).etsy?.outcome === 'delisted');
    expect(a).toMatchObject({ sold_on: 'offline', detected_via: 'manual' });
    expect(outcomes(a)).toMatchObject({ ebay: { outcome: 'not_listed' }, vinted: { outcome: 'not_listed' } });

    const offline = await request(t.app).get('/api/sync/activity?sold_on=offline').set(seller.auth);
    expect((offline.body.items as Activity[]).map((x) => x.product.id)).toEqual([product.id]);
    const failedOnes = await request(t.app).get('/api/sync/activity?outcome=failed').set(seller.auth);
    expect((failedOnes.body.items as Activity[]).every((x) => x.marketplaces.some((o) => o.outcome === 'failed'))).toBe(true);
    const bad = await request(t.app).get('/api/sync/activity?outcome=lost').set(seller.auth);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(bad.body)).toContain('outcome');

    // Another seller sees none of it.
    const { who } = await t.seller();
    const other = await request(t.app).get('/api/sync/activity').set({ Authorization: `Bearer ${who.accessToken}` });
    expect(other.body).toMatchObject({ items: [], total: 0 });
  }, 90_000);
});
