import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { createProduct, etag, fieldsOf, registerSeller, startProductsApp, type Seller } from '../products/support';

interface Notification {
  id: string;
  kind: string;
  product_id: string | null;
  product: { id: string; sku: string | null; title: string | null } | null;
  title: string;
  body: string;
  read_at: string | null;
}

interface Page {
  items: Notification[];
  total: number;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Out-of-stock notifications name their product, and the seller marks them read. */
describe('Notifications that name the product and can be marked read', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startProductsApp();
    await t.services.startProcessing();
  });
  afterAll(async () => t.close());

  const list = async (seller: Seller, query = '') => {
    const res = await request(t.app).get(`/api/notifications${query}`).set(seller.auth);
    expect(res.status).toBe(200);
    return res.body as Page;
  };
  const notificationsOf = (seller: Seller, count: number) => eventually(() => list(seller), (page) => page.total >= count);
  const markRead = (seller: Seller, id: string) => request(t.app).post(`/api/notifications/${id}/read`).set(seller.auth);

  /** A product whose last unit sells: one "sold out" notification. */
  async function soldOut(seller: Seller, title = 'Veste en jean Levi’s') {
    const product = await createProduct(t.app, seller, { stock_quantity: 1, title });
    await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 25 }).expect(201);
    return product;
  }

  it('When the last unit sells, then the notification names the product by title and SKU, in its text and in product', async () => {
    const seller = await registerSeller(t.app);
    const product = await soldOut(seller);
    const page = await notificationsOf(seller, 1);
    expect(page.items).toEqual([
      expect.objectContaining({
        kind: 'stock_depleted',
        title: 'Sold out',
        product_id: product.id,
        product: { id: product.id, sku: product.sku, title: 'Veste en jean Levi’s' },
        read_at: null,
      }),
    ]);
    expect(page.items[0]!.body).toBe(`The last unit of “Veste en jean Levi’s” (SKU ${product.sku}) was sold.`);
  });

  it('When the stock is set to zero, then the notification says so and names the product; renaming it later keeps what was written', async () => {
    const seller = await registerSeller(t.app);
    const product = await createProduct(t.app, seller, { stock_quantity: 4, title: 'Robe portefeuille' });
    const edit = await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', etag(product.version)).send({ stock_quantity: 0 });
    expect(edit.status).toBe(200);
    const [notification] = (await notificationsOf(seller, 1)).items;
    expect(notification).toMatchObject({ title: 'Out of stock', product: { id: product.id, sku: product.sku, title: 'Robe portefeuille' } });
    expect(notification!.body).toBe(`The stock of “Robe portefeuille” (SKU ${product.sku}) was set to zero.`);

    await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', etag(edit.body.version)).send({ title: 'Robe cache-cœur' }).expect(200);
    expect((await list(seller)).items[0]).toMatchObject({ product: { title: 'Robe portefeuille' }, body: expect.stringContaining('Robe portefeuille') });
  });

  it('When a notification is marked read, then it answers 200 with read_at set, again with the same read_at, and the unread filter leaves it out', async () => {
    const seller = await registerSeller(t.app);
    const [first, second] = [await soldOut(seller, 'Pull marin'), await soldOut(seller, 'Chemise lin')];
    const page = await notificationsOf(seller, 2);
    const read = page.items.find((n) => n.product_id === first.id)!;
    const unread = page.items.find((n) => n.product_id === second.id)!;

    const before = Date.now();
    const res = await markRead(seller, read.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...read, read_at: expect.any(String) });
    const readAt = Date.parse(res.body.read_at);
    expect(readAt).toBeGreaterThanOrEqual(before - 1000);
    expect(readAt).toBeLessThanOrEqual(Date.now() + 1000);

    const again = await markRead(seller, read.id.toUpperCase());
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);

    expect(await list(seller, '?unread=true')).toMatchObject({ total: 1, items: [{ id: unread.id, read_at: null }] });
    expect(await list(seller, '?unread=false')).toMatchObject({ total: 1, items: [{ id: read.id, read_at: res.body.read_at }] });
    const all = await list(seller);
    expect(all.total).toBe(2);
    expect(all.items.find((n) => n.id === read.id)!.read_at).toBe(res.body.read_at);
  });

  it("When another seller marks a notification read, then it is 404 and the owner's stays unread", async () => {
    const [owner, stranger] = [await registerSeller(t.app), await registerSeller(t.app)];
    await soldOut(owner);
    const [mine] = (await notificationsOf(owner, 1)).items;
    const res = await markRead(stranger, mine!.id);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'notification_not_found' });
    expect((await list(owner, '?unread=true')).items.map((n) => n.id)).toEqual([mine!.id]);
    expect(await list(stranger)).toMatchObject({ total: 0, items: [] });
  });

  it.each([
    ['an unknown id', randomUUID()],
    ['an id that is not a UUID', 'not-a-uuid'],
    ['an id with a SQL quote', "1' or '1'='1"],
  ])('When %s is marked read, then it answers a 404 problem', async (_case, id) => {
    const seller = await registerSeller(t.app);
    const res = await markRead(seller, encodeURIComponent(id));
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'notification_not_found' });
  });

  it('When unread is wrong or no token is sent, then it is a 400 naming unread, and 401', async () => {
    const seller = await registerSeller(t.app);
    const bad = await request(t.app).get('/api/notifications?unread=yes').set(seller.auth);
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['unread']);
    expect((await request(t.app).post(`/api/notifications/${randomUUID()}/read`)).status).toBe(401);
  });

  it('When the OpenAPI document is read, then marking read is there with the notification as its answer', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body;
    const operation = doc.paths['/api/notifications/{id}/read'].post;
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '404']));
    expect(operation.responses['200'].content['application/json'].schema.properties).toHaveProperty('product');
    const list = doc.paths['/api/notifications'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toContain('unread');
  });
});
