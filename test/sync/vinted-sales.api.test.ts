/*
 * A sale on Vinted, as the seller's extension sees it: a sold order in its observations. The
 * product is sold there, and its eBay listing is withdrawn.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startEbayDouble, type EbayDouble } from '../doubles/ebay';
import { JPEG } from '../products/images';
import { createProduct, type Seller } from '../products/support';
import { startPluginApp, type PluginApp } from '../plugin/support';

const CALLBACK = 'https://stoflow.test/api/integrations/ebay/callback';

describe('Vinted sales come in through the extension and end the other listings', () => {
  let ebay: EbayDouble;
  let t: PluginApp;
  let users = 0;

  beforeAll(async () => {
    ebay = await startEbayDouble({
      users: Array.from({ length: 3 }, (_, i) => ({
        username: `vseller_${i}`,
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
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: 'https://stoflow.test',
    });
    await t.services.startProcessing();
  });
  afterAll(async () => {
    await t.close();
    await ebay.close();
  });

  async function eventually(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: never`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A seller of their own, with one product live on Vinted only (through their extension). */
  async function liveOnVinted() {
    const { who, extensions } = await t.seller();
    const extension = extensions[0]!;
    const seller: Seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    const product = await createProduct(t.app, seller);
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['vinted'], overrides: { vinted: { category_id: '221' } } }).expect(202);
    await extension.run({ until: (e) => e.succeeded('publish').length === 1 });
    await eventually('live', async () => (await listing(seller, product.id, 'vinted'))?.status === 'active');
    return { seller, extension, product };
  }

  async function listing(seller: Seller, productId: string, marketplace: string) {
    const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
    return (res.body.items as { marketplace: string; status: string; external: Record<string, string> }[]).find((l) => l.marketplace === marketplace);
  }

  it('When the item sells on Vinted and the extension reports it (twice), then one sale is recorded at Vinted’s price, the Vinted listing is sold there and the eBay offer is withdrawn', async () => {
    ebay.setConsent({ username: `vseller_${users++}` });
    const { who, extensions } = await t.seller();
    const extension = extensions[0]!;
    const seller: Seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    const start = await request(t.app).get('/api/integrations/ebay/connect').set(seller.auth);
    const back = new URL((await fetch(start.body.authorization_url, { redirect: 'manual' })).headers.get('location')!);
    expect((await request(t.app).get(`${back.pathname}${back.search}`)).status).toBe(200);
    const product = await createProduct(t.app, seller);
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay', 'vinted'], overrides: { ebay: { category_id: '11450' }, vinted: { category_id: '221' } } }).expect(202);
    await extension.run({ until: (e) => e.succeeded('publish').length === 1 });
    await eventually('both live', async () => (await listing(seller, product.id, 'ebay'))?.status === 'active' && (await listing(seller, product.id, 'vinted'))?.status === 'active');
    const itemId = (await listing(seller, product.id, 'vinted'))!.external.item_id!;

    const { sale, answer } = await extension.sell(itemId);
    expect(answer.status).toBe(202);
    expect((await extension.observe({ sold: [sale] })).status).toBe(202);
    await eventually('the Vinted sale applied', async () => (await t.services.eventStore.readStream(seller.tenantId, `order-vinted-${sale.order_id}`)).some((e) => e.type === 'OrderLineApplied'));
    const sold = (await t.services.eventStore.readStream(seller.tenantId, `product-${product.id}`)).filter((e) => e.type === 'ProductSold');
    expect(sold.map((e) => e.data)).toEqual([expect.objectContaining({ channel: 'vinted', quantity: 1, unit_price_cents: Math.round(Number(sale.price) * 100), remaining_stock: 0 })]);

    await eventually('eBay delisted', async () => (await listing(seller, product.id, 'ebay'))?.status === 'delisted');
    const offer = [...ebay.state.offers.values()].find((o) => o.sku === product.sku)!;
    expect(offer.status).toBe('UNPUBLISHED');
    expect((await listing(seller, product.id, 'vinted'))?.status).toBe('sold_here');
    // Nothing is deleted on Vinted: it sold there.
    expect(extension.received.filter((r) => r.kind === 'delete')).toEqual([]);
    const lines = await request(t.app).get('/api/sync/orders?marketplace=vinted').set(seller.auth);
    expect(lines.body.items).toEqual([expect.objectContaining({ order_id: sale.order_id, outcome: 'applied', product_id: product.id, sale_id: expect.any(String) })]);
  });

  it('When one of two units sells on Vinted, then the Vinted item is sold there (a Vinted item is one unit) and eBay shows the one left', async () => {
    ebay.setConsent({ username: `vseller_${users++}` });
    const { who, extensions } = await t.seller();
    const extension = extensions[0]!;
    const seller: Seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    const start = await request(t.app).get('/api/integrations/ebay/connect').set(seller.auth);
    const back = new URL((await fetch(start.body.authorization_url, { redirect: 'manual' })).headers.get('location')!);
    expect((await request(t.app).get(`${back.pathname}${back.search}`)).status).toBe(200);
    const product = await createProduct(t.app, seller, { stock_quantity: 2 });
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['ebay', 'vinted'], overrides: { ebay: { category_id: '11450' }, vinted: { category_id: '221' } } }).expect(202);
    await extension.run({ until: (e) => e.succeeded('publish').length === 1 });
    await eventually('both live', async () => (await listing(seller, product.id, 'ebay'))?.status === 'active' && (await listing(seller, product.id, 'vinted'))?.status === 'active');

    await extension.sell((await listing(seller, product.id, 'vinted'))!.external.item_id!);
    await eventually('the Vinted listing sold there', async () => (await listing(seller, product.id, 'vinted'))?.status === 'sold_here');
    // The listing is marked sold there just before the sale is recorded on the product.
    await eventually('the sale recorded', async () => (await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body.stock_quantity === 1);
    const offer = [...ebay.state.offers.values()].find((o) => o.sku === product.sku)!;
    await eventually('eBay shows one', () => (offer.details as { availableQuantity?: number }).availableQuantity === 1);
    // eBay holds the new quantity once the call reaches it; the listing is active again once its answer is recorded.
    await eventually('the eBay listing active again', async () => (await listing(seller, product.id, 'ebay'))?.status === 'active');
    // Nothing more goes to the Vinted item that sold: no update, no delete.
    await new Promise((r) => setTimeout(r, 300));
    expect(extension.received.filter((r) => r.kind !== 'publish')).toEqual([]);
  });

  it('When Vinted answers an update with 404 (the item is gone there), then the listing has ended there, not live and failing', async () => {
    const { seller, extension, product } = await liveOnVinted();
    extension.failNext({ status: 404, retryable: false, body: '{"code":104,"message":"Item not found"}' });
    const current = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', String(current.headers.etag)).send({ price: 24 }).expect(200);
    await extension.run({ until: (e) => e.reports.some((r) => r.task.kind === 'update') });
    await eventually('ended there', async () => (await listing(seller, product.id, 'vinted'))?.status === 'ended_externally');
  });

  it('When an update Vinted refused is asked again for the same product version (its trigger delivered again), then it is queued afresh and done, not left updating', async () => {
    const { seller, extension, product } = await liveOnVinted();
    extension.failNext({ status: 400, retryable: false, body: '{"code":99,"message":"Try again later"}' });
    const current = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', String(current.headers.etag)).send({ price: 24 }).expect(200);
    await extension.run({ until: (e) => e.reports.some((r) => r.task.kind === 'update') });
    const vinted = await listing(seller, product.id, 'vinted');
    const log = () => t.services.eventStore.readStream(seller.tenantId, `listing-${(vinted as unknown as { id: string }).id}`);
    await eventually('the refusal recorded', async () => (await log()).at(-1)?.type === 'ListingUpdateFailed');

    const priced = (await t.services.eventStore.readStream(seller.tenantId, `product-${product.id}`)).find((e) => e.type === 'ProductPriceChanged')!;
    const updater = t.services.reactors.find((r) => r.name === 'listing_updater')!;
    await updater.react(priced, { tenant: seller.tenantId, idempotencyKey: `listing_updater:${priced.id}`, attempt: 2, metadata: { actor: 'reactor:listing_updater', causation_id: priced.id } });
    await extension.run({ until: (e) => e.succeeded('update').length === 1 });
    await eventually('updated', async () => (await log()).at(-1)?.type === 'ListingUpdated');
    expect((await listing(seller, product.id, 'vinted'))?.status).toBe('active');
  });

  it('When the item sells on Vinted after the product sold out (its delete still waiting), then the oversell is flagged and the Vinted listing is sold there, not left delisting', async () => {
    const { seller, extension, product } = await liveOnVinted();
    const current = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).set('If-Match', String(current.headers.etag)).send({ quantity: 1, unit_price: 30 }).expect(201);
    await eventually('delisting', async () => (await listing(seller, product.id, 'vinted'))?.status === 'delisting');

    const { sale } = await extension.sell((await listing(seller, product.id, 'vinted'))!.external.item_id!);
    await eventually('the line decided', async () => (await t.services.eventStore.readStream(seller.tenantId, `order-vinted-${sale.order_id}`)).some((e) => e.type === 'OrderLineRefused'));
    expect((await t.services.eventStore.readStream(seller.tenantId, `product-${product.id}`)).filter((e) => e.type === 'OversoldDetected')).toHaveLength(1);
    await eventually('sold there', async () => (await listing(seller, product.id, 'vinted'))?.status === 'sold_here');
  });

  it('When an item Stoflow listed is removed on Vinted by hand, then its listing ended there; one Stoflow deleted stays delisted', async () => {
    const { who, extensions } = await t.seller();
    const extension = extensions[0]!;
    const seller: Seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    const publishOne = async () => {
      const product = await createProduct(t.app, seller);
      await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
      await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['vinted'], overrides: { vinted: { category_id: '221' } } }).expect(202);
      return product;
    };
    const [kept, withdrawn] = [await publishOne(), await publishOne()];
    await extension.run({ until: (e) => e.succeeded('publish').length === 2 });
    await eventually('both live', async () => (await listing(seller, kept.id, 'vinted'))?.status === 'active' && (await listing(seller, withdrawn.id, 'vinted'))?.status === 'active');
    const keptItem = (await listing(seller, kept.id, 'vinted'))!.external.item_id!;
    const withdrawnItem = (await listing(seller, withdrawn.id, 'vinted'))!.external.item_id!;
    await request(t.app).delete(`/api/products/${withdrawn.id}/listings/vinted`).set(seller.auth).expect(202);
    await extension.run({ until: (e) => e.succeeded('delete').length === 1 });
    await eventually('delisted', async () => (await listing(seller, withdrawn.id, 'vinted'))?.status === 'delisted');

    // The seller deletes the first item in Vinted's app; the extension sees both gone.
    extension.wardrobe.delete(keptItem);
    expect((await extension.observe({ removed: [{ vinted_item_id: keptItem }, { vinted_item_id: withdrawnItem }, { vinted_item_id: '123456' }] })).status).toBe(202);
    expect((await listing(seller, kept.id, 'vinted'))?.status).toBe('ended_externally');
    expect((await listing(seller, withdrawn.id, 'vinted'))?.status).toBe('delisted');
  });

  it('When the extension reports a sale of an item Stoflow never listed, then the line is recorded as unknown, not dropped', async () => {
    const { who, extensions } = await t.seller();
    const extension = extensions[0]!;
    const answer = await extension.observe({ sold: [{ vinted_item_id: '999000111', order_id: '7100000001', price: '15.00', currency: 'EUR' }] });
    expect(answer.status).toBe(202);
    await eventually('the line decided', async () => (await t.services.eventStore.readStream(who.tenantId, 'order-vinted-7100000001')).some((e) => e.type === 'OrderLineRefused'));
    const refused = (await t.services.eventStore.readStream(who.tenantId, 'order-vinted-7100000001')).find((e) => e.type === 'OrderLineRefused')!;
    expect(refused.data).toMatchObject({ line_id: '7100000001', product_id: null, reason: 'unknown_listing' });
    // Listed for the seller, and only for this seller.
    const seller = { Authorization: `Bearer ${who.accessToken}` };
    const unmatched = await request(t.app).get('/api/sync/unmatched').set(seller);
    expect(unmatched.status).toBe(200);
    expect(unmatched.body).toMatchObject({ total: 1, items: [{ marketplace: 'vinted', order_id: '7100000001', listing_id: '999000111', quantity: 1, unit_price: 15, currency: 'EUR', via: 'extension', outcome: 'refused', reason: 'unknown_listing' }] });
    const stranger = await t.seller();
    expect((await request(t.app).get('/api/sync/unmatched').set({ Authorization: `Bearer ${stranger.who.accessToken}` })).body.total).toBe(0);
    expect((await request(t.app).get('/api/sync/orders?outcome=maybe').set(seller)).status).toBe(400);
  });
});
