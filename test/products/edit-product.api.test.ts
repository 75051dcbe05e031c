import request from 'supertest';
import type { TestApp } from '../support/app';
import { createProduct, etag, fieldsOf, logHead, registerSeller, startProductsApp, type Seller } from './support';

describe('PATCH /api/products/{id}', () => {
  let t: TestApp;
  let seller: Seller;

  beforeAll(async () => {
    t = await startProductsApp();
    seller = await registerSeller(t.app);
  });
  afterAll(() => t.close());

  const patch = (id: string, body: Record<string, unknown>, ifMatch?: string) => {
    const req = request(t.app).patch(`/api/products/${id}`).set(seller.auth);
    return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send(body);
  };

  it('When fields are edited with the current ETag, then it answers 200 with the new representation and a new ETag', async () => {
    const product = await createProduct(t.app, seller);
    const res = await patch(product.id, { title: 'Raw denim jeans', brand: 'ADIDAS', price: 29.5, stock_quantity: 4, color: null }, etag(1));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: product.id, title: 'Raw denim jeans', brand: 'adidas', price: 29.5, stock_quantity: 4, color: null, version: 4 });
    expect(res.headers.etag).toBe(etag(4));
    expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(res.body.created_at));
    const read = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    expect(read.body).toEqual(res.body);
    const types = (await t.services.eventStore.readStream(seller.tenantId, `product-${product.id}`)).map((e) => e.type);
    expect(types).toEqual(['ProductCreated', 'ProductDetailsUpdated', 'ProductPriceChanged', 'ProductStockAdjusted']);
  });

  it.each([
    ['a weak ETag', 'W/"1"'],
    ['the same number spelled differently', '"01"'],
    ['a list where only a weak member names the version', 'W/"1", "7"'],
    ['one entity tag with a comma inside its quotes', '"1,2"'],
  ])('When If-Match is %s (%s), then the strong comparison fails: 412 and nothing is appended', async (_case, ifMatch) => {
    const product = await createProduct(t.app, seller);
    const before = await logHead(t, seller);
    const res = await patch(product.id, { title: 'Weakly matched' }, ifMatch);
    expect(res.status).toBe(412);
    expect(res.body.code).toBe('version_conflict');
    expect(await logHead(t, seller)).toBe(before);
  });

  it('When If-Match is a list, then it matches if any member names the current version; * still matches any version', async () => {
    const product = await createProduct(t.app, seller);
    const res = await patch(product.id, { title: 'Listed' }, '"5", "1"');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(etag(2));
    expect((await patch(product.id, { title: 'Listed again' }, '"1","2" , "9"')).status).toBe(200);
    expect((await patch(product.id, { title: 'Whatever it is now' }, '*')).status).toBe(200);
  });

  it.each([
    ['a bare number', '2'],
    ['an unclosed quote', '"1'],
    ['a star inside a list', '*, "1"'],
    ['a word', 'latest'],
  ])('When If-Match is malformed (%s), then it answers 400 naming If-Match and appends nothing', async (_case, ifMatch) => {
    const product = await createProduct(t.app, seller);
    const before = await logHead(t, seller);
    const res = await patch(product.id, { title: 'Never' }, ifMatch);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res.body)).toEqual(['If-Match']);
    expect(await logHead(t, seller)).toBe(before);
  });

  it('When nothing actually changes, then it answers 200 and appends nothing', async () => {
    const product = await createProduct(t.app, seller);
    const before = await logHead(t, seller);
    const res = await patch(product.id, { title: product.title, price: product.price }, etag(1));
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(etag(1));
    expect(await logHead(t, seller)).toBe(before);
  });

  it('When If-Match is stale, then it answers 412 and changes nothing', async () => {
    const product = await createProduct(t.app, seller);
    expect((await patch(product.id, { title: 'First' }, etag(1))).status).toBe(200);
    const before = await logHead(t, seller);
    const res = await patch(product.id, { title: 'Second' }, etag(1));
    expect(res.status).toBe(412);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await logHead(t, seller)).toBe(before);
    expect((await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body.title).toBe('First');
  });

  it('When If-Match is missing, then it answers 428', async () => {
    const product = await createProduct(t.app, seller);
    const res = await patch(product.id, { title: 'No precondition' });
    expect(res.status).toBe(428);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('When ten PATCHes race with the same If-Match, then exactly one answers 200 and the others 412', async () => {
    const product = await createProduct(t.app, seller);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => patch(product.id, { title: `Racer ${i}` }, etag(1))));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 412, 412, 412, 412, 412, 412, 412, 412, 412]);
    expect(await t.services.eventStore.readStream(seller.tenantId, `product-${product.id}`)).toHaveLength(2);
  });

  it.each([
    ['price', 422, { price: 0 }],
    ['price', 422, { price: 1.234 }],
    ['title', 422, { title: '' }],
    ['stock_quantity', 422, { stock_quantity: -3 }],
    ['category', 422, { category: 'women-tops' }],
    ['condition', 422, { condition: 'mint' }],
    ['color', 422, { color: 'ultraviolet' }],
    ['price', 400, { price: 'free' }],
    ['sku', 400, { sku: 'NEW-SKU' }],
    ['tenant_id', 400, { tenant_id: 1 }],
  ])('When %s is refused (%i, %p), then the problem names it and nothing is appended', async (field, status, body) => {
    const product = await createProduct(t.app, seller);
    const before = await logHead(t, seller);
    const res = await patch(product.id, body, etag(1));
    expect(res.status).toBe(status);
    expect(fieldsOf(res.body)).toEqual([field]);
    expect(await logHead(t, seller)).toBe(before);
  });

  it('When the product is sold, then an edit is refused with 422', async () => {
    const product = await createProduct(t.app, seller, { stock_quantity: 1 });
    await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 20, channel: 'offline' }).expect(201);
    const res = await patch(product.id, { stock_quantity: 5 }, etag(2));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('product_sold');
  });

  it('When the product is archived, then an edit is refused with 422', async () => {
    const product = await createProduct(t.app, seller);
    await request(t.app).delete(`/api/products/${product.id}`).set(seller.auth).expect(204);
    const res = await patch(product.id, { title: 'Back from the dead' }, etag(2));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('product_archived');
  });

  it('When the id is unknown, then it answers 404 with or without If-Match', async () => {
    expect((await patch('4f1c1e9e-0000-4000-8000-000000000000', { title: 'x' }, etag(1))).status).toBe(404);
    expect((await patch('4f1c1e9e-0000-4000-8000-000000000000', { title: 'x' })).status).toBe(404);
  });
});
