import request from 'supertest';
import type { TestApp } from '../support/app';
import { fieldsOf, productBody, registerSeller, startProductsApp, type Seller } from './support';

describe('Reference values as a seller writes them', () => {
  let t: TestApp;
  let seller: Seller;
  beforeAll(async () => {
    t = await startProductsApp();
    seller = await registerSeller(t.app);
  });
  afterAll(() => t.close());

  const post = (body: Record<string, unknown>) => request(t.app).post('/api/products').set(seller.auth).send(body);

  it.each([
    ['size', 'M', 'm'],
    ['size', ' m ', 'm'],
    ['size', 'EU 38', 'eu-38'],
    ['size', 'eu-38', 'eu-38'],
    ['size', 'one size', 'one-size'],
    ['color', 'Black', 'black'],
    ['color', 'Noir', 'black'],
    ['color', 'LIGHT BLUE', 'light-blue'],
    ['category', 'T-Shirts', 't-shirts'],
    ['gender', 'Homme', 'men'],
    ['condition', 'Very good', 'very_good'],
    ['condition', 'très bon état', 'very_good'],
    ['brand', 'nike', 'Nike'],
  ])('When %s is written %p, then the product and its event hold the code %p', async (field, written, code) => {
    const res = await post(productBody({ [field]: written }));
    expect(res.status).toBe(201);
    expect(res.body[field]).toBe(code);
    const [event] = await t.services.eventStore.readStream(seller.tenantId, `product-${res.body.id}`);
    expect((event!.data as Record<string, unknown>)[field]).toBe(code);
  });

  it.each([
    ['size', 'XXXXXL', 'xxxl', 'GET /api/attributes/sizes'],
    ['condition', 'very god', 'very_good', 'GET /api/attributes/conditions'],
    ['color', 'blakc', 'black', 'GET /api/attributes/colors'],
    ['category', 't-shrts', 't-shirts', 'GET /api/categories'],
  ])('When %s %p matches nothing, then 422 names the field, suggests %p and says where to list them', async (field, written, suggested, listing) => {
    const res = await post(productBody({ [field]: written }));
    expect(res.status).toBe(422);
    expect(fieldsOf(res.body)).toEqual([field]);
    const message = res.body.errors[0].message as string;
    expect(message).toContain('did you mean');
    expect(message).toContain(`"${suggested}"`);
    expect(message).toContain(listing);
  });

  it('When an edit writes labels, then they are stored as codes too', async () => {
    const created = await post(productBody());
    const res = await request(t.app).patch(`/api/products/${created.body.id}`).set(seller.auth).set('If-Match', created.headers.etag!).send({ size: 'XL', condition: 'Like new' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ size: 'xl', condition: 'like_new' });
  });

  it('When the required fields are missing, then 400 names each one with a plain "required"', async () => {
    const res = await post({ description: 'nothing else' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual(['sku', 'title', 'price', 'category', 'condition'].map((field) => ({ field, message: 'required' })));
  });

  it('When a field has the wrong type, then the message says what was expected', async () => {
    const res = await post(productBody({ price: 'fifteen' }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'price', message: expect.stringContaining('number') }]);
  });
});
