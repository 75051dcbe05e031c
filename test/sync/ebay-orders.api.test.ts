/*
 * A sale on eBay, as eBay reports it: a signed ORDER_CONFIRMATION pushed to the notification
 * endpoint (at least once), then read back with getOrder. Against the eBay double (which signs
 * with its own ECDSA key and serves it by kid) and the simulated Vinted extension.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startEbayDouble, type EbayDouble } from '../doubles/ebay';
import { JPEG } from '../products/images';
import { createProduct, type Seller } from '../products/support';
import { startPluginApp, type PluginApp } from '../plugin/support';

const CALLBACK = 'https://stoflow.test/api/integrations/ebay/callback';
const VERIFICATION_TOKEN = 'stoflow-test-verification-token-0123456789';

describe('eBay sales come in as signed notifications and become sales', () => {
  let ebay: EbayDouble;
  let t: PluginApp;
  let users = 0;

  beforeAll(async () => {
    ebay = await startEbayDouble({
      users: Array.from({ length: 9 }, (_, i) => ({
        username: `seller_${i}`,
        fulfillmentPolicies: [{ name: 'Colissimo', marketplaceId: 'EBAY_FR' }],
        paymentPolicies: [{ name: 'Paiement géré', marketplaceId: 'EBAY_FR' }],
        returnPolicies: [{ name: '30 jours', marketplaceId: 'EBAY_FR' }],
        locations: [{ merchantLocationKey: 'atelier', location: { address: { city: 'Paris', postalCode: '75011', country: 'FR' } }, merchantLocationStatus: 'ENABLED', name: 'Atelier' }],
      })),
    });
    ebay.setAcceptUrl(ebay.app.ruName, CALLBACK, CALLBACK);
    t = await startPluginApp({
      EBAY_CLIENT_ID: ebay.app.clientId,
      EBAY_CLIENT_SECRET: ebay.app.clientSecret,
      EBAY_RU_NAME: ebay.app.ruName,
      EBAY_API_BASE_URL: ebay.baseUrl,
      EBAY_AUTH_BASE_URL: ebay.authBaseUrl,
      EBAY_NOTIFICATION_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: 'https://stoflow.test',
    });
    await t.services.startProcessing();
  });
  afterAll(async () => {
    await t.close();
    await ebay.close();
  });

  const webhook = () => `${t.baseUrl}/api/webhooks/ebay`;

  /** A seller connected to an eBay user of their own (and to Vinted), with one product live on eBay. */
  async function sellerWithLiveProduct(options: { vinted?: boolean; stock?: number } = {}) {
    const username = `seller_${users++}`;
    ebay.setConsent({ username });
    const { who, extensions } = await t.seller();
    const seller: Seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    const start = await request(t.app).get('/api/integrations/ebay/connect').set(seller.auth);
    const consent = await fetch(start.body.authorization_url, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect((await request(t.app).get(`${back.pathname}${back.search}`)).status).toBe(200);
    const product = await createProduct(t.app, seller, { stock_quantity: options.stock ?? 1 });
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    const marketplaces = options.vinted ? ['ebay', 'vinted'] : ['ebay'];
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces, overrides: { ebay: { category_id: '11450' }, vinted: { category_id: '221' } } }).expect(202);
    await eventually('the eBay listing is live', async () => (await listing(seller, product.id, 'ebay'))?.status === 'active');
    return { seller, product, username, extension: extensions[0]! };
  }

  async function listingOf(seller: Seller, productId: string, marketplace: string) {
    const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
    return (res.body.items as { id: string; marketplace: string }[]).find((l) => l.marketplace === marketplace)!;
  }

  async function listing(seller: Seller, productId: string, marketplace: string) {
    const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
    return (res.body.items as { marketplace: string; status: string; external: Record<string, string> }[]).find((l) => l.marketplace === marketplace);
  }

  async function eventually(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: never`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const orderLog = (seller: Seller, orderId: string) => t.services.eventStore.readStream(seller.tenantId, `order-ebay-${orderId}`);

  it('When eBay validates the endpoint, then the challenge is answered with SHA-256 of code, token and endpoint', async () => {
    const result = await ebay.challengeEndpoint(webhook(), VERIFICATION_TOKEN, 'https://stoflow.test/api/webhooks/ebay');
    expect(result).toMatchObject({ ok: true, status: 200 });
  });

  it('When an item sells on eBay and eBay notifies twice, then one sale is recorded on the product, channel ebay, at eBay’s price with its fees and shipping, and the Vinted listing is deleted', async () => {
    const { seller, product, extension } = await sellerWithLiveProduct({ vinted: true });
    await extension.run({ until: (e) => e.succeeded('publish').length === 1 });
    await eventually('Vinted live', async () => (await listing(seller, product.id, 'vinted'))?.status === 'active');

    const order = ebay.sell({ sku: product.sku, price: 37.5, shipping: 4.9 }) as unknown as { orderId: string; lineItems: { lineItemId: string }[] };
    const deliveries = await ebay.deliverNotification(webhook(), 'ORDER_CONFIRMATION', ebay.orderConfirmationData(order.orderId), { duplicate: true });
    expect(deliveries.map((d) => d.status)).toEqual([204, 204]);
    // Acknowledged only once appended: the order's stream has the line, once.
    const log = await orderLog(seller, order.orderId);
    expect(log[0]).toMatchObject({ type: 'MarketplaceOrderReported', data: { marketplace: 'ebay', order_id: order.orderId, via: 'webhook', lines: [{ line_id: order.lineItems[0]!.lineItemId, quantity: 1 }] } });
    expect(log.filter((e) => e.type === 'MarketplaceOrderReported')).toHaveLength(1);

    await eventually('the line applied', async () => (await orderLog(seller, order.orderId)).some((e) => e.type === 'OrderLineApplied'));
    const history = await t.services.eventStore.readStream(seller.tenantId, `product-${product.id}`);
    const sales = history.filter((e) => e.type === 'ProductSold');
    expect(sales).toHaveLength(1);
    // eBay's fees on the order (totalMarketplaceFee: 13.25 % of 42.40 + 0.30 = 5.92) and the buyer's shipping; the seller's postage is not eBay's to say.
    expect(sales[0]!.data).toMatchObject({ channel: 'ebay', quantity: 1, unit_price_cents: 3750, remaining_stock: 0, fees_cents: 592, shipping_charged_cents: 490, shipping_paid_cents: 0 });
    const now = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    expect(now.body).toMatchObject({ status: 'sold', stock_quantity: 0 });

    // The other marketplace: its item leaves Vinted.
    await extension.run({ until: (e) => e.succeeded('delete').length === 1 });
    expect([...extension.wardrobe.items.values()].map((i) => i.status)).toEqual(['deleted']);
    await eventually('Vinted delisted', async () => (await listing(seller, product.id, 'vinted'))?.status === 'delisted');
    // eBay's own listing sold: it is sold there, and what eBay may still show of it is ended, once.
    const onEbay = await listing(seller, product.id, 'ebay');
    expect(onEbay?.status).toBe('sold_here');
    await eventually('closed on eBay', () => ebay.requests.some((r) => r.method === 'POST' && r.path === `/sell/inventory/v1/offer/${onEbay!.external.offer_id}/withdraw`));
    expect(ebay.requests.filter((r) => r.method === 'POST' && /\/withdraw$/.test(r.path))).toHaveLength(1);
  });

  it('When a signed notification holds a NUL or an unpaired surrogate, then the sale is recorded all the same (the text cleaned), not refused for eBay to send again', async () => {
    const { seller, product } = await sellerWithLiveProduct();
    const order = ebay.sell({ sku: product.sku }) as { orderId: string };
    const data = ebay.orderConfirmationData(order.orderId) as { user: { username: string } };
    data.user.username = `${data.user.username}\u0000\ud800`;
    const [delivery] = await ebay.deliverNotification(webhook(), 'ORDER_CONFIRMATION', data);
    expect(delivery!.status).toBe(204);
    expect((await orderLog(seller, order.orderId))[0]).toMatchObject({ type: 'MarketplaceOrderReported', data: { order_id: order.orderId, via: 'webhook' } });
  });

  it('When a notification is unsigned, signed by someone else, or altered, then 401 and nothing is recorded', async () => {
    const { seller, product } = await sellerWithLiveProduct();
    const order = ebay.sell({ sku: product.sku }) as { orderId: string };
    const data = ebay.orderConfirmationData(order.orderId);
    const [tampered] = await ebay.deliverNotification(webhook(), 'ORDER_CONFIRMATION', data, { badSignature: true });
    expect(tampered!.status).toBe(401);
    const unsigned = await fetch(webhook(), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: tampered!.sent });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const foreign = Buffer.from(JSON.stringify({ alg: 'ECDSA', kid: 'not-a-key-of-ebays', signature: 'MEUCIQ==', digest: 'SHA1' })).toString('base64');
    const forged = await fetch(webhook(), { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-EBAY-SIGNATURE': foreign }, body: tampered!.sent });
    expect(forged.status).toBe(401);
    expect(await orderLog(seller, order.orderId)).toEqual([]);
    expect((await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body.stock_quantity).toBe(1);
  });

  it('When eBay sells the last unit while its quantity still shows more (the update had not landed), then the eBay listing is ended there too, not left for sale', async () => {
    const { seller, product } = await sellerWithLiveProduct({ stock: 2 });
    // eBay does not take the quantity update for a while: it still shows two.
    ebay.faults.next({ path: '/sell/inventory/v1/bulk_update_price_quantity', kind: 'status', status: 500, times: 50 });
    try {
      const current = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
      await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).set('If-Match', String(current.headers.etag)).send({ quantity: 1, unit_price: 39.9 }).expect(201);
      // The quantity update was sent, and refused.
      const bulk = () => ebay.requests.filter((r) => r.method === 'POST' && r.path === '/sell/inventory/v1/bulk_update_price_quantity');
      await eventually('the quantity update refused by eBay', () => bulk().some((r) => r.status === 500 && (r.body as { requests: { sku: string }[] }).requests[0]?.sku === product.sku));
      expect(bulk().filter((r) => r.status !== undefined && r.status !== 500)).toEqual([]);
      const offer = [...ebay.state.offers.values()].find((o) => o.sku === product.sku)!;
      expect(offer.details.availableQuantity).toBe(2);
      const order = ebay.sell({ sku: product.sku, quantity: 1 }) as unknown as { orderId: string };
      expect([...ebay.state.listings.values()].find((l) => l.sku === product.sku)?.status).toBe('ACTIVE');
      await ebay.deliverNotification(webhook(), 'ORDER_CONFIRMATION', ebay.orderConfirmationData(order.orderId));
      await eventually('the eBay listing ended there', () => [...ebay.state.listings.values()].every((l) => l.sku !== product.sku || l.status === 'ENDED'));
      // Recorded once eBay has answered; the sale itself is recorded just after the listing is marked sold there.
      const stream = `listing-${(await listingOf(seller, product.id, 'ebay')).id}`;
      await eventually('recorded as closed', async () => (await t.services.eventStore.readStream(seller.tenantId, stream)).at(-1)?.type === 'ListingClosedAfterSale');
      expect((await t.services.eventStore.readStream(seller.tenantId, stream)).map((e) => e.type).slice(-2)).toEqual(['ListingSoldHere', 'ListingClosedAfterSale']);
      await eventually('sold', async () => (await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body.status === 'sold');
      expect((await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body.stock_quantity).toBe(0);
    } finally {
      ebay.faults.clear();
    }
  });

  it('When eBay sells more than the stock Stoflow has, then an oversell is detected naming the sale that came first, the seller is told, and it stays open until the seller settles it', async () => {
    const { seller, product } = await sellerWithLiveProduct({ stock: 2 });
    // Stock moved here meanwhile (one sold in the shop), and eBay sells two.
    const current = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    const shop = await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).set('If-Match', String(current.headers.etag)).send({ quantity: 1, unit_price: 39.9 }).expect(201);
    const order = ebay.sell({ sku: product.sku, quantity: 2 }) as unknown as { orderId: string; lineItems: { lineItemId: string }[] };
    await ebay.deliverNotification(webhook(), 'ORDER_CONFIRMATION', ebay.orderConfirmationData(order.orderId));
    await eventually('the line decided', async () => (await orderLog(seller, order.orderId)).some((e) => e.type === 'OrderLineRefused'));
    const refused = (await orderLog(seller, order.orderId)).find((e) => e.type === 'OrderLineRefused')!;
    expect(refused.data).toMatchObject({ line_id: order.lineItems[0]!.lineItemId, product_id: product.id, reason: 'oversold' });

    const open = await request(t.app).get('/api/sync/oversells').set(seller.auth).expect(200);
    expect(open.body.total).toBe(1);
    const oversell = open.body.items[0];
    expect(oversell).toMatchObject({
      product: { id: product.id, sku: product.sku },
      marketplace: 'ebay',
      order_id: order.orderId,
      line_id: order.lineItems[0]!.lineItemId,
      quantity: 2,
      stock_before: 1,
      competing_sales: [{ sale_id: shop.body.sale.id, channel: 'offline', quantity: 1, order_id: null }],
      status: 'open',
    });
    // The stock is what the shop sale left: nothing was taken for the sale that could not be covered.
    expect((await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body.stock_quantity).toBe(1);
    await eventually('the seller told', async () => ((await request(t.app).get('/api/notifications').set(seller.auth)).body.items as { kind: string }[]).some((n) => n.kind === 'oversold'));

    const resolve = `/api/products/${product.id}/oversells/${oversell.sale_id}/resolve`;
    const bad = await request(t.app).post(resolve).set(seller.auth).send({ resolution: 'forget_it' });
    expect([bad.status, bad.headers['content-type'], bad.body.errors?.[0]?.field]).toEqual([400, expect.stringMatching(/problem\+json/), 'resolution']);
    await request(t.app).post(resolve).set(seller.auth).send({ resolution: 'buyer_refunded', note: 'cancelled on eBay' }).expect(204);
    expect((await request(t.app).get('/api/sync/oversells').set(seller.auth)).body.total).toBe(0);
    const settled = await request(t.app).get('/api/sync/oversells?status=resolved').set(seller.auth);
    expect(settled.body.items).toEqual([expect.objectContaining({ sale_id: oversell.sale_id, status: 'resolved', resolution: 'buyer_refunded', note: 'cancelled on eBay' })]);
    const history = await t.services.eventStore.readStream(seller.tenantId, `product-${product.id}`);
    expect(history.map((e) => e.type).slice(-2)).toEqual(['OversoldDetected', 'OversellResolved']);
  });

  it('When the seller settles an eBay oversell by finding another unit, then it is a sale after all, and the buyer can return it like any sale', async () => {
    const { seller, product } = await sellerWithLiveProduct({ stock: 1 });
    await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 39.9 }).expect(201);
    const order = ebay.sell({ sku: product.sku, quantity: 1 }) as unknown as { orderId: string };
    await ebay.deliverNotification(webhook(), 'ORDER_CONFIRMATION', ebay.orderConfirmationData(order.orderId));
    await eventually('the line decided', async () => (await orderLog(seller, order.orderId)).some((e) => e.type === 'OrderLineRefused'));
    const oversell = (await request(t.app).get('/api/sync/oversells').set(seller.auth).expect(200)).body.items[0];
    const returnPath = `/api/products/${product.id}/sales/${oversell.sale_id as string}/return`;
    // Open, it is no sale yet.
    expect((await request(t.app).post(returnPath).set(seller.auth).send({})).status).toBe(404);

    await request(t.app).post(`/api/products/${product.id}/oversells/${oversell.sale_id as string}/resolve`).set(seller.auth).send({ resolution: 'item_found' }).expect(204);
    const returned = await request(t.app).post(returnPath).set(seller.auth).send({ reason: 'arrived damaged' });
    expect(returned.status).toBe(201);
    expect(returned.body).toMatchObject({ sale_id: oversell.sale_id, quantity: 1, restocked: true });
    expect((await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body).toMatchObject({ stock_quantity: 1 });
    // Asked again, the same return as recorded.
    const again = await request(t.app).post(returnPath).set(seller.auth).send({ reason: 'arrived damaged' });
    expect([again.status, again.body.sale_id]).toEqual([200, oversell.sale_id]);
  });

  it('When eBay deletes the seller’s account, then the eBay connection ends (tokens destroyed) and later orders of that account reach nobody', async () => {
    const { seller, username } = await sellerWithLiveProduct();
    const [deleted] = await ebay.deliverNotification(webhook(), 'MARKETPLACE_ACCOUNT_DELETION', ebay.accountDeletionData(username));
    expect(deleted!.status).toBe(204);
    const integrations = await request(t.app).get('/api/integrations').set(seller.auth);
    expect((integrations.body.items as { marketplace: string; status: string }[]).find((i) => i.marketplace === 'ebay')!.status).toBe('disconnected');
    const { rows } = await t.services.pool.query(`select count(*)::int as n from ${t.services.tenancy.table(seller.tenantId, 'marketplace_credentials')}`);
    expect(rows[0].n).toBe(0);
  });

  it('When a signed message has a shape eBay does not document, then it is acknowledged and nothing is recorded', async () => {
    const { seller, product } = await sellerWithLiveProduct();
    const order = ebay.sell({ sku: product.sku }) as { orderId: string };
    const data = ebay.orderConfirmationData(order.orderId) as { order: { orderLineItems: { quantity: unknown }[] } };
    data.order.orderLineItems[0]!.quantity = 'lots';
    const [odd] = await ebay.deliverNotification(webhook(), 'ORDER_CONFIRMATION', data as never);
    expect(odd!.status).toBe(204);
    expect(await orderLog(seller, order.orderId)).toEqual([]);
  });

  it('When a notification never came, then the poll finds the order and the sale is recorded; polls and a late notification add nothing more', async () => {
    const { seller, product } = await sellerWithLiveProduct();
    const order = ebay.sell({ sku: product.sku, price: 30 }) as unknown as { orderId: string };
    expect(await t.services.pollOrders(seller.tenantId, 'ebay')).toBe(1);
    await eventually('the polled line applied', async () => (await orderLog(seller, order.orderId)).some((e) => e.type === 'OrderLineApplied'));
    expect((await orderLog(seller, order.orderId))[0]).toMatchObject({ type: 'MarketplaceOrderReported', data: { via: 'poll', notification_id: null } });
    // The next poll's window overlaps the last: the same order again, nothing new.
    expect(await t.services.pollOrders(seller.tenantId, 'ebay')).toBe(0);
    const [late] = await ebay.deliverNotification(webhook(), 'ORDER_CONFIRMATION', ebay.orderConfirmationData(order.orderId));
    expect(late!.status).toBe(204);
    const log = await orderLog(seller, order.orderId);
    expect(log.filter((e) => e.type === 'MarketplaceOrderReported')).toHaveLength(1);
    const sold = (await t.services.eventStore.readStream(seller.tenantId, `product-${product.id}`)).filter((e) => e.type === 'ProductSold');
    expect(sold.map((e) => (e.data as { unit_price_cents: number }).unit_price_cents)).toEqual([3000]);
    // The cursor moved, and the request asked eBay for a window by last modification.
    const { rows } = await t.services.pool.query(`select polled_until from ${t.services.tenancy.table(seller.tenantId, 'marketplace_poll_cursors')} where marketplace = 'ebay'`);
    expect(rows).toHaveLength(1);
    const asked = ebay.requests.filter((r) => r.method === 'GET' && r.path === '/sell/fulfillment/v1/order');
    expect(asked.length).toBeGreaterThanOrEqual(2);
  });

  it('When a tenant has no eBay connection, then a poll asks eBay nothing', async () => {
    const { who } = await t.seller();
    const before = ebay.requests.length;
    expect(await t.services.pollOrders(who.tenantId, 'ebay')).toBe(0);
    expect(ebay.requests.length).toBe(before);
  });
});
