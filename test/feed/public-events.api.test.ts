import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { eventsJsonSchema, eventsJsonSchemaText, PUBLIC_EVENTS } from '../../src/audit/public-events';
import type { FeedItem } from '../../src/audit/event-feed';
import type { TestApp } from '../support/app';
import { registerSeller, startProductsApp, uniqueSku, type Seller } from '../products/support';
import { eventsSchemaValidator } from './events-schema';

const COMMITTED = join(__dirname, '..', '..', 'docs', 'events.schema.json');

describe('The public event schema of the feed', () => {
  let t: TestApp;
  let seller: Seller;

  beforeAll(async () => {
    t = await startProductsApp();
    seller = await registerSeller(t.app);
  });
  afterAll(() => t.close());

  const feed = async (query: string) => {
    const res = await request(t.app).get(`/api/events?${query}`).set(seller.auth);
    expect(res.status).toBe(200);
    return res.body.items as FeedItem[];
  };

  it('When the code generates the JSON Schema, then it is byte for byte the committed docs/events.schema.json (regenerate with `npm run events:schema`)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(eventsJsonSchemaText());
  });

  it('When GET /api/events/schema is read, without signing in, then it is the committed document', async () => {
    const res = await request(t.app).get('/api/events/schema');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(readFileSync(COMMITTED, 'utf8')));
    expect(res.body).toEqual(eventsJsonSchema());
  });

  it('When a ProductCreated was stored in its v1 shape (euros), then the feed gives it in the current v2 shape (cents), valid against the schema', async () => {
    const productId = randomUUID();
    const id = randomUUID();
    const v1 = {
      product_id: productId,
      sku: uniqueSku('V1'),
      title: 'Old jacket',
      description: 'Stored before prices were cents',
      price: 19.9,
      cost_price: 7.35,
      stock_quantity: 2,
      category: 'women-t-shirts',
      brand: null,
      size: null,
      color: null,
      gender: null,
      condition: 'very_good',
      created_at: '2024-03-01T10:00:00.000Z',
    };
    const before = await t.services.eventStore.head(seller.tenantId);
    await t.services.eventStore.append(seller.tenantId, `product-${productId}`, [{ id, type: 'ProductCreated', data: v1, schemaVersion: 1 }], 'no_stream');
    const [stored] = await t.services.eventStore.readStream(seller.tenantId, `product-${productId}`);
    expect(stored).toMatchObject({ id, schemaVersion: 2 }); // upcast on read; the row stays v1
    const items = (await feed(`after=${before}&type=ProductCreated`)).filter((i) => i.id === id);
    expect(items).toHaveLength(1);
    const item = items[0]!;
    expect(item).toMatchObject({ type: 'ProductCreated', schema_version: 2, stream: `product-${productId}`, version: 1 });
    expect(item.data).toMatchObject({ product_id: productId, price_cents: 1990, cost_price_cents: 735, title: 'Old jacket' });
    expect(item.data).not.toHaveProperty('price');
    expect(item.data).not.toHaveProperty('cost_price');
    const validate = eventsSchemaValidator();
    expect(validate(item) ? [] : validate.errors).toEqual([]);
  });

  it('When a ProductSold was stored before sales had fees and shipping, then the feed gives it with zeros, in the same public v1, valid against the schema', async () => {
    const stream = `product-${randomUUID()}`;
    const id = randomUUID();
    const before = await t.services.eventStore.head(seller.tenantId);
    const old = { sale_id: randomUUID(), quantity: 1, unit_price_cents: 2500, channel: 'offline', remaining_stock: 0, sold_at: '2025-06-01T10:00:00.000Z' };
    await t.services.eventStore.append(seller.tenantId, stream, [{ id, type: 'ProductSold', data: old, schemaVersion: 1 }], 'any');
    const [item] = (await feed(`after=${before}`)).filter((i) => i.id === id);
    expect(item).toMatchObject({ type: 'ProductSold', schema_version: 1 });
    expect(item!.data).toEqual({ ...old, fees_cents: 0, shipping_charged_cents: 0, shipping_paid_cents: 0 });
    const validate = eventsSchemaValidator();
    expect(validate(item) ? [] : validate.errors).toEqual([]);
  });

  it('When a stored event carries fields its public schema does not name, then the feed leaves them out', async () => {
    const stream = `product-${randomUUID()}`;
    const before = await t.services.eventStore.head(seller.tenantId);
    await t.services.eventStore.append(seller.tenantId, stream, [{ id: randomUUID(), type: 'ProductPriceChanged', data: { price_cents: 2500, previous_price_cents: 2000, changed_at: '2025-01-01T00:00:00.000Z', internal_note: 'not for consumers' } }], 'any');
    const [item] = (await feed(`after=${before}`)).filter((i) => i.stream === stream);
    expect(item!.data).toEqual({ price_cents: 2500, previous_price_cents: 2000, changed_at: '2025-01-01T00:00:00.000Z' });
  });

  it('When events of internal types are in the log, then the feed never sends them, and asking for one is a 400 naming type', async () => {
    const before = await t.services.eventStore.head(seller.tenantId);
    // Types of no public schema (the realistic flow's test meets the real internal ones).
    await t.services.eventStore.append(seller.tenantId, `feed-internal-${randomUUID()}`, [{ id: randomUUID(), type: 'ConnectionSecretRotated', data: { secret: 'x' } }], 'any');
    await t.services.eventStore.append(seller.tenantId, `feed-internal-${randomUUID()}`, [{ id: randomUUID(), type: 'LeaseTaken', data: { owner: 'worker-1' } }], 'any');
    expect(await feed(`after=${before}`)).toEqual([]);
    for (const type of ['MarketplaceConnected', 'PlanChanged', 'SkuReserved', 'NoSuchEvent', 'ProductSold,SkuReserved']) {
      for (const path of ['/api/events', '/api/events/stream']) {
        const res = await request(t.app).get(`${path}?type=${type}`).set(seller.auth);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.errors).toEqual([{ field: 'type', message: expect.stringContaining('not an event type of the feed') }]);
      }
    }
  });

  it('When the OpenAPI document is read, then a feed item is documented as one of the public types', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body;
    const items = doc.paths['/api/events'].get.responses[200].content['application/json'].schema.properties.items.items;
    const variants = (items.oneOf ?? items.anyOf) as { properties: { type: { const: string } } }[];
    expect(variants.map((v) => v.properties.type.const)).toEqual([...PUBLIC_EVENTS.types]);
    expect(doc.paths['/api/events/schema'].get.security).toEqual([]);
  });
});
