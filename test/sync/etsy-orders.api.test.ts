/* A sale on Etsy, as Etsy reports it: a signed order.paid webhook, then the receipt read back. Against the Etsy double. */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startEtsyDouble, type EtsyDouble } from '../doubles/etsy/server';
import { newWebhookSecret } from '../doubles/etsy/webhooks';
import { JPEG } from '../products/images';
import { createProduct, type Seller } from '../products/support';
import { startPluginApp, type PluginApp } from '../plugin/support';

const CALLBACK = 'https://stoflow.test/api/integrations/etsy/callback';
const SECRET = newWebhookSecret();
const VINTAGE = { taxonomy_id: 2044, who_made: 'someone_else', when_made: '1990s' };

describe('Etsy sales come in as signed webhooks and become sales', () => {
  let etsy: EtsyDouble;
  let t: PluginApp;
  let users = 0;

  beforeAll(async () => {
    etsy = await startEtsyDouble({ users: Array.from({ length: 5 }, (_, i) => ({ user_id: 33000001 + i, login_name: `etsy_${i}`, shop: { shop_id: 43000001 + i, shop_name: `Shop${i}`, currency_code: 'EUR', country_iso: 'FR' } })) });
    etsy.addRedirectUri(CALLBACK);
    t = await startPluginApp({
      ETSY_API_KEY: etsy.app.keystring,
      ETSY_SHARED_SECRET: etsy.app.sharedSecret,
      ETSY_REDIRECT_URI: CALLBACK,
      ETSY_API_BASE_URL: etsy.baseUrl,
      ETSY_AUTH_BASE_URL: etsy.authBaseUrl,
      ETSY_WEBHOOK_SECRET: SECRET,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: 'https://stoflow.test',
    });
    await t.services.startProcessing();
  });
  afterAll(async () => {
    await t.close();
    await etsy.stop();
  });

  const webhook = () => `${t.baseUrl}/api/webhooks/etsy`;

  async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: never`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function sellerWithLiveListing() {
    const i = users++;
    etsy.setConsent({ userId: 33000001 + i });
    const { who } = await t.seller();
    const seller: Seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    const start = await request(t.app).get('/api/integrations/etsy/connect').set(seller.auth);
    const back = new URL((await fetch(start.body.authorization_url, { redirect: 'manual' })).headers.get('location')!);
    expect((await request(t.app).get(`${back.pathname}${back.search}`)).status).toBe(200);
    const product = await createProduct(t.app, seller, { title: 'Vintage 90s denim jacket' });
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['etsy'], overrides: { etsy: VINTAGE } }).expect(202);
    let listingId = 0;
    await eventually('Etsy live', async () => {
      const l = ((await request(t.app).get(`/api/products/${product.id}/listings`).set(seller.auth)).body.items as { status: string; external: Record<string, string> }[])[0];
      listingId = Number(l?.external.listing_id ?? 0);
      return l?.status === 'active';
    });
    return { seller, product, shopId: 43000001 + i, listingId };
  }

  it('When an item sells on Etsy and Etsy delivers order.paid twice, then one sale is recorded at Etsy’s price with the buyer’s shipping, channel etsy, and the listing is sold there', async () => {
    const { seller, product, shopId, listingId } = await sellerWithLiveListing();
    const receipt = etsy.sell({ listing_id: listingId, shipping_cost: 4.9 }) as { receipt_id: number };
    const deliveries = await etsy.deliverWebhook(webhook(), etsy.orderPaidEvent(receipt.receipt_id), { secret: SECRET, duplicate: true });
    expect(deliveries.map((d) => d.status)).toEqual([204, 204]);
    const stream = `order-etsy-${shopId}-${receipt.receipt_id}`;
    await eventually('applied', async () => (await t.services.eventStore.readStream(seller.tenantId, stream)).some((e) => e.type === 'OrderLineApplied'));
    const log = await t.services.eventStore.readStream(seller.tenantId, stream);
    expect(log.filter((e) => e.type === 'MarketplaceOrderReported')).toHaveLength(1);
    expect(log[0]!.data).toMatchObject({ marketplace: 'etsy', via: 'webhook', lines: [{ quantity: 1, unit_price_cents: 3990, currency: 'EUR' }] });
    const sold = (await t.services.eventStore.readStream(seller.tenantId, `product-${product.id}`)).filter((e) => e.type === 'ProductSold');
    // The receipt says the buyer's shipping, not Etsy's fees (the seller records those).
    expect(sold.map((e) => e.data)).toEqual([expect.objectContaining({ channel: 'etsy', unit_price_cents: 3990, remaining_stock: 0, shipping_charged_cents: 490, fees_cents: 0 })]);
    const listing = ((await request(t.app).get(`/api/products/${product.id}/listings`).set(seller.auth)).body.items as { status: string }[])[0];
    expect(listing?.status).toBe('sold_here');
  });

  it('When a message is wrongly signed, or its timestamp is old (a replay), then 401 and nothing is recorded', async () => {
    const { seller, shopId, listingId } = await sellerWithLiveListing();
    const receipt = etsy.sell({ listing_id: listingId }) as { receipt_id: number };
    const [forged] = await etsy.deliverWebhook(webhook(), etsy.orderPaidEvent(receipt.receipt_id), { secret: SECRET, badSignature: true });
    expect(forged!.status).toBe(401);
    const [stale] = await etsy.deliverWebhook(webhook(), etsy.orderPaidEvent(receipt.receipt_id), { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale!.status).toBe(401);
    const unsigned = await fetch(webhook(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(etsy.orderPaidEvent(receipt.receipt_id)) });
    expect(unsigned.status).toBe(401);
    expect(await t.services.eventStore.readStream(seller.tenantId, `order-etsy-${shopId}-${receipt.receipt_id}`)).toEqual([]);
  });

  it('When Etsy cannot be asked for the receipt, then 503 so Etsy delivers again, and the next delivery records it', async () => {
    const { seller, shopId, listingId } = await sellerWithLiveListing();
    const receipt = etsy.sell({ listing_id: listingId }) as { receipt_id: number };
    etsy.faults.next({ method: 'GET', path: `/v3/application/shops/${shopId}/receipts/${receipt.receipt_id}`, kind: 'status', status: 503 });
    const event = etsy.orderPaidEvent(receipt.receipt_id);
    const [first] = await etsy.deliverWebhook(webhook(), event, { secret: SECRET });
    expect(first!.status).toBe(503);
    const [again] = await etsy.deliverWebhook(webhook(), event, { secret: SECRET });
    expect(again!.status).toBe(204);
    expect((await t.services.eventStore.readStream(seller.tenantId, `order-etsy-${shopId}-${receipt.receipt_id}`))[0]?.type).toBe('MarketplaceOrderReported');
  });

  it('When a webhook never came, then the poll finds the paid receipt and the sale is recorded; a later webhook adds nothing', async () => {
    const { seller, product, shopId, listingId } = await sellerWithLiveListing();
    const receipt = etsy.sell({ listing_id: listingId }) as { receipt_id: number };
    expect(await t.services.pollOrders(seller.tenantId, 'etsy')).toBe(1);
    const stream = `order-etsy-${shopId}-${receipt.receipt_id}`;
    await eventually('applied', async () => (await t.services.eventStore.readStream(seller.tenantId, stream)).some((e) => e.type === 'OrderLineApplied'));
    expect((await t.services.eventStore.readStream(seller.tenantId, stream))[0]!.data).toMatchObject({ via: 'poll' });
    expect(await t.services.pollOrders(seller.tenantId, 'etsy')).toBe(0);
    const [late] = await etsy.deliverWebhook(webhook(), etsy.orderPaidEvent(receipt.receipt_id), { secret: SECRET });
    expect(late!.status).toBe(204);
    expect((await t.services.eventStore.readStream(seller.tenantId, stream)).filter((e) => e.type === 'MarketplaceOrderReported')).toHaveLength(1);
    const sold = (await t.services.eventStore.readStream(seller.tenantId, `product-${product.id}`)).filter((e) => e.type === 'ProductSold');
    expect(sold).toHaveLength(1);
    const asked = etsy.requests.filter((r) => r.method === 'GET' && r.path === `/v3/application/shops/${shopId}/receipts`);
    expect(asked.length).toBeGreaterThanOrEqual(2);
  });

  it('When the item sells on Etsy while its delisting (the product archived) is under way, then it is made inactive there once, not again for the sale', async () => {
    const { seller, product, listingId } = await sellerWithLiveListing();
    const path = new RegExp(`^/v3/application/shops/\\d+/listings/${listingId}$`);
    const inactivations = () => etsy.requests.filter((r) => r.method === 'PATCH' && path.test(r.path) && (r.body as { state?: string } | undefined)?.state === 'inactive');
    // Etsy takes its time over the delisting; meanwhile a buyer there pays.
    etsy.faults.next({ method: 'PATCH', path, kind: 'slow', ms: 2500 });
    await request(t.app).delete(`/api/products/${product.id}`).set(seller.auth).expect(204);
    await eventually('the delisting sent', async () => etsy.requests.some((r) => r.method === 'PATCH' && path.test(r.path) && r.fault === 'slow'));
    const receipt = etsy.sell({ listing_id: listingId }) as { receipt_id: number };
    expect((await etsy.deliverWebhook(webhook(), etsy.orderPaidEvent(receipt.receipt_id), { secret: SECRET }))[0]!.status).toBe(204);
    const stream = `listing-${((await request(t.app).get(`/api/products/${product.id}/listings`).set(seller.auth)).body.items as { id: string }[])[0]!.id}`;
    await eventually('recorded as closed', async () => (await t.services.eventStore.readStream(seller.tenantId, stream)).at(-1)?.type === 'ListingClosedAfterSale');
    expect((await t.services.eventStore.readStream(seller.tenantId, stream)).map((e) => e.type).slice(-3)).toEqual(['ListingDelistRequested', 'ListingSoldHere', 'ListingClosedAfterSale']);
    // The sale's own reaction, which runs after the delisting's, finds the listing closed already.
    await new Promise((r) => setTimeout(r, 500));
    expect(inactivations().map((r) => r.status)).toEqual([200]);
    expect(etsy.state.listings.get(listingId)?.state).toBe('inactive');
  });
});
