import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { FeedItem } from '../../src/audit/event-feed';
import { openSse } from '../feed/sse-client';
import type { TestApp } from '../support/app';
import { testTenancy } from '../support/db';
import { startKurrentDbDouble, type KurrentDbDouble } from '../doubles/kurrentdb/server';
import { createProduct, etag, productBody, registerSeller, startProductsApp, uniqueSku, type Seller } from '../products/support';
import { assertBuilt, stoflow, stoflowJson } from '../cli/support';
import { PUBLIC_EVENT_DEFINITIONS } from '../../src/audit/public-events';

/**
 * The whole service with its event log on KurrentDB (the protocol double), read models, accounts
 * and checkpoints on the real PostgreSQL: commands answer once the processor has applied their
 * events, so every read below follows its write at once.
 */
describe('The service with EVENTSTORE_CONNECTION_STRING set (KurrentDB double)', () => {
  let double: KurrentDbDouble;
  let t: TestApp;
  let seller: Seller;
  const env = () => ({ EVENTSTORE_CONNECTION_STRING: double.connectionString });
  const streamsOf = (tenant: number) => new Set(double.log.all.filter((e) => e.stream.startsWith(`${testTenancy.schema(tenant)}.`)).map((e) => e.stream));

  beforeAll(async () => {
    assertBuilt();
    double = await startKurrentDbDouble();
    t = await startProductsApp(env());
    await t.services.startProcessing();
    seller = await registerSeller(t.app);
  });
  afterAll(async () => {
    await t.close();
    await double.stop();
  });

  it('When a seller creates a product, then it reads back at once and its events and SKU reservation are in KurrentDB', async () => {
    // Arrange
    const owner = await registerSeller(t.app);
    // Act
    const created = await createProduct(t.app, owner, { title: 'Veste en jean', price: 39.9 });
    const read = await request(t.app).get(`/api/products/${created.id}`).set(owner.auth);
    const listed = await request(t.app).get('/api/products?limit=100').set(owner.auth);
    // Assert
    expect(t.services.eventStore.backend).toBe('eventstoredb');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.id, title: 'Veste en jean', price: 39.9, version: 1 });
    expect(listed.body.items ?? listed.body.data ?? listed.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: created.id })]));
    const schema = testTenancy.schema(owner.tenantId);
    expect(streamsOf(owner.tenantId)).toEqual(new Set([`${schema}.product-${created.id}`, `${schema}.sku-${created.sku.toLowerCase()}`]));
    // The reservation is taken first: a refused one leaves no product behind.
    const order = double.log.all.filter((e) => e.stream.startsWith(schema)).map((e) => e.type);
    expect(order).toEqual(['SkuReserved', 'ProductCreated']);
  });

  it('When a second product takes a SKU already used, then it answers 409 through the reservation and no product is left behind', async () => {
    const sku = uniqueSku();
    const first = await createProduct(t.app, seller, { sku });
    const before = double.log.all.length;

    const duplicate = await request(t.app).post('/api/products').set(seller.auth).send(productBody({ sku: sku.toLowerCase() }));
    const list = await request(t.app).get(`/api/products?limit=100`).set(seller.auth);

    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ code: 'duplicate_sku' });
    const items = (list.body.items ?? list.body.data ?? list.body) as { id: string; sku: string }[];
    expect(items.filter((p) => p.sku.toLowerCase() === sku.toLowerCase()).map((p) => p.id)).toEqual([first.id]);
    // The reservation was refused before anything else was written, so the processor has no
    // orphan creation to trip over and the next creation answers as usual.
    expect(double.log.all.slice(before)).toEqual([]);
    expect((await request(t.app).post('/api/products').set(seller.auth).send(productBody())).status).toBe(201);
  });

  it("When the product's append fails after its SKU was reserved, then the SKU is given back and can be used at once", async () => {
    // Arrange: the server loses the product's write (the reservation, taken first, holds).
    const sku = uniqueSku();
    const reservation = `${testTenancy.schema(seller.tenantId)}.sku-${sku.toLowerCase()}`;
    double.faults.failNext(/\.product-/);
    // Act
    const failed = await request(t.app).post('/api/products').set(seller.auth).send(productBody({ sku }));
    const again = await request(t.app).post('/api/products').set(seller.auth).send(productBody({ sku }));
    // Assert
    expect(failed.status).toBe(500);
    expect(again.status).toBe(201);
    expect(double.log.stream(reservation)?.map((e) => e.type)).toEqual(['SkuReserved', 'SkuReleased', 'SkuReserved']);
  });

  it('When KurrentDB does not confirm the write in time, then the create answers 503 with Retry-After, the SKU is given back, and the same request then succeeds', async () => {
    // Arrange: the server times out the product's write (the reservation, taken first, holds).
    const sku = uniqueSku();
    const reservation = `${testTenancy.schema(seller.tenantId)}.sku-${sku.toLowerCase()}`;
    double.faults.failNext(/\.product-/, 1, 'timeout');
    // Act
    const refused = await request(t.app).post('/api/products').set(seller.auth).send(productBody({ sku }));
    const again = await request(t.app).post('/api/products').set(seller.auth).send(productBody({ sku }));
    // Assert
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.body).toMatchObject({ status: 503, code: 'event_store_unavailable', detail: expect.stringContaining('may or may not have been saved') });
    expect(again.status).toBe(201);
    expect(double.log.stream(reservation)?.map((e) => e.type)).toEqual(['SkuReserved', 'SkuReleased', 'SkuReserved']);
  });

  it('When a product is edited with If-Match, then the edit reads back at once and a stale If-Match answers 412', async () => {
    const product = await createProduct(t.app, seller, { price: 20 });

    const edit = await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', etag(product.version)).send({ price: 24.9, title: 'Robe lin' });
    const read = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    const stale = await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', etag(product.version)).send({ price: 1 });

    expect(edit.status).toBe(200);
    expect(edit.body.version).toBeGreaterThan(product.version);
    expect(edit.headers.etag).toBe(etag(edit.body.version));
    expect(read.body).toMatchObject({ price: 24.9, title: 'Robe lin', version: edit.body.version });
    expect(stale.status).toBe(412);
    expect((await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body).toMatchObject({ price: 24.9 });
  });

  it('When a read-model row is tampered with, then verify finds the drift from the KurrentDB log and replay repairs it', async () => {
    const product = await createProduct(t.app, seller, { price: 55 });
    const tenant = String(seller.tenantId);
    expect(await stoflowJson(['verify', '--tenant', tenant], 0, env())).toMatchObject({ identical: true, drift: [] });

    await t.services.pool.query(`update ${testTenancy.table(seller.tenantId, 'products')} set price_cents = 1 where id = $1`, [product.id]);
    const drifted = await stoflow(['verify', '--tenant', tenant], env());
    const replay = await stoflow(['replay', '--tenant', tenant], env());
    const clean = await stoflow(['verify', '--tenant', tenant], env());

    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain(`id="${product.id}": price_cents is 1, the log says 5500`);
    expect(replay.code).toBe(0);
    expect(clean.code).toBe(0);
    expect((await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body).toMatchObject({ price: 55 });
  });

  it('When an offline sale is recorded, then the analytics projection applies it from the KurrentDB log and the summary counts it', async () => {
    // Arrange
    const owner = await registerSeller(t.app);
    const product = await createProduct(t.app, owner, { price: 30, cost_price: 12, stock_quantity: 2 });
    // Act
    const sale = await request(t.app).post(`/api/products/${product.id}/sales`).set(owner.auth).send({ quantity: 1, unit_price: 28.5 });
    const deadline = Date.now() + 20_000;
    let summary = await request(t.app).get('/api/analytics/summary').set(owner.auth);
    while (summary.body?.sales?.sales !== 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      summary = await request(t.app).get('/api/analytics/summary').set(owner.auth);
    }
    // Assert
    expect(sale.status).toBe(201);
    expect(summary.status).toBe(200);
    expect(summary.body.sales).toMatchObject({ sales: 1, units: 1, revenue: 28.5, cost_of_goods: 12, net_profit: 16.5 });
    expect(double.log.all.filter((e) => e.stream === `${testTenancy.schema(owner.tenantId)}.product-${product.id}`).length).toBeGreaterThan(1);
  });

  it("When the event feed is paged, then it returns the tenant's public KurrentDB events once each, in log order, and a caught-up page is empty", async () => {
    // Arrange
    const owner = await registerSeller(t.app);
    const products = [await createProduct(t.app, owner), await createProduct(t.app, owner), await createProduct(t.app, owner)];
    // Act
    const seen: FeedItem[] = [];
    let after = 0;
    for (let pages = 0; pages < 50; pages++) {
      const page = await request(t.app).get(`/api/events?after=${after}&limit=2`).set(owner.auth);
      expect(page.status).toBe(200);
      const { items, next_after } = page.body as { items: FeedItem[]; next_after: number };
      if (items.length === 0) {
        expect(next_after).toBe(after);
        break;
      }
      expect(items.length).toBeLessThanOrEqual(2);
      seen.push(...items);
      after = next_after;
    }
    // Assert
    const schema = testTenancy.schema(owner.tenantId);
    const published = new Set(PUBLIC_EVENT_DEFINITIONS.map((d) => d.type));
    const logged = double.log.all.filter((e) => e.stream.startsWith(`${schema}.`) && published.has(e.type));
    expect(logged.length).toBeGreaterThanOrEqual(3);
    expect(seen.map((i) => [i.stream, i.type, i.version])).toEqual(logged.map((e) => [e.stream.slice(schema.length + 1), e.type, Number(e.revision) + 1]));
    expect(seen.map((i) => i.position)).toEqual(logged.map((e) => Number(e.position)));
    expect(seen.filter((i) => i.type === 'ProductCreated').map((i) => i.stream)).toEqual(products.map((p) => `product-${p.id}`));
    expect(after).toBe(Number(await t.services.eventStore.head(owner.tenantId)));
  });

  it('When a client follows GET /api/events/stream, then a product created meanwhile arrives live from the KurrentDB log', async () => {
    // Arrange
    const owner = await registerSeller(t.app);
    const server = await new Promise<Server>((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const head = Number(await t.services.eventStore.head(owner.tenantId));
    const stream = await openSse(`${base}/api/events/stream?after=${head}&type=ProductCreated`, owner.auth);
    try {
      // Act
      const product = await createProduct(t.app, owner, { title: 'Trench beige' });
      const [message] = await stream.waitForMessages(1, 15_000);
      // Assert
      expect(stream.status).toBe(200);
      const item = JSON.parse(message!.data) as FeedItem;
      expect(item).toMatchObject({ stream: `product-${product.id}`, type: 'ProductCreated', version: 1 });
      expect(message!.event).toBe('ProductCreated');
      expect(message!.id).toBe(String(item.position));
      expect((item.data as { title?: string }).title).toBe('Trench beige');
    } finally {
      stream.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  describe('while the processor is not running', () => {
    let stalled: TestApp;
    beforeAll(async () => {
      // The same log and database, with no projector running for the tenant it registers.
      stalled = await startProductsApp({ ...env(), READ_YOUR_WRITES_TIMEOUT_MS: '300' });
    });
    afterAll(() => stalled.close());

    /** The products projection's lag on /health, polled until `settled` (the report is cached for 2 s). */
    const lagOf = async (tenant: number, settled: (events: number) => boolean) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const health = await request(stalled.app).get('/health');
        const products = health.body.checks?.projections?.lag?.products as { events: number; tenant: number | null } | undefined;
        const events = products && (products.tenant === tenant || products.events === 0) ? products.events : -1;
        if (settled(events) || Date.now() > deadline) return { health, events };
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    it('When a product is created, then the command answers projection_lag within its bound with the event appended, /health shows the lag, and it reads 0 once the processor caught up', async () => {
      // Arrange
      const owner = await registerSeller(stalled.app);
      const schema = testTenancy.schema(owner.tenantId);
      const sku = uniqueSku();
      // Act
      const started = Date.now();
      const created = await request(stalled.app).post('/api/products').set(owner.auth).send(productBody({ sku, title: 'Pull marin' }));
      const took = Date.now() - started;
      const behind = await lagOf(owner.tenantId, (events) => events > 0);
      // Assert: refused to wait past READ_YOUR_WRITES_TIMEOUT_MS, yet the write is in the log.
      expect(created.status).toBe(503);
      expect(created.body).toMatchObject({ code: 'projection_lag' });
      expect(took).toBeLessThan(5_000);
      const appended = double.log.all.filter((e) => e.stream.startsWith(`${schema}.product-`));
      expect(appended.map((e) => e.type)).toEqual(['ProductCreated']);
      expect(behind.events).toBeGreaterThan(0);
      expect(behind.health.body.checks.projections.lag.products).toEqual({ events: 1, tenant: owner.tenantId });

      // Act: the processor starts and catches up.
      await stalled.services.startProcessing();
      const deadline = Date.now() + 20_000;
      let listed = await request(stalled.app).get('/api/products?limit=100').set(owner.auth);
      const items = () => (listed.body.items ?? listed.body.data ?? listed.body) as { sku: string; title: string }[];
      while (!items().some((p) => p.sku === sku) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        listed = await request(stalled.app).get('/api/products?limit=100').set(owner.auth);
      }
      const caughtUp = await lagOf(owner.tenantId, (events) => events === 0);
      // Assert
      expect(items()).toEqual([expect.objectContaining({ sku, title: 'Pull marin' })]);
      expect(caughtUp.events).toBe(0);
      expect(caughtUp.health.body.checks.projections.lag.products.events).toBe(0);
    });
  });
});
