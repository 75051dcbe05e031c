import type { Knex } from 'knex';
import { createKnex, createPool, type Pool } from '../../src/infra/db/postgres';
import { brandSlug, seedReferenceData, validateReferenceData } from '../../src/seed';
import { BRANDS } from '../../src/seed/data/brands';
import { COLORS, CONDITIONS, GENDERS, SIZES } from '../../src/seed/data/attributes';
import { PLATFORM_MAPPINGS } from '../../src/seed/data/platform-mappings';
import { createReferenceResolver, type ReferenceResolver } from '../../src/catalogue/reference-resolver';
import { findPlatformMapping, getCategoryTree, listAttributes, type CategoryTreeNode } from '../../src/queries/catalogue/reference-data';
import { createTestTenant, testTenancy } from '../support/db';

const TABLES = ['categories', 'brands', 'colors', 'sizes', 'genders', 'conditions', 'platform_mappings'] as const;

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests through jest (global setup)');
  return url;
}

let pool: Pool;
let knex: Knex;
let references: ReferenceResolver;
let tenant: number;

beforeAll(async () => {
  pool = createPool(databaseUrl(), 4, 'stoflow-test-seed');
  knex = createKnex(databaseUrl(), 4);
  references = createReferenceResolver(pool, testTenancy);
  tenant = await createTestTenant(knex);
});

afterAll(async () => {
  await knex.destroy();
  await pool.end();
});

/** One fingerprint of every seeded row, ids included: any insert, update or delete changes it. */
async function fingerprint(): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of TABLES) {
    const { rows } = await pool.query<{ digest: string }>(
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from public.${table} t`,
    );
    result[table] = rows[0]?.digest ?? '';
  }
  return result;
}

async function tupleVersions(): Promise<string> {
  // xmin changes whenever a row is rewritten, even with identical values.
  const { rows } = await pool.query<{ v: string }>(
    `select string_agg(xmin::text, ',' order by slug) as v from public.categories`,
  );
  return rows[0]?.v ?? '';
}

function flatten(nodes: CategoryTreeNode[]): CategoryTreeNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

describe('Reference data seed', () => {
  test('When the seed has run, then every table holds the shipped reference data', async () => {
    const summary = await seedReferenceData(knex);
    expect(summary.categories).toBeGreaterThanOrEqual(150);
    expect(summary.brands).toBeGreaterThanOrEqual(500);
    expect(summary.brands).toBe(BRANDS.length);
    expect(summary.colors).toBe(COLORS.length);
    expect(summary.colors).toBeGreaterThanOrEqual(25);
    expect(summary.colors).toBeLessThanOrEqual(35);
    expect(summary.sizes).toBe(SIZES.length);
    expect(summary.genders).toBe(5);
    expect(summary.conditions).toBe(8);
    expect(summary.platform_mappings).toBe(PLATFORM_MAPPINGS.length);

    const { rows: genders } = await pool.query<{ code: string }>('select code from public.genders order by position');
    expect(genders.map((g) => g.code)).toEqual(['women', 'men', 'unisex', 'girls', 'boys']);
    const { rows: conditions } = await pool.query<{ code: string }>('select code from public.conditions order by position');
    expect(conditions.map((c) => c.code)).toEqual([
      'new_with_tags',
      'new_without_tags',
      'new_with_defects',
      'like_new',
      'very_good',
      'good',
      'fair',
      'for_parts',
    ]);
    const { rows: systems } = await pool.query<{ system: string }>('select distinct system from public.sizes order by system');
    expect(systems.map((s) => s.system)).toEqual(
      expect.arrayContaining(['letter', 'eu_clothing', 'eu_shoe', 'uk_shoe', 'us_shoe', 'kids_age', 'one_size']),
    );
    const { rows: letters } = await pool.query<{ code: string }>(
      `select code from public.sizes where system = 'letter' order by position`,
    );
    expect(letters.map((s) => s.code)).toEqual(expect.arrayContaining(['xs', 's', 'm', 'l', 'xl', 'xxl', 'xxxl']));
  });

  test('When the seed runs twice, then nothing is duplicated and no row is rewritten', async () => {
    const before = await fingerprint();
    const versionsBefore = await tupleVersions();
    const first = await seedReferenceData(knex);
    const second = await seedReferenceData(knex);
    expect(second).toEqual(first);
    expect(await fingerprint()).toEqual(before);
    expect(await tupleVersions()).toBe(versionsBefore);
  });

  test('When two processes seed at the same time, then both succeed and the data is unchanged', async () => {
    const before = await fingerprint();
    const other = createKnex(databaseUrl(), 2);
    try {
      const [a, b] = await Promise.all([seedReferenceData(knex), seedReferenceData(other)]);
      expect(a).toEqual(b);
    } finally {
      await other.destroy();
    }
    expect(await fingerprint()).toEqual(before);
  });

  test('When a seeded mapping is no longer shipped, then the seed removes it', async () => {
    await pool.query(
      `insert into public.platform_mappings (platform, kind, internal_code, external_id) values ('etsy', 'gender', 'women', 'stale')`,
    );
    await seedReferenceData(knex);
    const { rowCount } = await pool.query(`select 1 from public.platform_mappings where external_id = 'stale'`);
    expect(rowCount).toBe(0);
  });
});

describe('Shipped reference data', () => {
  test('When the data is validated, then it has no duplicates and no dangling mapping', () => {
    expect(() => validateReferenceData()).not.toThrow();
  });

  test('When brand names are turned into slugs, then punctuation and accents fold away', () => {
    expect(brandSlug("Levi's")).toBe('levis');
    expect(brandSlug('H&M')).toBe('h-and-m');
    expect(brandSlug('Fjällräven')).toBe('fjallraven');
    expect(brandSlug('Søstrene Grene')).toBe('sostrene-grene');
    expect(brandSlug('& Other Stories')).toBe('and-other-stories');
  });
});

describe('Category tree', () => {
  test('When categories are read, then slugs are unique and leaves are exactly the nodes without children', async () => {
    const { rows } = await pool.query<{ slug: string; is_leaf: boolean; children: number; parent_ok: boolean }>(
      `select c.slug, c.is_leaf,
              (select count(*)::int from public.categories k where k.parent_id = c.id) as children,
              (c.parent_slug is null and c.parent_id is null)
                or exists (select 1 from public.categories p where p.id = c.parent_id and p.slug = c.parent_slug) as parent_ok
         from public.categories c`,
    );
    expect(new Set(rows.map((r) => r.slug)).size).toBe(rows.length);
    for (const row of rows) {
      expect({ slug: row.slug, leafWithoutChildren: row.is_leaf === (row.children === 0), parentOk: row.parent_ok }).toEqual({
        slug: row.slug,
        leafWithoutChildren: true,
        parentOk: true,
      });
    }
  });

  test('When path and depth are read, then they follow the parent chain', async () => {
    const { rows } = await pool.query<{ slug: string; expected: string; path: string; depth: number; expected_depth: number }>(
      `with recursive chain as (
         select id, slug, slug as expected, 0 as expected_depth from public.categories where parent_id is null
         union all
         select c.id, c.slug, chain.expected || '.' || c.slug, chain.expected_depth + 1
           from public.categories c join chain on c.parent_id = chain.id
       )
       select chain.slug, chain.expected, c.path, c.depth, chain.expected_depth
         from chain join public.categories c on c.id = chain.id`,
    );
    const { rows: total } = await pool.query<{ n: number }>('select count(*)::int as n from public.categories');
    expect(rows).toHaveLength(total[0]?.n ?? -1);
    for (const row of rows) expect({ slug: row.slug, path: row.path, depth: row.depth }).toEqual({ slug: row.slug, path: row.expected, depth: row.expected_depth });
  });

  test.each(['t-shirts', 'jeans', 'sneakers', 'women-t-shirts', 'women-jeans', 'girls-dresses'])(
    'When %s is resolved, then it is a leaf category with both labels',
    async (slug) => {
      expect(await references.resolve(tenant, { category: slug })).toEqual({ values: { category: slug }, facts: { category: 'leaf' } });
      const { rows } = await pool.query<{ label_fr: string }>('select label_fr from public.categories where slug = $1', [slug]);
      expect(rows[0]?.label_fr).toBeTruthy();
    },
  );

  test('When a grouping category is resolved, then it is a branch, and an unknown one is unknown', async () => {
    expect((await references.resolve(tenant, { category: 'women' })).facts.category).toBe('branch');
    expect((await references.resolve(tenant, { category: 'men-clothing' })).facts.category).toBe('branch');
    expect((await references.resolve(tenant, { category: 'no-such-category' })).facts.category).toBe('unknown');
  });

  test('When the tree is read, then roots nest their children in display order', async () => {
    const tree = await getCategoryTree(pool);
    expect(tree.map((n) => n.slug).slice(0, 3)).toEqual(['women', 'men', 'kids']);
    const all = flatten(tree);
    const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from public.categories');
    expect(all).toHaveLength(rows[0]?.n ?? -1);
    for (const node of all) {
      expect(node.is_leaf).toBe(node.children.length === 0);
      expect(Object.keys(node).sort()).toEqual(['children', 'is_leaf', 'label_en', 'label_fr', 'slug']);
    }
    const men = tree.find((n) => n.slug === 'men');
    const clothing = men?.children.find((n) => n.slug === 'men-clothing');
    const tops = clothing?.children.find((n) => n.slug === 'men-tops');
    expect(tops?.children[0]).toEqual({ slug: 't-shirts', label_en: 'T-shirts', label_fr: 'T-shirts', is_leaf: true, children: [] });
  });
});

describe('Brands', () => {
  test.each([
    ['nike', 'Nike'],
    ["LEVI'S", "Levi's"],
    ['  zara ', 'Zara'],
    ['h&m', 'H&M'],
    ['ADIDAS', 'adidas'],
  ])('When %p is looked up, then the canonical name %p comes back', async (input, canonical) => {
    expect(await references.sharedBrand(input)).toBe(canonical);
  });

  test('When an unknown brand is looked up, then nothing comes back', async () => {
    expect(await references.sharedBrand('Definitely Not A Brand')).toBeNull();
    expect(await references.sharedBrand('   ')).toBeNull();
  });

  test('When two brands differ only by case, then the database refuses the second', async () => {
    await expect(pool.query(`insert into public.brands (name, slug) values ('NIKE', 'nike-shouting')`)).rejects.toMatchObject({
      code: '23505',
    });
  });
});

describe('Platform mappings', () => {
  test('When mappings are read, then each one points at an existing internal code', async () => {
    const { rows } = await pool.query<{ platform: string; kind: string; internal_code: string }>(
      `select m.platform, m.kind, m.internal_code
         from public.platform_mappings m
        where not case m.kind
          when 'category' then exists (select 1 from public.categories c where c.slug = m.internal_code)
          when 'condition' then exists (select 1 from public.conditions c where c.code = m.internal_code)
          when 'color' then exists (select 1 from public.colors c where c.slug = m.internal_code)
          when 'size' then exists (select 1 from public.sizes s where s.code = m.internal_code)
          when 'gender' then exists (select 1 from public.genders g where g.code = m.internal_code)
        end`,
    );
    expect(rows).toEqual([]);
  });

  test('When eBay conditions are read, then every condition has its eBay condition id', async () => {
    const { rows } = await pool.query<{ code: string; external_id: string | null }>(
      `select c.code, m.external_id
         from public.conditions c
         left join public.platform_mappings m on m.platform = 'ebay' and m.kind = 'condition' and m.internal_code = c.code
        order by c.position`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.code, r.external_id]))).toEqual({
      new_with_tags: '1000',
      new_without_tags: '1500',
      new_with_defects: '1750',
      like_new: '2750',
      very_good: '4000',
      good: '5000',
      fair: '6000',
      for_parts: '7000',
    });
  });

  test('When a Vinted mapping is looked up, then its status id comes back', async () => {
    expect(await findPlatformMapping(pool, 'vinted', 'condition', 'new_with_tags')).toMatchObject({ external_id: '6', version: 1 });
    expect(await findPlatformMapping(pool, 'vinted', 'condition', 'good')).toMatchObject({ external_id: '3' });
    expect(await findPlatformMapping(pool, 'ebay', 'category', 'jeans')).toMatchObject({ external_id: '11483' });
    expect(await findPlatformMapping(pool, 'vinted', 'condition', 'for_parts')).toBeNull();
  });

  test('When a mapping names an unknown platform, then the database refuses it', async () => {
    await expect(
      pool.query(`insert into public.platform_mappings (platform, kind, internal_code, external_id) values ('amazon', 'color', 'black', '1')`),
    ).rejects.toMatchObject({ code: '23514' });
  });
});

describe('Attribute lists', () => {
  test('When colours are listed, then they come in display order with both labels', async () => {
    const colors = await listAttributes(pool, 'colors');
    expect(colors).toHaveLength(COLORS.length);
    expect(colors[0]).toEqual({ slug: 'black', label_en: 'Black', label_fr: 'Noir', hex: '#000000' });
  });

  test('When each kind is listed, then it returns plain snake_case objects', async () => {
    const brands = await listAttributes(pool, 'brands');
    expect(brands).toHaveLength(BRANDS.length);
    expect(brands).toContainEqual({ name: "Levi's", slug: 'levis' });
    const sizes = await listAttributes(pool, 'sizes');
    expect(sizes).toContainEqual({ code: 'eu-shoe-42', system: 'eu_shoe', label: 'EU 42' });
    expect(sizes).toContainEqual({ code: 'one-size', system: 'one_size', label: 'One size' });
    expect(await listAttributes(pool, 'genders')).toHaveLength(GENDERS.length);
    const conditions = await listAttributes(pool, 'conditions');
    expect(conditions).toHaveLength(CONDITIONS.length);
    expect(Object.keys(conditions[0] ?? {}).sort()).toEqual(['code', 'description_en', 'label_en', 'label_fr']);
  });

  test('When single values are resolved, then only existing ones are found, as their codes', async () => {
    const facts = async (field: 'size' | 'color' | 'gender' | 'condition', value: string) => (await references.resolve(tenant, { [field]: value })).facts[field];
    expect(await facts('size', 'm')).toBe(true);
    expect((await references.resolve(tenant, { size: 'M' })).values).toEqual({ size: 'm' });
    expect(await facts('size', 'huge')).toBe(false);
    expect(await facts('color', 'navy')).toBe(true);
    expect(await facts('color', 'octarine')).toBe(false);
    expect(await facts('gender', 'unisex')).toBe(true);
    expect(await facts('gender', 'kids')).toBe(false);
    expect(await facts('condition', 'very_good')).toBe(true);
    expect(await facts('condition', 'mint')).toBe(false);
  });
});

describe('Resolving a product’s references', () => {
  test('When every reference is valid, then each resolves to its code and the brand to its canonical name', async () => {
    const result = await references.resolve(tenant, {
      category: 'jeans',
      brand: "levi's",
      size: 'w32',
      color: 'blue',
      gender: 'men',
      condition: 'very_good',
    });
    expect(result).toEqual({
      values: { category: 'jeans', brand: "Levi's", size: 'w32', color: 'blue', gender: 'men', condition: 'very_good' },
      facts: { category: 'leaf', brand: "Levi's", size: true, color: true, gender: true, condition: true },
    });
  });

  test('When references are wrong, then each one is marked and comes with suggestions', async () => {
    const result = await references.resolve(tenant, {
      category: 'women-clothing',
      brand: 'No Such Brand',
      size: 'huge',
      color: 'octarine',
      gender: 'kids',
      condition: 'mint',
    });
    expect(result.values).toEqual({ category: 'women-clothing', brand: 'No Such Brand', size: 'huge', color: 'octarine', gender: 'kids', condition: 'mint' });
    expect(result.facts).toMatchObject({ category: 'branch', brand: null, size: false, color: false, gender: false, condition: false });
    expect(Object.keys(result.facts.suggestions ?? {}).sort()).toEqual(['brand', 'color', 'condition', 'gender', 'size']);
  });

  test('When only some references are given, then the others are not checked', async () => {
    expect(await references.resolve(tenant, { category: 'nope' })).toMatchObject({ values: { category: 'nope' }, facts: { category: 'unknown' } });
    expect(await references.resolve(tenant, {})).toEqual({ values: {}, facts: {} });
  });
});
