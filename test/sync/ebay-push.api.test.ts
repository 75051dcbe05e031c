/*
 * Connecting eBay subscribes the seller to eBay's order pushes: the destination
 * `{PUBLIC_BASE_URL}/api/webhooks/ebay` is registered once (eBay validates it with its challenge,
 * answered by Stoflow itself), each seller gets an ORDER_CONFIRMATION subscription, and a sale on
 * eBay then arrives by push alone — no test hand-delivers it. Against the eBay double.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startEbayDouble, type EbayDouble } from '../doubles/ebay';
import { JPEG } from '../products/images';
import { createProduct, type Seller } from '../products/support';
import { startPluginApp, type PluginApp } from '../plugin/support';

const CALLBACK = 'https://stoflow.test/api/integrations/ebay/callback';

describe('Connecting eBay subscribes the seller to eBay’s order notifications', () => {
  let ebay: EbayDouble;
  let t: PluginApp;
  let users = 0;

  beforeAll(async () => {
    ebay = await startEbayDouble({
      users: Array.from({ length: 4 }, (_, i) => ({
        username: `pushed_${i}`,
        fulfillmentPolicies: [{ name: 'Colissimo', marketplaceId: 'EBAY_FR' }],
        paymentPolicies: [{ name: 'Paiement géré', marketplaceId: 'EBAY_FR' }],
        returnPolicies: [{ name: '30 jours', marketplaceId: 'EBAY_FR' }],
        locations: [{ merchantLocationKey: 'atelier', location: { address: { city: 'Lyon', postalCode: '69001', country: 'FR' } }, merchantLocationStatus: 'ENABLED', name: 'Atelier' }],
      })),
    });
    ebay.setAcceptUrl(ebay.app.ruName, CALLBACK, CALLBACK);
    t = await startPluginApp({
      EBAY_CLIENT_ID: ebay.app.clientId,
      EBAY_CLIENT_SECRET: ebay.app.clientSecret,
      EBAY_RU_NAME: ebay.app.ruName,
      EBAY_API_BASE_URL: ebay.baseUrl,
      EBAY_AUTH_BASE_URL: ebay.authBaseUrl,
      EBAY_NOTIFICATION_VERIFICATION_TOKEN: 'stoflow-push-verification-token-0123456789',
      EBAY_NOTIFICATION_ALERT_EMAIL: 'alerts@stoflow.test',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: 'https://stoflow.test',
    });
    // eBay reaches https://stoflow.test where this test's server listens.
    ebay.routeEndpoint('https://stoflow.test', t.baseUrl);
    await t.services.startProcessing();
  });
  afterAll(async () => {
    await t.close();
    await ebay.close();
  });

  async function eventually<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: never (last: ${JSON.stringify(value)})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function connect(seller: Seller, username: string): Promise<void> {
    ebay.setConsent({ username });
    const start = await request(t.app).get('/api/integrations/ebay/connect').set(seller.auth);
    const consent = await fetch(start.body.authorization_url, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect((await request(t.app).get(`${back.pathname}${back.search}`)).status).toBe(200);
  }

  async function newSeller(): Promise<{ seller: Seller; username: string }> {
    const username = `pushed_${users++}`;
    const { who } = await t.seller();
    const seller: Seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    await connect(seller, username);
    return { seller, username };
  }

  const notifications = async (seller: Seller) => {
    const res = await request(t.app).get('/api/integrations').set(seller.auth).expect(200);
    return (res.body.items as { marketplace: string; notifications: { status: string; topics: string[]; subscribed_at: string | null; reason: string | null } | null }[]).find((i) => i.marketplace === 'ebay')!.notifications;
  };
  const subscribed = (seller: Seller) => eventually('notifications subscribed', () => notifications(seller), (n) => n?.status === 'subscribed');
  const subscriptionsOf = (username: string) => [...ebay.notifications.subscriptions.values()].filter((s) => s.userId === ebay.state.userByName(username)!.userId);

  it('When a seller connects eBay, then Stoflow registers its endpoint with eBay once, subscribes the seller to ORDER_CONFIRMATION, and shows it', async () => {
    const { seller, username } = await newSeller();
    expect(await subscribed(seller)).toEqual({ status: 'subscribed', topics: ['ORDER_CONFIRMATION'], subscribed_at: expect.any(String), reason: null });
    expect(ebay.notifications.alertEmail).toBe('alerts@stoflow.test');
    expect([...ebay.notifications.destinations.values()]).toEqual([expect.objectContaining({ status: 'ENABLED', deliveryConfig: { endpoint: 'https://stoflow.test/api/webhooks/ebay', verificationToken: 'stoflow-push-verification-token-0123456789' } })]);
    expect(subscriptionsOf(username)).toEqual([expect.objectContaining({ topicId: 'ORDER_CONFIRMATION', status: 'ENABLED' })]);
    const log = await t.services.eventStore.readStream(seller.tenantId, 'connection-ebay');
    expect(log.map((e) => e.type)).toEqual(['MarketplaceConnected', 'MarketplaceSettingsChosen', 'MarketplaceNotificationsSubscribed']);
    expect(log[2]!.metadata).toMatchObject({ causation_id: log[0]!.id, actor: 'reactor:marketplace_notifications' });

    // A second seller shares the destination; reconnecting keeps one subscription.
    const other = await newSeller();
    await subscribed(other.seller);
    expect(ebay.notifications.destinations.size).toBe(1);
    await connect(seller, username);
    await eventually('asked again after the reconnection', async () => (await t.services.eventStore.readStream(seller.tenantId, 'connection-ebay')).filter((e) => e.type === 'MarketplaceNotificationsSubscribed').length, (n) => n === 2);
    expect(subscriptionsOf(username)).toHaveLength(1);
  });

  it('When an item sells on eBay, then eBay’s own push records the sale, by webhook, and the product is sold', async () => {
    const { seller, username } = await newSeller();
    await subscribed(seller);
    const product = await createProduct(t.app, seller, { stock_quantity: 1 });
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }).expect(202);
    await eventually('live on eBay', async () => (await request(t.app).get(`/api/products/${product.id}/listings`).set(seller.auth)).body.items[0]?.status, (s) => s === 'active');

    const order = ebay.sell({ sku: product.sku }) as { orderId: string };
    const deliveries = await ebay.notifyOrder(order.orderId);
    expect(deliveries.map((d) => d.status)).toEqual([204]);
    const reported = await t.services.eventStore.readStream(seller.tenantId, `order-ebay-${order.orderId}`);
    expect(reported[0]).toMatchObject({ type: 'MarketplaceOrderReported', data: { via: 'webhook', order_id: order.orderId } });
    await eventually('sold', async () => (await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body, (p) => p.status === 'sold' && p.stock_quantity === 0);
    expect(subscriptionsOf(username)).toHaveLength(1);
  });

  it('When eBay fails the first try, then the subscription is retried and made once; once disconnected, the integration shows no notifications', async () => {
    ebay.faults.next({ method: 'POST', path: '/commerce/notification/v1/subscription', kind: 'status', status: 503 });
    const { seller } = await newSeller();
    await subscribed(seller);
    const log = await t.services.eventStore.readStream(seller.tenantId, 'connection-ebay');
    expect(log.filter((e) => e.type === 'MarketplaceNotificationsSubscribed')).toHaveLength(1);
    expect(ebay.requests.filter((r) => r.method === 'POST' && r.path === '/commerce/notification/v1/subscription' && r.status === 503)).toHaveLength(1);

    await request(t.app).delete('/api/integrations/ebay').set(seller.auth).expect(204);
    expect(await notifications(seller)).toBeNull();
  });
});
