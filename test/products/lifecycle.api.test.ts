import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { createProduct, etag, fieldsOf, logHead, registerSeller, startProductsApp, type Seller } from './support';

describe('Product lifecycle: sales, archive, history', () => {
  let t: TestApp;
  let seller: Seller;

  beforeAll(async () => {
    t = await startProductsApp();
    seller = await registerSeller(t.app);
  });
  afterAll(() => t.close());

  const sell = (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    request(t.app).post(`/api/products/${id}/sales`).set(seller.auth).set(headers).send(body);
  const read = (id: string) => request(t.app).get(`/api/products/${id}`).set(seller.auth);

  describe('POST /api/products/{id}/sales', () => {
    it('When part of the stock sells, then it answers 201, the stock goes down and the product stays for sale', async () => {
      const product = await createProduct(t.app, seller, { stock_quantity: 3 });
      const res = await sell(product.id, { quantity: 2, unit_price: 35.5, channel: 'offline' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: product.id, stock_quantity: 1, sold_quantity: 2, status: 'draft', version: 2 });
      expect(res.body.sale).toMatchObject({ quantity: 2, unit_price: 35.5, channel: 'offline', remaining_stock: 1 });
      expect(res.headers.etag).toBe(etag(2));
    });

    it('When the last unit sells, then the product is sold', async () => {
      const product = await createProduct(t.app, seller, { stock_quantity: 1 });
      expect((await sell(product.id, { quantity: 1, unit_price: 20, channel: 'offline' })).body).toMatchObject({ status: 'sold', stock_quantity: 0 });
      expect((await read(product.id)).body).toMatchObject({ status: 'sold', stock_quantity: 0 });
      expect((await request(t.app).get('/api/products').query({ status: 'sold' }).set(seller.auth)).body.items.map((p: { id: string }) => p.id)).toContain(product.id);
    });

    it('When a quantity is not given, then one unit sells', async () => {
      const product = await createProduct(t.app, seller, { stock_quantity: 2 });
      expect((await sell(product.id, { unit_price: 20 })).body).toMatchObject({ stock_quantity: 1 });
    });

    it('When more than the stock is sold, then it answers 422 naming quantity and nothing changes', async () => {
      const product = await createProduct(t.app, seller, { stock_quantity: 1 });
      const before = await logHead(t, seller);
      const res = await sell(product.id, { quantity: 2, unit_price: 20, channel: 'offline' });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('insufficient_stock');
      expect(fieldsOf(res.body)).toEqual(['quantity']);
      expect(await logHead(t, seller)).toBe(before);
    });

    it('When a sold product sells again, then it answers 422', async () => {
      const product = await createProduct(t.app, seller, { stock_quantity: 1 });
      await sell(product.id, { quantity: 1, unit_price: 20 }).expect(201);
      expect((await sell(product.id, { quantity: 1, unit_price: 20 })).status).toBe(422);
    });

    it.each([
      ['quantity', 422, { quantity: 0, unit_price: 10 }],
      ['quantity', 422, { quantity: 1.5, unit_price: 10 }],
      ['unit_price', 422, { quantity: 1, unit_price: 0 }],
      ['channel', 422, { quantity: 1, unit_price: 10, channel: 'vinted' }],
      ['unit_price', 400, { quantity: 1 }],
      ['buyer', 400, { quantity: 1, unit_price: 10, buyer: 'Ann' }],
    ])('When %s is refused (%i, %p), then the problem names it', async (field, status, body) => {
      const product = await createProduct(t.app, seller, { stock_quantity: 5 });
      const res = await sell(product.id, body);
      expect(res.status).toBe(status);
      expect(fieldsOf(res.body)).toEqual([field]);
    });

    it('When twenty sales of one product race without If-Match, then all twenty answer 201 and are recorded; sent with the same If-Match, one answers 201 and the others 412', async () => {
      const product = await createProduct(t.app, seller, { stock_quantity: 40 });
      const unnamed = await Promise.all(Array.from({ length: 20 }, () => sell(product.id, { quantity: 1, unit_price: 5, channel: 'offline' })));
      expect(unnamed.map((r) => r.status)).toEqual(Array(20).fill(201));
      expect(new Set(unnamed.map((r) => r.headers.etag)).size).toBe(20);
      expect((await read(product.id)).body).toMatchObject({ stock_quantity: 20, sold_quantity: 20, version: 21 });

      const named = await Promise.all(Array.from({ length: 20 }, () => sell(product.id, { quantity: 1, unit_price: 5, channel: 'offline' }, { 'If-Match': etag(21) })));
      expect(named.filter((r) => r.status === 201)).toHaveLength(1);
      expect(named.filter((r) => r.status === 412)).toHaveLength(19);
      expect((await read(product.id)).body).toMatchObject({ stock_quantity: 19, version: 22 });
    });

    it('When a sale is retried with the same Idempotency-Key, then it is recorded once', async () => {
      const product = await createProduct(t.app, seller, { stock_quantity: 5 });
      const key = randomUUID();
      const body = { quantity: 1, unit_price: 10, channel: 'offline' };
      const answers = await Promise.all([sell(product.id, body, { 'Idempotency-Key': key }), sell(product.id, body, { 'Idempotency-Key': key })]);
      const retry = await sell(product.id, body, { 'Idempotency-Key': key });
      expect([...answers, retry].map((r) => r.status)).toEqual([201, 201, 201]);
      expect(retry.body.sale.id).toBe(answers[0]!.body.sale.id);
      expect((await read(product.id)).body.stock_quantity).toBe(4);
    });

    it('When the product is archived, then a sale is refused with 422', async () => {
      const product = await createProduct(t.app, seller);
      await request(t.app).delete(`/api/products/${product.id}`).set(seller.auth).expect(204);
      expect((await sell(product.id, { quantity: 1, unit_price: 10 })).body.code).toBe('product_archived');
    });
  });

  describe('PATCH /api/products/{id}/sales/{sale_id}', () => {
    const patch = (id: string, saleId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      request(t.app).patch(`/api/products/${id}/sales/${saleId}`).set(seller.auth).set(headers).send(body);

    it('When a sale is recorded with fees and shipping, then the sale answers them; set later, the ones not sent stay', async () => {
      const product = await createProduct(t.app, seller, { stock_quantity: 2 });
      const sold = await sell(product.id, { unit_price: 30, fees: 1.2, shipping_charged: 4.5 }).expect(201);
      expect(sold.body.sale).toMatchObject({ unit_price: 30, fees: 1.2, shipping_charged: 4.5, shipping_paid: 0 });
      const res = await patch(product.id, sold.body.sale.id, { shipping_paid: 3.99 }, { 'If-Match': sold.headers.etag! });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sale_id: sold.body.sale.id, fees: 1.2, shipping_charged: 4.5, shipping_paid: 3.99 });
      expect(res.headers.etag).toBe(etag(3));
      // The same again records nothing.
      const again = await patch(product.id, sold.body.sale.id, { shipping_paid: 3.99 }).expect(200);
      expect(again.headers.etag).toBe(etag(3));
    });

    it.each([
      [{}, 400, 'fees'],
      [{ fees: -1 }, 422, 'fees'],
      [{ shipping_paid: 0.001 }, 422, 'shipping_paid'],
      [{ shipping_charged: '4' }, 400, 'shipping_charged'],
      [{ tip: 2 }, 400, 'tip'],
    ])('When %j is sent, then it answers %i naming %s, and nothing is recorded', async (body, status, field) => {
      const product = await createProduct(t.app, seller);
      const sold = await sell(product.id, { unit_price: 30 }).expect(201);
      const before = await logHead(t, seller);
      const res = await patch(product.id, sold.body.sale.id, body);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fieldsOf(res.body)).toContain(field);
      expect(await logHead(t, seller)).toBe(before);
    });

    it('When the sale is not one of the product, or the If-Match is stale, then it answers 404 or 412', async () => {
      const product = await createProduct(t.app, seller, { stock_quantity: 2 });
      const sold = await sell(product.id, { unit_price: 30 }).expect(201);
      expect((await patch(product.id, randomUUID(), { fees: 1 })).status).toBe(404);
      expect((await patch(product.id, sold.body.sale.id, { fees: 1 }, { 'If-Match': etag(1) })).status).toBe(412);
    });

    it("When another seller names this seller's sale, then it is not found for them", async () => {
      const product = await createProduct(t.app, seller);
      const sold = await sell(product.id, { unit_price: 30 }).expect(201);
      const other = await registerSeller(t.app);
      const res = await request(t.app).patch(`/api/products/${product.id}/sales/${sold.body.sale.id}`).set(other.auth).send({ fees: 1 });
      expect(res.status).toBe(404);
    });
  });

  describe('POST /api/products/{id}/sales/{sale_id}/return', () => {
    const giveBack = (id: string, saleId: string, body: Record<string, unknown> = {}) => request(t.app).post(`/api/products/${id}/sales/${saleId}/return`).set(seller.auth).send(body);

    it('When a sold-out product comes back, then it answers 201 with the refund, and the product is in stock and for sale again; asked again, 200 with the same return', async () => {
      const product = await createProduct(t.app, seller, { stock_quantity: 1 });
      const sold = await sell(product.id, { unit_price: 30, shipping_charged: 4 }).expect(201);
      expect(sold.body).toMatchObject({ status: 'sold', stock_quantity: 0 });
      const res = await giveBack(product.id, sold.body.sale.id, { reason: 'too small' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ sale_id: sold.body.sale.id, quantity: 1, refund: 30, restocked: true, stock_quantity: 1, returned_at: expect.any(String) });
      expect(res.headers.etag).toBe(etag(3));
      expect((await read(product.id)).body).toMatchObject({ status: 'draft', stock_quantity: 1, version: 3 });
      const again = await giveBack(product.id, sold.body.sale.id, { refund: 5 });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(res.body);
    });

    it.each([
      [{ refund: 34.01 }, 422, 'refund'],
      [{ refund: -2 }, 422, 'refund'],
      [{ restock: 'yes' }, 400, 'restock'],
      [{ reason: 'x'.repeat(501) }, 400, 'reason'],
      [{ refund_all: true }, 400, 'refund_all'],
    ])('When %j is sent, then it answers %i naming %s, and nothing is recorded', async (body, status, field) => {
      const product = await createProduct(t.app, seller);
      const sold = await sell(product.id, { unit_price: 30, shipping_charged: 4 }).expect(201);
      const before = await logHead(t, seller);
      const res = await giveBack(product.id, sold.body.sale.id, body);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fieldsOf(res.body)).toContain(field);
      expect(await logHead(t, seller)).toBe(before);
    });

    it('When the sale is unknown, then 404; for another seller, the sale is not found either', async () => {
      const product = await createProduct(t.app, seller);
      const sold = await sell(product.id, { unit_price: 30 }).expect(201);
      expect((await giveBack(product.id, randomUUID())).status).toBe(404);
      const other = await registerSeller(t.app);
      expect((await request(t.app).post(`/api/products/${product.id}/sales/${sold.body.sale.id}/return`).set(other.auth).send({})).status).toBe(404);
    });
  });

  describe('DELETE /api/products/{id}', () => {
    it('When a product is deleted, then it answers 204, stays readable as archived, and leaves the default list', async () => {
      const product = await createProduct(t.app, seller);
      const res = await request(t.app).delete(`/api/products/${product.id}`).set(seller.auth);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const after = await read(product.id);
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ status: 'archived', version: 2 });
      expect(Date.parse(after.body.archived_at)).not.toBeNaN();
      const listed = (q: Record<string, string>) => request(t.app).get('/api/products').query({ limit: 100, ...q }).set(seller.auth);
      expect((await listed({})).body.items.map((p: { id: string }) => p.id)).not.toContain(product.id);
      expect((await listed({ status: 'archived' })).body.items.map((p: { id: string }) => p.id)).toContain(product.id);
    });

    it('When it is deleted twice, then the second answers 204 too and appends nothing', async () => {
      const product = await createProduct(t.app, seller);
      await request(t.app).delete(`/api/products/${product.id}`).set(seller.auth).expect(204);
      const before = await logHead(t, seller);
      await request(t.app).delete(`/api/products/${product.id}`).set(seller.auth).expect(204);
      expect(await logHead(t, seller)).toBe(before);
    });

    it('When If-Match is stale, then it answers 412', async () => {
      const product = await createProduct(t.app, seller);
      await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', etag(1)).send({ title: 'Edited' }).expect(200);
      expect((await request(t.app).delete(`/api/products/${product.id}`).set(seller.auth).set('If-Match', etag(1))).status).toBe(412);
    });

    it('When the id is unknown, then it answers 404', async () => {
      expect((await request(t.app).delete(`/api/products/${randomUUID()}`).set(seller.auth)).status).toBe(404);
    });
  });

  describe('GET /api/products/{id}/history', () => {
    it('When a product has lived, then its events come oldest first with version, type, data, time and actor', async () => {
      const product = await createProduct(t.app, seller, { stock_quantity: 2 });
      await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', etag(1)).send({ price: 25, title: 'Renamed' }).expect(200);
      await sell(product.id, { quantity: 2, unit_price: 24 }).expect(201);
      await request(t.app).delete(`/api/products/${product.id}`).set(seller.auth).expect(204);
      const res = await request(t.app).get(`/api/products/${product.id}/history`).set(seller.auth);
      expect(res.status).toBe(200);
      const items = res.body.items as { version: number; type: string; data: Record<string, unknown>; recorded_at: string; actor: string }[];
      expect(items.map((i) => [i.version, i.type])).toEqual([
        [1, 'ProductCreated'],
        [2, 'ProductDetailsUpdated'],
        [3, 'ProductPriceChanged'],
        [4, 'ProductSold'],
        [5, 'ProductArchived'],
      ]);
      expect(items[0]!.data).toMatchObject({ product_id: product.id, sku: product.sku, price_cents: 3990 });
      expect(items[2]!.data).toMatchObject({ price_cents: 2500, previous_price_cents: 3990 });
      expect(items[3]!.data).toMatchObject({ quantity: 2, unit_price_cents: 2400, channel: 'offline', remaining_stock: 0 });
      expect(items.every((i) => i.actor === seller.userId && !Number.isNaN(Date.parse(i.recorded_at)))).toBe(true);
    });

    it('When the id is unknown, then it answers 404', async () => {
      expect((await request(t.app).get(`/api/products/${randomUUID()}/history`).set(seller.auth)).status).toBe(404);
    });
  });
});
