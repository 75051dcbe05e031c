import request from 'supertest';
import type { TestApp } from '../support/app';
import { fieldsOf, registerSeller, startProductsApp, type Seller } from './support';
import { testTenancy } from '../support/db';

interface Brand {
  name: string;
  slug: string;
  custom: boolean;
}

/** GET /api/attributes/brands?q=…: the brand picker's search over the shared list and the seller's own. */
describe('Brand search', () => {
  let t: TestApp;
  let seller: Seller;
  let other: Seller;
  let shared: number;

  beforeAll(async () => {
    t = await startProductsApp();
    [seller, other] = await Promise.all([registerSeller(t.app), registerSeller(t.app)]);
    for (const name of ['Atelier Nikita', 'Nikoline', '100% Coton']) {
      await request(t.app).post('/api/attributes/brands').set(seller.auth).send({ name }).expect(201);
    }
    shared = Number((await t.services.pool.query<{ n: string }>('select count(*) as n from public.brands')).rows[0]!.n);
  });
  afterAll(() => t.close());

  const brands = async (who: Seller, query: string) => {
    const res = await request(t.app).get(`/api/attributes/brands${query}`).set(who.auth);
    expect(res.status).toBe(200);
    return res.body.items as Brand[];
  };

  it('When a seller types part of a name, then the brands starting with it come first, then those containing it, each alphabetical, theirs included', async () => {
    expect(await brands(seller, '?q=nik')).toEqual([
      { name: 'Nike', slug: 'nike', custom: false },
      { name: 'Nike ACG', slug: 'nike-acg', custom: false },
      { name: 'Nikoline', slug: 'nikoline', custom: true },
      { name: 'Nikon', slug: 'nikon', custom: false },
      { name: 'Atelier Nikita', slug: 'atelier-nikita', custom: true },
      { name: 'Manolo Blahnik', slug: 'manolo-blahnik', custom: false },
    ]);
  });

  it('When the search is in another case or padded with spaces, then the answer is the same', async () => {
    const lower = await brands(seller, '?q=nik');
    expect(await brands(seller, '?q=NiK')).toEqual(lower);
    expect(await brands(seller, `?q=${encodeURIComponent('  nIK ')}`)).toEqual(lower);
  });

  it("When another seller searches, then they see the shared brands only, never the first seller's own", async () => {
    expect((await brands(other, '?q=nik')).map((b) => b.name)).toEqual(['Nike', 'Nike ACG', 'Nikon', 'Manolo Blahnik']);
    expect(await brands(other, `?q=${encodeURIComponent('100%')}`)).toEqual([]);
  });

  it('When the search holds % or _, then they are plain characters, not wildcards', async () => {
    expect(await brands(seller, `?q=${encodeURIComponent('%')}`)).toEqual([{ name: '100% Coton', slug: expect.any(String), custom: true }]);
    expect(await brands(seller, '?q=_')).toEqual([]);
  });

  it('When a broad search is sent without limit, then 50 brands come; with limit, that many, still prefix matches first', async () => {
    const broad = await brands(seller, '?q=a');
    expect(broad).toHaveLength(50);
    expect(broad.every((b) => b.name.toLowerCase().includes('a'))).toBe(true);
    const three = await brands(seller, '?q=a&limit=3');
    expect(three).toEqual(broad.slice(0, 3));
    expect(three.every((b) => b.name.toLowerCase().startsWith('a'))).toBe(true);
    expect(await brands(seller, '?q=a&limit=200')).toHaveLength(200);
    const ranks = broad.map((b) => (b.name.toLowerCase().startsWith('a') ? 0 : 1));
    expect(ranks).toEqual([...ranks].sort());
  });

  it('When no search is sent, then every brand comes as before, alphabetical; limit alone caps that list', async () => {
    const all = await brands(seller, '');
    expect(all).toHaveLength(shared + 3);
    // Alphabetical as the database collates, the order the list had before search existed.
    const { rows } = await t.services.pool.query<{ name: string }>(
      `select name from (select name from public.brands union all select name from ${testTenancy.table(seller.tenantId, 'custom_brands')}) b order by lower(name), name`,
    );
    expect(all.map((b) => b.name)).toEqual(rows.map((r) => r.name));
    expect(await brands(seller, '?limit=5')).toEqual(all.slice(0, 5));
  });

  it('When nothing matches, then the list is empty', async () => {
    expect(await brands(seller, '?q=zzzzqx')).toEqual([]);
  });

  it.each([
    ['limit', '?q=nik&limit=0'],
    ['limit', '?q=nik&limit=201'],
    ['limit', '?q=nik&limit=ten'],
    ['limit', '?q=nik&limit=2.5'],
    ['q', '?q='],
    ['q', `?q=${encodeURIComponent('   ')}`],
    ['q', `?q=${'x'.repeat(101)}`],
    ['q', '?q=a&q=b'],
    ['sort', '?q=nik&sort=name'],
  ])('When %s is wrong (%s), then the answer is a 400 problem naming it', async (field, query) => {
    const res = await request(t.app).get(`/api/attributes/brands${query}`).set(seller.auth);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res.body)).toEqual([field]);
  });

  it('When another kind of attribute is given q or limit, then it answers 400 naming them: only brands are searched', async () => {
    const res = await request(t.app).get('/api/attributes/colors?q=bl&limit=2').set(seller.auth);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body).sort()).toEqual(['limit', 'q']);
    expect((await request(t.app).get('/api/attributes/colors').set(seller.auth)).status).toBe(200);
  });

  it('When the OpenAPI document is read, then the attribute route documents q and limit as brands-only', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body;
    const parameters = doc.paths['/api/attributes/{kind}'].get.parameters as { name: string; in: string; description?: string; schema: Record<string, unknown> }[];
    const q = parameters.find((p) => p.name === 'q' && p.in === 'query')!;
    const limit = parameters.find((p) => p.name === 'limit' && p.in === 'query')!;
    expect(q.description).toMatch(/^brands only/);
    expect(limit.description).toMatch(/^brands only/);
    expect(limit.schema).toMatchObject({ minimum: 1, maximum: 200 });
  });

  it('When no token is sent, then the search answers 401', async () => {
    expect((await request(t.app).get('/api/attributes/brands?q=nik')).status).toBe(401);
  });
});
