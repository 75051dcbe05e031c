import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { createProduct, registerSeller, startProductsApp, type Seller } from '../products/support';
import { testTenancy } from '../support/db';

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Background work the seller sees', () => {
  let t: TestApp;
  let seller: Seller;
  let other: Seller;

  beforeAll(async () => {
    t = await startProductsApp();
    await t.services.startProcessing();
    [seller, other] = await Promise.all([registerSeller(t.app), registerSeller(t.app)]);
  });
  afterAll(async () => t.close());

  it('When the last unit of a product is sold, then the seller gets one "sold out" notification and nobody else does', async () => {
    const product = await createProduct(t.app, seller, { stock_quantity: 1 });
    const sale = await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 39.9, channel: 'offline' });
    expect(sale.status).toBe(201);

    const page = await eventually(
      async () => (await request(t.app).get('/api/notifications').set(seller.auth)).body,
      (body: { total: number; items: Record<string, unknown>[] }) => body.total > 0,
    );
    expect(page).toMatchObject({ total: 1, limit: 20, offset: 0 });
    expect(page.items[0]).toMatchObject({ kind: 'stock_depleted', product_id: product.id, title: 'Sold out', read_at: null });

    const theirs = await request(t.app).get('/api/notifications').set(other.auth);
    expect(theirs.body).toMatchObject({ total: 0, items: [] });
  });

  it('When a background reaction failed for good, then the seller sees it as a dead letter, and only in their own shop', async () => {
    await t.services.pool.query(
      `insert into ${testTenancy.table(seller.tenantId, 'reaction_failures')}
         (reactor, event_id, event_position, event_type, stream_id, event, attempts, status, last_error)
       values ('ebay_publisher', $1, 1, 'ProductPublishRequested', 'product-x', '{}', 6, 'dead', 'eBay rejected the listing: missing item specifics')`,
      [randomUUID()],
    );
    const res = await request(t.app).get('/api/processing/failures?status=dead').set(seller.auth);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ reactor: 'ebay_publisher', status: 'dead', attempts: 6, last_error: 'eBay rejected the listing: missing item specifics' }),
    ]);
    const theirs = await request(t.app).get('/api/processing/failures').set(other.auth);
    expect(theirs.body.items).toEqual([]);
  });

  it('When the filters are wrong, then a 400 problem names them', async () => {
    const res = await request(t.app).get('/api/processing/failures?status=lost&limit=0').set(seller.auth);
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['limit', 'status']);
    const bad = await request(t.app).get('/api/notifications?unread=maybe').set(seller.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('unread');
  });

  it('When no token is sent, then both lists answer 401', async () => {
    expect((await request(t.app).get('/api/notifications')).status).toBe(401);
    expect((await request(t.app).get('/api/processing/failures')).status).toBe(401);
  });
});
