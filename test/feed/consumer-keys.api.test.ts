import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { FeedItem } from '../../src/audit/event-feed';
import type { TestApp } from '../support/app';
import { createProduct, registerSeller, startProductsApp, type Seller } from '../products/support';
import { openSse, type SseConnection } from './sse-client';

interface CreatedKey {
  id: string;
  name: string;
  key: string;
  scopes: string[];
  created_at: string;
}

describe('Consumer API keys', () => {
  let t: TestApp;
  let seller: Seller;
  let other: Seller;
  let server: Server;
  let base: string;
  const open: SseConnection[] = [];

  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

  async function createKey(who: Seller, name = 'warehouse loader'): Promise<CreatedKey> {
    const res = await request(t.app).post('/api/consumer-keys').set(who.auth).send({ name });
    expect(res.status).toBe(201);
    return res.body as CreatedKey;
  }

  async function sse(headers: Record<string, string>, query = 'after=0'): Promise<SseConnection> {
    const connection = await openSse(`${base}/api/events/stream?${query}`, headers);
    open.push(connection);
    return connection;
  }

  beforeAll(async () => {
    t = await startProductsApp({ EVENT_STREAMS_PER_CONSUMER: '1' });
    seller = await registerSeller(t.app);
    other = await registerSeller(t.app);
    server = await new Promise<Server>((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    for (const connection of open.splice(0)) connection.close();
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('When a user creates a key, then it is shown once, the list never shows it, and revoking it is 204', async () => {
    const res = await request(t.app).post('/api/consumer-keys').set(seller.auth).send({ name: '  dashboard  ' });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const created = res.body as CreatedKey;
    expect(created).toEqual({ id: expect.any(String), name: 'dashboard', key: expect.stringMatching(/^sfk_[A-Za-z0-9_-]{43}$/), scopes: ['events:read'], created_at: expect.any(String) });

    const list = await request(t.app).get('/api/consumer-keys').set(seller.auth);
    expect(list.status).toBe(200);
    const listed = (list.body.items as { id: string }[]).find((k) => k.id === created.id);
    expect(listed).toEqual({ id: created.id, name: 'dashboard', scopes: ['events:read'], created_at: created.created_at, created_by: seller.userId, last_used_at: null, revoked_at: null });
    expect(list.text).not.toContain(created.key.slice(4));

    expect((await request(t.app).delete(`/api/consumer-keys/${created.id}`).set(seller.auth)).status).toBe(204);
    expect((await request(t.app).delete(`/api/consumer-keys/${created.id}`).set(seller.auth)).status).toBe(204);
    const after = await request(t.app).get('/api/consumer-keys').set(seller.auth);
    expect((after.body.items as { id: string; revoked_at: string | null }[]).find((k) => k.id === created.id)?.revoked_at).toEqual(expect.any(String));
  });

  it("When the id is unknown or another account's, then revoking is 404 and the key keeps working", async () => {
    const theirs = await createKey(other);
    const res = await request(t.app).delete(`/api/consumer-keys/${theirs.id}`).set(seller.auth);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await request(t.app).delete('/api/consumer-keys/00000000-0000-4000-8000-000000000000').set(seller.auth)).status).toBe(404);
    expect((await request(t.app).get('/api/events').set(bearer(theirs.key))).status).toBe(200);
    const bad = await request(t.app).delete('/api/consumer-keys/not-a-uuid').set(seller.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['id']);
  });

  it('When the name is missing, blank or too long, or a field is unknown, then 400 names the field', async () => {
    for (const [body, field] of [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'ok', scopes: ['events:write'] }, 'scopes'],
    ] as const) {
      const res = await request(t.app).post('/api/consumer-keys').set(seller.auth).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('When a key is stored, then its row holds only a SHA-256 of it, never the key', async () => {
    const created = await createKey(seller);
    const { rows } = await t.services.pool.query<Record<string, unknown>>('select * from public.consumer_keys where id = $1', [created.id]);
    const row = rows[0]!;
    expect(row.key_hash).toEqual(createHash('sha256').update(created.key).digest());
    const secret = created.key.slice(4);
    for (const value of Object.values(row)) {
      const text = Buffer.isBuffer(value) ? [value.toString('utf8'), value.toString('base64url'), value.toString('hex')].join(' ') : String(value);
      expect(text).not.toContain(secret);
    }
    expect(row).toMatchObject({ tenant_id: seller.tenantId, created_by: seller.userId, name: 'warehouse loader', revoked_at: null });
  });

  it("When a key reads the feed, then it pages and follows its own account's events, and its use is noted", async () => {
    const product = await createProduct(t.app, seller);
    const created = await createKey(seller);
    const res = await request(t.app).get('/api/events?after=0&limit=1000').set(bearer(created.key));
    expect(res.status).toBe(200);
    const items = res.body.items as FeedItem[];
    expect(items).toContainEqual(expect.objectContaining({ stream: `product-${product.id}`, type: 'ProductCreated', schema_version: 2, id: expect.any(String) }));

    const stream = await sse(bearer(created.key));
    expect(stream.status).toBe(200);
    const [first] = await stream.waitForMessages(1);
    expect(JSON.parse(first!.data)).toEqual(items[0]);
    const later = await createProduct(t.app, seller);
    await stream.waitForMessages(items.length + 1);
    expect(stream.messages.map((m) => (JSON.parse(m.data) as FeedItem).stream)).toContain(`product-${later.id}`);

    const { rows } = await t.services.pool.query<{ last_used_at: Date | null }>('select last_used_at from public.consumer_keys where id = $1', [created.id]);
    expect(rows[0]!.last_used_at).toBeInstanceOf(Date);
    // Written at most about once a minute: another use at once leaves it.
    await request(t.app).get('/api/events').set(bearer(created.key));
    const again = await t.services.pool.query<{ last_used_at: Date | null }>('select last_used_at from public.consumer_keys where id = $1', [created.id]);
    expect(again.rows[0]!.last_used_at).toEqual(rows[0]!.last_used_at);
  });

  it('When a key calls any other route, then it is refused with a 401 problem: it reads the feed only', async () => {
    const created = await createKey(seller);
    const product = await createProduct(t.app, seller);
    for (const call of [
      request(t.app).post('/api/products').send({ sku: 'KEY-1', title: 'x', price: 1, category: 'women-t-shirts', condition: 'very_good' }),
      request(t.app).get('/api/products'),
      request(t.app).get(`/api/products/${product.id}`),
      request(t.app).post(`/api/products/${product.id}/sales`).send({ unit_price: 10 }),
      request(t.app).get('/api/consumer-keys'),
      request(t.app).post('/api/consumer-keys').send({ name: 'another' }),
      request(t.app).delete(`/api/consumer-keys/${created.id}`),
      request(t.app).get('/api/auth/me'),
    ]) {
      const res = await call.set(bearer(created.key));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('consumer_key_not_accepted');
    }
    // Nothing was written on its behalf, and the key is still active.
    const { rows } = await t.services.pool.query<{ revoked_at: Date | null }>('select revoked_at from public.consumer_keys where id = $1', [created.id]);
    expect(rows[0]!.revoked_at).toBeNull();
  });

  it('When a key is revoked or unknown, then the feed and its stream answer 401', async () => {
    const created = await createKey(seller);
    expect((await request(t.app).get('/api/events').set(bearer(created.key))).status).toBe(200);
    expect((await request(t.app).delete(`/api/consumer-keys/${created.id}`).set(seller.auth)).status).toBe(204);
    for (const key of [created.key, `sfk_${'A'.repeat(43)}`]) {
      const page = await request(t.app).get('/api/events').set(bearer(key));
      expect(page.status).toBe(401);
      expect(page.body.code).toBe('consumer_key_revoked');
      const stream = await sse(bearer(key));
      expect(stream.status).toBe(401);
    }
  });

  it("When two accounts each have a key, then each key sees only its own account's events", async () => {
    const mine = await createProduct(t.app, seller);
    const theirs = await createProduct(t.app, other);
    const myKey = await createKey(seller);
    const theirKey = await createKey(other);
    const pageOf = async (key: string) => (await request(t.app).get('/api/events?after=0&limit=1000').set(bearer(key))).body as { items: FeedItem[]; next_after: number };
    const theirPage = await pageOf(theirKey.key);
    const seenByMe = (await pageOf(myKey.key)).items.map((i) => i.stream);
    const seenByThem = theirPage.items.map((i) => i.stream);
    expect(seenByMe).toContain(`product-${mine.id}`);
    expect(seenByMe).not.toContain(`product-${theirs.id}`);
    expect(seenByThem).toContain(`product-${theirs.id}`);
    expect(seenByThem).not.toContain(`product-${mine.id}`);
    // The tenant is the key's: naming another is refused, never obeyed.
    const named = await request(t.app).get(`/api/events?tenant_id=${other.tenantId}`).set(bearer(myKey.key));
    expect(named.status).toBe(400);
    const live = await sse(bearer(theirKey.key), `after=${theirPage.next_after}`);
    const next = await createProduct(t.app, seller);
    await createProduct(t.app, other);
    await live.waitForMessages(1);
    expect(live.messages.map((m) => (JSON.parse(m.data) as FeedItem).stream)).not.toContain(`product-${next.id}`);
  });

  it('When keys open live streams, then the per-consumer cap counts each key apart from the others and from the user', async () => {
    const a = await createKey(seller, 'a');
    const b = await createKey(seller, 'b');
    expect((await sse(bearer(a.key))).status).toBe(200);
    const refused = await sse(bearer(a.key));
    expect(refused.status).toBe(429);
    expect((await sse(bearer(b.key))).status).toBe(200);
    expect((await sse(seller.auth)).status).toBe(200);
  });

  it('When the OpenAPI document is read, then the feed takes a user token or a consumer key, and the rest a user token', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body;
    expect(doc.components.securitySchemes.consumerKeyAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const path of ['/api/events', '/api/events/stream']) expect(doc.paths[path].get.security).toEqual([{ consumerKeyAuth: [] }, { bearerAuth: [] }]);
    expect(doc.paths['/api/products'].post.security).toBeUndefined();
    expect(doc.paths['/api/consumer-keys'].post.security).toBeUndefined();
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
  });
});
