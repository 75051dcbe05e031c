import request from 'supertest';
import { testTenancy } from '../support/db';
import type { TestApp } from '../support/app';
import { createProduct, etag, logHead, productBody, registerSeller, startProductsApp, uniqueSku, type Seller } from '../products/support';

const MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/**
 * NUL and unpaired surrogates are valid in a JavaScript string but PostgreSQL stores neither
 * (text refuses NUL, jsonb refuses both): every request's text is refused at the edge, naming
 * the field, before anything is written.
 */
describe('Text PostgreSQL cannot store', () => {
  let t: TestApp;
  let seller: Seller;

  beforeAll(async () => {
    t = await startProductsApp();
    seller = await registerSeller(t.app);
  });
  afterAll(() => t.close());

  const productRows = async (sku: string) =>
    Number((await t.services.pool.query<{ n: string }>(`select count(*) as n from ${testTenancy.table(seller.tenantId, 'products')} where sku = $1`, [sku])).rows[0]!.n);

  it.each([
    ['a NUL character', 'Veste\u0000en jean'],
    ['an unpaired high surrogate', 'Veste \ud800 en jean'],
    ['an unpaired low surrogate at the end', 'Veste en jean \udc00'],
  ])('When a new product’s title holds %s, then it is a 400 naming title, and no event or row is stored', async (_case, title) => {
    const before = await logHead(t, seller);
    const sku = uniqueSku();
    const res = await request(t.app).post('/api/products').set(seller.auth).send(productBody({ sku, title }));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ field: 'title', message: MESSAGE }]);
    expect(await logHead(t, seller)).toBe(before);
    expect(await productRows(sku)).toBe(0);
  });

  it('When a PATCH sets a description with a NUL character, then it is a 400 naming description and the product is unchanged', async () => {
    const product = await createProduct(t.app, seller);
    const before = await logHead(t, seller);
    const res = await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', etag(1)).send({ description: 'Bleu\u0000brut', title: 'Fine' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'description', message: MESSAGE }]);
    expect(await logHead(t, seller)).toBe(before);
    const read = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    expect(read.body).toMatchObject({ title: product.title, description: product.description, version: 1 });
  });

  it('When a custom brand’s name holds an unpaired surrogate, then it is a 400 naming name and no brand is added', async () => {
    const before = await logHead(t, seller);
    const res = await request(t.app).post('/api/attributes/brands').set(seller.auth).send({ name: 'Atelier \ud83d' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'name', message: MESSAGE }]);
    expect(await logHead(t, seller)).toBe(before);
    const rows = await t.services.pool.query(`select name from ${testTenancy.table(seller.tenantId, 'custom_brands')} where name like 'Atelier%'`);
    expect(rows.rowCount).toBe(0);
  });

  it('When an array item holds a NUL character, then the problem names its index', async () => {
    const product = await createProduct(t.app, seller);
    const res = await request(t.app).put(`/api/products/${product.id}/images/order`).set(seller.auth).set('If-Match', etag(1)).send({ image_ids: ['a', 'b\u0000'] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'image_ids.1', message: MESSAGE }]);
  });

  it.each([
    ['/api/products?brand=%00', 'brand'],
    ['/api/products?category=men%00', 'category'],
    ['/api/attributes/brands?q=ni%00', 'q'],
  ])('When a query parameter holds a NUL character (%s), then it is a 400 naming it', async (url, field) => {
    const res = await request(t.app).get(url).set(seller.auth);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ field, message: MESSAGE }]);
  });

  it('When a sign-in email holds a NUL character, then it is a 400 naming email', async () => {
    const res = await request(t.app).post('/api/auth/login').send({ email: `${seller.email}\u0000`, password: seller.password });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'email', message: MESSAGE }]);
  });

  it('When a path segment is not valid percent-encoded UTF-8, then it is a 400 problem, not a 500', async () => {
    for (const id of ['%ED%A0%80', '%E0%A4%A', '%FF']) {
      const res = await request(t.app).get(`/api/products/${id}`).set(seller.auth);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('malformed_path');
    }
  });
});
