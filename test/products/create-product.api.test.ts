import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { createProduct, fieldsOf, logHead, productBody, registerSeller, startProductsApp, uniqueSku, type Seller } from './support';
import { purgeIdempotencyKeys } from '../../src/commands/idempotency';
import { testTenancy } from '../support/db';

describe('POST /api/products', () => {
  let t: TestApp;
  let seller: Seller;

  beforeAll(async () => {
    t = await startProductsApp();
    seller = await registerSeller(t.app);
  });
  afterAll(() => t.close());

  const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) => request(t.app).post('/api/products').set(seller.auth).set(headers).send(body);

  it('When a valid product is sent, then it answers 201 with the draft, its version as ETag, and stores ProductCreated v2', async () => {
    const body = productBody({ brand: 'nike' });
    const res = await post(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      sku: body.sku,
      title: body.title,
      description: body.description,
      price: 39.9,
      cost_price: 12.5,
      stock_quantity: 1,
      category: 'women-t-shirts',
      brand: 'Nike',
      size: 'm',
      color: 'blue',
      gender: 'women',
      condition: 'very_good',
      status: 'draft',
      version: 1,
      images: [],
    });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(res.body.created_at)).not.toBeNaN();
    expect(res.body.updated_at).toBe(res.body.created_at);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/api/products/${res.body.id}`);
    const [event] = await t.services.eventStore.readStream(seller.tenantId, `product-${res.body.id}`);
    expect(event).toMatchObject({ type: 'ProductCreated', schemaVersion: 2, data: { price_cents: 3990, cost_price_cents: 1250 }, metadata: { actor: seller.userId } });
  });

  it('When only the required fields are sent, then stock defaults to 1 and the rest is empty', async () => {
    const res = await post({ sku: uniqueSku(), title: 'Plain tee', price: 5, category: 't-shirts', condition: 'good' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ stock_quantity: 1, description: '', cost_price: null, brand: null, size: null, color: null, gender: null });
  });

  it.each([
    ['price', '0', { price: 0 }],
    ['price', 'above 99,999.99', { price: 100_000 }],
    ['price', 'with three decimals', { price: 10.999 }],
    ['title', 'empty', { title: '' }],
    ['title', '201 characters', { title: 'x'.repeat(201) }],
    ['sku', 'with spaces', { sku: 'has spaces' }],
    ['sku', '51 characters', { sku: 'x'.repeat(51) }],
    ['cost_price', 'negative', { cost_price: -1 }],
    ['stock_quantity', 'negative', { stock_quantity: -1 }],
    ['stock_quantity', 'fractional', { stock_quantity: 2.5 }],
    ['category', 'unknown', { category: 'no-such-category' }],
    ['category', 'not a leaf', { category: 'women' }],
    ['brand', 'unknown', { brand: 'No Such Brand 123' }],
    ['size', 'unknown', { size: 'xxxxxl' }],
    ['color', 'unknown', { color: 'ultraviolet' }],
    ['gender', 'unknown', { gender: 'robot' }],
    ['condition', 'unknown', { condition: 'mint' }],
  ])('When %s is %s, then it answers 422 problem+json naming it and appends nothing', async (field, _label, override) => {
    const before = await logHead(t, seller);
    const res = await post(productBody(override));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res.body)).toEqual([field]);
    expect(await logHead(t, seller)).toBe(before);
  });

  it.each([
    ['price', { price: '19.90' }],
    ['title', { title: 42 }],
    ['stock_quantity', { stock_quantity: '3' }],
    ['condition', { condition: undefined }],
    ['category', { category: null }],
    ['sku', { sku: undefined }],
  ])('When %s has the wrong type or is missing (%p), then it answers 400 naming it', async (field, override) => {
    const res = await post(productBody(override));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res.body)).toContain(field);
  });

  it('When several fields are wrong at once, then one 422 names each of them', async () => {
    const res = await post(productBody({ title: '', price: -3, category: 'women', color: 'nope', condition: 'nope', stock_quantity: -1 }));
    expect(res.status).toBe(422);
    expect(fieldsOf(res.body)).toEqual(['title', 'price', 'stock_quantity', 'category', 'color', 'condition']);
  });

  it('When an unknown property is sent, then it answers 400 naming it', async () => {
    const res = await post(productBody({ colour: 'blue' }));
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain('colour');
  });

  it('When tenant_id is sent in the body, then it is refused and nothing is created for any tenant', async () => {
    const before = await logHead(t, seller);
    const res = await post(productBody({ tenant_id: seller.tenantId + 1 }));
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain('tenant_id');
    expect(await logHead(t, seller)).toBe(before);
  });

  it('When no token is sent, then it answers 401', async () => {
    expect((await request(t.app).post('/api/products').send(productBody())).status).toBe(401);
  });

  it('When the SKU is already used (in another case), then it answers 409 naming sku and stores nothing', async () => {
    const sku = uniqueSku('dup');
    await createProduct(t.app, seller, { sku });
    const before = await logHead(t, seller);
    const res = await post(productBody({ sku: sku.toUpperCase() }));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'duplicate_sku' });
    expect(fieldsOf(res.body)).toEqual(['sku']);
    expect(await logHead(t, seller)).toBe(before);
  });

  it('When eight identical requests race, then exactly one gets 201 and the others 409', async () => {
    const body = productBody({ sku: uniqueSku('race') });
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(body)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const list = await request(t.app).get('/api/products').query({ q: body.sku as string }).set(seller.auth);
    expect(list.body.total).toBe(1);
  });

  it('When another tenant uses the same SKU, then it is accepted: SKUs are unique per tenant', async () => {
    const other = await registerSeller(t.app);
    const sku = uniqueSku('shared');
    await createProduct(t.app, seller, { sku });
    expect((await request(t.app).post('/api/products').set(other.auth).send(productBody({ sku }))).status).toBe(201);
  });

  describe('with an Idempotency-Key', () => {
    it('When the same request is retried with the same key, then the first answer comes back and nothing more is appended', async () => {
      const key = randomUUID();
      const body = productBody();
      const first = await post(body, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      const head = await logHead(t, seller);
      const retry = await post(body, { 'Idempotency-Key': key });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.etag).toBe(first.headers.etag);
      expect(await logHead(t, seller)).toBe(head);
    });

    it('When a keyed request is replayed, then the answer is the same bytes, key order included', async () => {
      const key = randomUUID();
      const body = productBody({ description: 'Zip, deux poches, coton et élasthanne' });
      const first = await post(body, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      const retry = await post(body, { 'Idempotency-Key': key });
      expect(retry.status).toBe(201);
      expect(retry.headers['content-type']).toMatch(/^application\/json/);
      expect(retry.text).toBe(first.text);
    });

    it('When the process died after the append but before the answer was stored, then a retry answers the same product, appends nothing more and the key counts two runs', async () => {
      const key = randomUUID();
      const body = productBody();
      const first = await post(body, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      const table = testTenancy.table(seller.tenantId, 'idempotency_keys');
      // What a crash between the append and the stored answer leaves: a claim with no answer.
      await t.services.pool.query(`update ${table} set status = null, body = null, headers = null where key = $1`, [key]);
      const head = await logHead(t, seller);
      const retry = await post(body, { 'Idempotency-Key': key });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(await logHead(t, seller)).toBe(head);
      const { rows } = await t.services.pool.query<{ runs: number; status: number | null }>(`select runs, status from ${table} where key = $1`, [key]);
      expect(rows[0]).toEqual({ runs: 2, status: 201 });
      // The resumed run stored its answer: the next retry is a plain replay.
      const third = await post(body, { 'Idempotency-Key': key });
      expect(third.text).toBe(retry.text);
      expect((await t.services.pool.query<{ runs: number }>(`select runs from ${table} where key = $1`, [key])).rows[0]!.runs).toBe(2);
    });

    it('When the same key comes with another body, then it answers 422 naming Idempotency-Key', async () => {
      const key = randomUUID();
      expect((await post(productBody(), { 'Idempotency-Key': key })).status).toBe(201);
      const head = await logHead(t, seller);
      const res = await post(productBody(), { 'Idempotency-Key': key });
      expect(res.status).toBe(422);
      expect(fieldsOf(res.body)).toEqual(['Idempotency-Key']);
      expect(await logHead(t, seller)).toBe(head);
    });

    it('When the same keyed request is sent five times at once, then exactly one product exists and every answer is that product', async () => {
      const key = randomUUID();
      const body = productBody();
      const answers = await Promise.all(Array.from({ length: 5 }, () => post(body, { 'Idempotency-Key': key })));
      expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
      const list = await request(t.app).get('/api/products').query({ q: body.sku as string }).set(seller.auth);
      expect(list.body.total).toBe(1);
      expect(await t.services.eventStore.readStream(seller.tenantId, `product-${answers[0]!.body.id}`)).toHaveLength(1);
    });

    it('When the keyed request was refused, then a retry runs again (and is refused again)', async () => {
      const key = randomUUID();
      const bad = productBody({ price: 0 });
      expect((await post(bad, { 'Idempotency-Key': key })).status).toBe(422);
      expect((await post(bad, { 'Idempotency-Key': key })).status).toBe(422);
    });

    it('When a key is older than its lifetime, then it is claimed afresh: another body creates a new product', async () => {
      const key = randomUUID();
      const first = await post(productBody(), { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      // Age the key past IDEMPOTENCY_KEY_TTL_HOURS (24 by default).
      await t.services.pool.query(`update ${testTenancy.table(seller.tenantId, 'idempotency_keys')} set created_at = now() - interval '25 hours' where key = $1`, [key]);
      const again = await post(productBody(), { 'Idempotency-Key': key });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(first.body.id);
    });

    it('When housekeeping runs, then expired keys are forgotten and fresh ones kept', async () => {
      const [fresh, old] = [randomUUID(), randomUUID()];
      expect((await post(productBody(), { 'Idempotency-Key': fresh })).status).toBe(201);
      expect((await post(productBody(), { 'Idempotency-Key': old })).status).toBe(201);
      const table = testTenancy.table(seller.tenantId, 'idempotency_keys');
      await t.services.pool.query(`update ${table} set created_at = now() - interval '30 hours' where key = $1`, [old]);
      expect(await purgeIdempotencyKeys(t.services.pool, testTenancy, seller.tenantId, 24)).toBeGreaterThanOrEqual(1);
      const { rows } = await t.services.pool.query<{ key: string }>(`select key from ${table} where key = any($1)`, [[fresh, old]]);
      expect(rows.map((r) => r.key)).toEqual([fresh]);
    });

    it('When the key is not printable ASCII, then it answers 400 naming Idempotency-Key', async () => {
      const res = await post(productBody(), { 'Idempotency-Key': 'x'.repeat(256) });
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['Idempotency-Key']);
    });
  });

  it('When twenty products are created in a row, then the next list holds all of them (read your writes)', async () => {
    const fresh = await registerSeller(t.app);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await createProduct(t.app, fresh)).id);
    const list = await request(t.app).get('/api/products').query({ limit: 100 }).set(fresh.auth);
    expect(list.body.total).toBe(20);
    expect(list.body.items.map((p: { id: string }) => p.id).sort()).toEqual(ids.sort());
  });
});
