import request from 'supertest';
import type { TestApp } from '../support/app';
import { fieldsOf, productBody, registerSeller, startProductsApp, type Seller } from './support';
import { rebuildProjection } from '../../src/engine/rebuild';
import { testTenancy } from '../support/db';

interface Node {
  slug: string;
  label_en: string;
  label_fr: string;
  is_leaf: boolean;
  children: Node[];
}

describe('Reference data for products', () => {
  let t: TestApp;
  let seller: Seller;

  beforeAll(async () => {
    t = await startProductsApp();
    seller = await registerSeller(t.app);
  });
  afterAll(() => t.close());

  it('When the categories are read, then the tree comes with slugs, labels, and leaves marked', async () => {
    const res = await request(t.app).get('/api/categories');
    expect(res.status).toBe(200);
    const roots = res.body.items as Node[];
    const women = roots.find((n) => n.slug === 'women')!;
    expect(women).toMatchObject({ label_en: 'Women', label_fr: 'Femmes', is_leaf: false });
    const tops = women.children.find((n) => n.slug === 'women-clothing')!.children.find((n) => n.slug === 'women-tops')!;
    expect(tops.children.find((n) => n.slug === 'women-t-shirts')).toMatchObject({ is_leaf: true, children: [] });
  });

  it.each([
    ['colors', { slug: 'blue' }],
    ['sizes', { code: 'm' }],
    ['genders', { code: 'unisex' }],
    ['conditions', { code: 'very_good' }],
    ['brands', { name: 'Nike', custom: false }],
  ])('When the %s are read, then the reference list comes', async (kind, sample) => {
    const res = await request(t.app).get(`/api/attributes/${kind}`).set(seller.auth);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(expect.arrayContaining([expect.objectContaining(sample)]));
  });

  it('When an unknown kind is asked for, then it answers 404', async () => {
    expect((await request(t.app).get('/api/attributes/fabrics').set(seller.auth)).status).toBe(404);
  });

  describe('POST /api/attributes/brands', () => {
    it("When a seller adds a brand, then it is listed for them only and their products may use it in any case", async () => {
      const name = `Atelier Camille ${Date.now()}`;
      const res = await request(t.app).post('/api/attributes/brands').set(seller.auth).send({ name });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name, custom: true });
      const mine = await request(t.app).get('/api/attributes/brands').set(seller.auth);
      expect(mine.body.items).toContainEqual(expect.objectContaining({ name, custom: true }));

      const created = await request(t.app).post('/api/products').set(seller.auth).send(productBody({ brand: name.toUpperCase() }));
      expect(created.status).toBe(201);
      expect(created.body.brand).toBe(name);

      const other = await registerSeller(t.app);
      const theirs = await request(t.app).get('/api/attributes/brands').set(other.auth);
      expect(theirs.body.items).not.toContainEqual(expect.objectContaining({ name }));
      const refused = await request(t.app).post('/api/products').set(other.auth).send(productBody({ brand: name }));
      expect(refused.status).toBe(422);
      expect(fieldsOf(refused.body)).toEqual(['brand']);
    });

    it('When brands are added, even at the same instant, then each is an event in the log and a rebuild gives the same list', async () => {
      const fresh = await registerSeller(t.app);
      const names = ['Atelier Nord', 'Maison Sud', 'Fil Rouge', 'Lin & Co', 'Coton Bleu'];
      const answers = await Promise.all(names.map((name) => request(t.app).post('/api/attributes/brands').set(fresh.auth).send({ name })));
      expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);

      const log = await t.services.eventStore.readStream(fresh.tenantId, 'tenant-brands');
      expect(log.map((e) => e.type)).toEqual(Array(5).fill('BrandAdded'));
      expect(log.map((e) => (e.data as { name: string }).name).sort()).toEqual([...names].sort());
      expect(log.every((e) => e.metadata.actor === fresh.userId)).toBe(true);

      const mine = async () =>
        ((await request(t.app).get('/api/attributes/brands').set(fresh.auth)).body.items as { name: string; custom?: boolean }[])
          .filter((b) => b.custom)
          .map((b) => b.name)
          .sort();
      const before = await mine();
      expect(before).toEqual([...names].sort());
      const projection = t.services.projections.find((p) => p.name === 'custom_brands')!;
      await rebuildProjection({ tenancy: testTenancy, pool: t.services.pool, store: t.services.eventStore, tenant: fresh.tenantId, projection });
      expect(await mine()).toEqual(before);
    });

    it('When the brand already exists in the shared list or among theirs, in any case, then it answers 409 naming name', async () => {
      const shared = await request(t.app).post('/api/attributes/brands').set(seller.auth).send({ name: 'nike' });
      expect(shared.status).toBe(409);
      expect(fieldsOf(shared.body)).toEqual(['name']);
      await request(t.app).post('/api/attributes/brands').set(seller.auth).send({ name: 'Maison Rivière' }).expect(201);
      const again = await request(t.app).post('/api/attributes/brands').set(seller.auth).send({ name: 'MAISON RIVIÈRE' });
      expect(again.status).toBe(409);
    });

    it.each([
      [422, { name: '   ' }],
      [422, { name: 'x'.repeat(101) }],
      [400, { name: 12 }],
      [400, { name: 'Ok', tenant_id: 3 }],
    ])('When the body is refused (%i, %p), then the problem names the field', async (status, body) => {
      const res = await request(t.app).post('/api/attributes/brands').set(seller.auth).send(body);
      expect(res.status).toBe(status);
      expect(fieldsOf(res.body).length).toBe(1);
    });
  });

  it('When the OpenAPI document is read, then every product route is in it with its schemas', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, { content?: unknown }> }>> };
    const expected: [string, string][] = [
      ['/api/products', 'post'],
      ['/api/products', 'get'],
      ['/api/products/{id}', 'get'],
      ['/api/products/{id}', 'patch'],
      ['/api/products/{id}', 'delete'],
      ['/api/products/{id}/sales', 'post'],
      ['/api/products/{id}/images', 'post'],
      ['/api/products/{id}/images/{image_id}', 'delete'],
      ['/api/products/{id}/images/order', 'put'],
      ['/api/products/{id}/history', 'get'],
      ['/api/categories', 'get'],
      ['/api/attributes/{kind}', 'get'],
      ['/api/attributes/brands', 'post'],
    ];
    for (const [path, method] of expected) expect(doc.paths[path]?.[method]).toBeDefined();
    expect(doc.paths['/api/products']!.post!.requestBody).toBeDefined();
    expect(doc.paths['/api/products']!.post!.responses['201']!.content).toBeDefined();
    expect(doc.paths['/api/products/{id}/images']!.post!.requestBody).toBeDefined();
  });
});
