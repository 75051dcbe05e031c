import request from 'supertest';
import type { TestApp } from '../support/app';
import { JPEG, PNG } from './images';
import { createProduct, etag, fieldsOf, registerSeller, startProductsApp, uniqueSku, type Seller } from './support';

describe('GET /api/products', () => {
  let t: TestApp;
  let seller: Seller;
  const ids: Record<'tee' | 'blouse' | 'jumper' | 'jeans' | 'sneakers', string> = { tee: '', blouse: '', jumper: '', jeans: '', sneakers: '' };

  beforeAll(async () => {
    t = await startProductsApp();
    seller = await registerSeller(t.app);
    const made = async (fields: Record<string, unknown>) => (await createProduct(t.app, seller, { size: null, color: null, gender: null, description: '', ...fields })).id;
    ids.tee = await made({ sku: uniqueSku('TEE'), title: 'Striped cotton tee', category: 'women-t-shirts', brand: 'Nike', price: 12.5 });
    ids.blouse = await made({ sku: uniqueSku('BLOUSE'), title: 'Silk blouse', description: 'Vintage silk, ivory', category: 'women-blouses', brand: 'Zara', price: 45 });
    ids.jumper = await made({ sku: 'JUMPER-3-XYZ', title: 'Wool jumper', category: 'women-jumpers', brand: 'adidas', price: 30 });
    ids.jeans = await made({ sku: uniqueSku('JEANS'), title: 'Straight jeans', category: 'jeans', brand: "Levi's", price: 60 });
    ids.sneakers = await made({ sku: uniqueSku('SNK'), title: 'Court sneakers', category: 'sneakers', brand: 'Nike', price: 80, stock_quantity: 1 });
    await request(t.app).delete(`/api/products/${ids.jeans}`).set(seller.auth).expect(204);
    await request(t.app).post(`/api/products/${ids.sneakers}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 75, channel: 'offline' }).expect(201);
    await request(t.app).post(`/api/products/${ids.tee}/images`).set(seller.auth).attach('file', PNG, 'tee.png').attach('file', JPEG, 'tee.jpg').expect(201);
  });
  afterAll(() => t.close());

  const list = (query: Record<string, string | number> = {}) => request(t.app).get('/api/products').query(query).set(seller.auth);
  const idsOf = (res: request.Response) => (res.body.items as { id: string }[]).map((p) => p.id);

  it('When listed without filters, then every product but the archived ones comes, newest first, with total, limit and offset', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 4, limit: 20, offset: 0 });
    expect(idsOf(res)).toEqual([ids.sneakers, ids.jumper, ids.blouse, ids.tee]);
    expect(res.body.items[0]).toMatchObject({ status: 'sold', stock_quantity: 0, version: 2, images: [] });
  });

  it.each([
    ['archived', ['jeans']],
    ['sold', ['sneakers']],
    ['draft', ['jumper', 'blouse', 'tee']],
    ['draft,sold', ['sneakers', 'jumper', 'blouse', 'tee']],
  ] as const)('When filtered on status=%s, then only those come', async (status, expected) => {
    const res = await list({ status });
    expect(idsOf(res)).toEqual(expected.map((k) => ids[k]));
    expect(res.body.total).toBe(expected.length);
  });

  it.each([
    ['women-t-shirts', ['tee']],
    ['women-tops', ['blouse', 'tee']],
    ['women', ['jumper', 'blouse', 'tee']],
    ['men', ['sneakers']],
  ] as const)('When filtered on category=%s, then the category and everything under it come', async (category, expected) => {
    const res = await list({ category });
    expect(idsOf(res)).toEqual(expected.map((k) => ids[k]));
    expect(res.body.total).toBe(expected.length);
  });

  it('When filtered on a brand in another case, then its products come', async () => {
    expect(idsOf(await list({ brand: 'NIKE' }))).toEqual([ids.sneakers, ids.tee]);
  });

  it.each([
    ['vintage', ['blouse'], 'a word of the description'],
    ['strip', ['tee'], 'the start of a title word'],
    ['Silk Blouse', ['blouse'], 'several words, any case'],
    ['JUMPER-3', ['jumper'], 'the SKU'],
    ['nothing-like-this', [], 'no product'],
  ] as const)('When searched for %p, then it finds %p (%s)', async (q, expected, _what) => {
    const res = await list({ q });
    expect(idsOf(res)).toEqual(expected.map((k) => ids[k]));
    expect(res.body.total).toBe(expected.length);
  });

  it('When filtered on a price range in euros, then both ends are included', async () => {
    expect(idsOf(await list({ min_price: 30, max_price: 45 }))).toEqual([ids.jumper, ids.blouse]);
    expect(idsOf(await list({ min_price: '12.50', max_price: '12.50' }))).toEqual([ids.tee]);
  });

  it('When filters are combined, then a product must pass all of them', async () => {
    expect(idsOf(await list({ category: 'women', brand: 'zara', q: 'silk', max_price: 100 }))).toEqual([ids.blouse]);
  });

  it.each([
    ['price', ['tee', 'jumper', 'blouse', 'sneakers']],
    ['-price', ['sneakers', 'blouse', 'jumper', 'tee']],
    ['title', ['sneakers', 'blouse', 'tee', 'jumper']],
    ['-title', ['jumper', 'tee', 'blouse', 'sneakers']],
    ['created_at', ['tee', 'blouse', 'jumper', 'sneakers']],
    ['-created_at', ['sneakers', 'jumper', 'blouse', 'tee']],
  ] as const)('When sorted by %s, then the order follows it', async (sort, expected) => {
    expect(idsOf(await list({ sort }))).toEqual(expected.map((k) => ids[k]));
  });

  it('When paged with limit and offset, then the page is that slice and total counts them all', async () => {
    const res = await list({ sort: 'price', limit: 2, offset: 1 });
    expect(res.body).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(idsOf(res)).toEqual([ids.jumper, ids.blouse]);
    expect((await list({ offset: 10 })).body).toMatchObject({ items: [], total: 4 });
  });

  it.each([
    ['status', { status: 'deleted' }],
    ['status', { status: 'draft,nope' }],
    ['category', { category: 'no-such-category' }],
    ['limit', { limit: 0 }],
    ['limit', { limit: 101 }],
    ['limit', { limit: 'ten' }],
    ['offset', { offset: -1 }],
    ['sort', { sort: 'color' }],
    ['min_price', { min_price: 'cheap' }],
    ['max_price', { max_price: -5 }],
    ['min_price', { min_price: 50, max_price: 10 }],
    ['colour', { colour: 'blue' }],
  ])('When %s has a bad value (%p), then it answers 400 naming it', async (field, query) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res.body)).toEqual([field]);
  });

  it('When several filters are bad at once, then each is named', async () => {
    const res = await list({ status: 'x', limit: 1000, sort: 'y' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body).sort()).toEqual(['limit', 'sort', 'status']);
  });

  it("When another tenant lists, then none of this seller's products come", async () => {
    const other = await registerSeller(t.app);
    const res = await request(t.app).get('/api/products').query({ status: 'draft,sold,archived' }).set(other.auth);
    expect(res.body).toMatchObject({ items: [], total: 0 });
  });

  it('When a product is created, then the create answer, the detail and the list item are one and the same representation', async () => {
    const created = await request(t.app)
      .post('/api/products')
      .set(seller.auth)
      .send({ sku: uniqueSku('SAME'), title: 'Same everywhere', price: 19.99, cost_price: 0.1, category: 'women-t-shirts', condition: 'good', brand: 'nike' });
    expect(created.status).toBe(201);
    const detail = await request(t.app).get(`/api/products/${created.body.id}`).set(seller.auth);
    const listed = (await list({ q: created.body.sku })).body.items[0];
    expect(detail.body).toEqual(created.body);
    expect(listed).toEqual(created.body);
  });

  it('When a product has been sold, or has images, then the detail and the list item still agree', async () => {
    const sold = await request(t.app).get(`/api/products/${ids.sneakers}`).set(seller.auth);
    expect((await list({ status: 'sold' })).body.items[0]).toEqual(sold.body);
    expect(sold.body).toMatchObject({ price: 80, sold_at: expect.any(String), archived_at: null });
    const pictured = await request(t.app).get(`/api/products/${ids.tee}`).set(seller.auth);
    expect((await list({ q: 'striped cotton' })).body.items[0]).toEqual(pictured.body);
    expect(pictured.body.images.map((i: { content_type: string; position: number }) => [i.content_type, i.position])).toEqual([
      ['image/png', 0],
      ['image/jpeg', 1],
    ]);
  });

  describe('GET /api/products/{id}', () => {
    it('When a product is read, then it answers 200 with its version as ETag', async () => {
      const res = await request(t.app).get(`/api/products/${ids.blouse}`).set(seller.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ids.blouse, title: 'Silk blouse', description: 'Vintage silk, ivory', price: 45, brand: 'Zara', status: 'draft' });
      expect(res.headers.etag).toBe(etag(res.body.version));
    });

    it('When the ETag held is current, then it answers 304', async () => {
      const first = await request(t.app).get(`/api/products/${ids.tee}`).set(seller.auth);
      const again = await request(t.app).get(`/api/products/${ids.tee}`).set(seller.auth).set('If-None-Match', first.headers.etag!);
      expect(again.status).toBe(304);
    });

    it('When the id is unknown or not an id at all, then it answers 404 problem+json', async () => {
      for (const id of ['5b0c8f7e-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const res = await request(t.app).get(`/api/products/${id}`).set(seller.auth);
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    });
  });
});
