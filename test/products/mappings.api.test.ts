import request from 'supertest';
import { coverageOf } from '../../src/queries/catalogue/mappings';
import { startTestApp, type TestApp } from '../support/app';

interface Entry {
  marketplace: string;
  kind: string;
  code: string;
  coverage: string;
  external_id: string | null;
  via: string | null;
  reason: string | null;
}

describe('What each code becomes on each marketplace (GET /api/mappings)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('When the whole table is asked, then every seeded leaf category, condition, colour, size and gender has an answer on each marketplace, and each answer without an id says why', async () => {
    const res = await request(t.app).get('/api/mappings');
    expect(res.status).toBe(200);
    const items = res.body.items as Entry[];
    const counts = await t.services.pool.query<{ n: number }>(
      `select (select count(*) from public.categories where is_leaf) + (select count(*) from public.conditions) + (select count(*) from public.colors)
            + (select count(*) from public.sizes) + (select count(*) from public.genders) as n`,
    );
    expect(items).toHaveLength(3 * Number(counts.rows[0]!.n));
    for (const e of items) {
      if (e.coverage === 'mapped' || e.coverage === 'inherited') expect(e.external_id).toMatch(/^\d+$/);
      else expect(e).toMatchObject({ external_id: null, reason: expect.stringMatching(/\w{3,}/) });
    }
    const keys = new Set(items.map((e) => `${e.marketplace}:${e.kind}:${e.code}`));
    expect(keys.size).toBe(items.length);
  });

  it('When one marketplace and kind are asked, then the answers follow the seed: eBay ids of its own, Vinted a root catalog for the leaves under it, Etsy a choice at publishing', async () => {
    const ebay = (await request(t.app).get('/api/mappings?marketplace=ebay&kind=category')).body.items as Entry[];
    expect(ebay.find((e) => e.code === 'women-t-shirts')).toMatchObject({ coverage: 'mapped', external_id: '63869' });
    expect(ebay.some((e) => e.coverage === 'needs_choice' && /overrides\.ebay\.category_id/.test(e.reason!))).toBe(true);
    expect(ebay.every((e) => e.coverage !== 'inherited')).toBe(true);

    const vinted = (await request(t.app).get('/api/mappings?marketplace=vinted&kind=category')).body.items as Entry[];
    expect(vinted.find((e) => e.code === 'women-t-shirts')).toMatchObject({ coverage: 'inherited', external_id: '1904', via: 'women' });
    const conditions = (await request(t.app).get('/api/mappings?marketplace=vinted&kind=condition')).body.items as Entry[];
    expect(conditions.find((e) => e.code === 'for_parts')).toMatchObject({ coverage: 'not_applicable', reason: expect.stringContaining('satisfactory') });
    expect(conditions.find((e) => e.code === 'good')).toMatchObject({ coverage: 'mapped', external_id: '3' });

    const etsy = (await request(t.app).get('/api/mappings?marketplace=etsy&coverage=needs_choice')).body.items as Entry[];
    expect(etsy.length).toBeGreaterThan(0);
    expect(new Set(etsy.map((e) => e.kind))).toEqual(new Set(['category']));
  });

  it('When the filter names an unknown marketplace or coverage, then 400 names the field', async () => {
    const res = await request(t.app).get('/api/mappings?marketplace=depop&coverage=maybe');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['coverage', 'marketplace']);
  });
});

describe('coverageOf', () => {
  const rows = new Map([
    ['women', { external_id: '1904', external_label: 'Femmes' }],
    ['women-dresses', { external_id: '10', external_label: 'Robes' }],
  ]);
  it('Given its own row, an ancestor’s, or none, then mapped, inherited from the nearest ancestor, or the marketplace’s explicit answer', () => {
    expect(coverageOf('vinted', { kind: 'category', code: 'women-dresses', path: ['women', 'women-clothing', 'women-dresses'] }, rows)).toMatchObject({ coverage: 'mapped', external_id: '10' });
    expect(coverageOf('vinted', { kind: 'category', code: 'women-maxi', path: ['women', 'women-clothing', 'women-dresses', 'women-maxi'] }, rows)).toMatchObject({ coverage: 'inherited', external_id: '10', via: 'women-dresses' });
    expect(coverageOf('vinted', { kind: 'category', code: 'men-jeans', path: ['men', 'men-jeans'] }, rows)).toMatchObject({ coverage: 'needs_choice', external_id: null });
    // eBay never inherits: a parent category is not a leaf eBay lists in.
    expect(coverageOf('ebay', { kind: 'category', code: 'women-maxi', path: ['women', 'women-dresses', 'women-maxi'] }, rows)).toMatchObject({ coverage: 'needs_choice' });
    expect(coverageOf('ebay', { kind: 'size', code: 'm', path: null }, new Map())).toMatchObject({ coverage: 'as_text', reason: expect.stringContaining('Size') });
  });
});
