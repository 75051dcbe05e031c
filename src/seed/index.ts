import type { Knex } from 'knex';
import { BRANDS } from './data/brands';
import { CATEGORY_TREE, type CategorySeed } from './data/categories';
import { COLORS, CONDITIONS, GENDERS, SIZES } from './data/attributes';
import { PLATFORM_MAPPINGS, type PlatformMappingSeed } from './data/platform-mappings';
import { LOCK_NAMESPACE } from '../infra/db/locks';

/** Rows present per table once seeding is done. */
export interface SeedSummary {
  [table: string]: number;
}

export interface CategoryRow {
  slug: string;
  parent_slug: string | null;
  label_en: string;
  label_fr: string;
  position: number;
  depth: number;
  path: string;
  is_leaf: boolean;
}

export interface BrandRow {
  name: string;
  slug: string;
}

// Same namespace as the migration locks; the key below keeps it apart from any schema name.
const LOCK_KEY = 'seed:reference-data';

const SLUG_FORMAT = /^[a-z0-9]+(-[a-z0-9]+)*$/;

// Letters that Unicode decomposition leaves intact but a URL slug cannot hold.
const FOLDED_LETTERS: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ł: 'l', đ: 'd' };

/** "Levi's" → "levis", "H&M" → "h-and-m", "Fjällräven" → "fjallraven". */
export function brandSlug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[øæœßłđ]/g, (ch) => FOLDED_LETTERS[ch] ?? ch)
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function flattenCategories(tree: readonly CategorySeed[] = CATEGORY_TREE): CategoryRow[] {
  const rows: CategoryRow[] = [];
  const walk = (nodes: readonly CategorySeed[], parent: CategoryRow | null): void => {
    nodes.forEach((node, position) => {
      const row: CategoryRow = {
        slug: node.slug,
        parent_slug: parent?.slug ?? null,
        label_en: node.en,
        label_fr: node.fr,
        position,
        depth: parent ? parent.depth + 1 : 0,
        path: parent ? `${parent.path}.${node.slug}` : node.slug,
        is_leaf: !node.children || node.children.length === 0,
      };
      rows.push(row);
      if (node.children) walk(node.children, row);
    });
  };
  walk(tree, null);
  return rows;
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) repeated.add(value);
    seen.add(value);
  }
  return [...repeated];
}

interface SeedRows {
  categories: CategoryRow[];
  brands: BrandRow[];
}

/**
 * Checks the shipped data before anything is written, so a bad edit fails loudly at start-up
 * instead of leaving a half-consistent catalogue (duplicate slugs, a mapping to a code that
 * does not exist, two brands differing only by case).
 */
export function validateReferenceData(): SeedRows {
  const categories = flattenCategories();
  const brands = BRANDS.map((name) => ({ name, slug: brandSlug(name) }));
  const problems: string[] = [];
  const check = (what: string, values: readonly string[]): void => {
    const dup = duplicates(values);
    if (dup.length > 0) problems.push(`duplicate ${what}: ${dup.join(', ')}`);
  };
  check('category slugs', categories.map((c) => c.slug));
  check('brand names (case-insensitive)', brands.map((b) => b.name.toLowerCase()));
  check('brand slugs', brands.map((b) => b.slug));
  check('colour slugs', COLORS.map((c) => c.slug));
  check('size codes', SIZES.map((s) => s.code));
  check('gender codes', GENDERS.map((g) => g.code));
  check('condition codes', CONDITIONS.map((c) => c.code));
  check('platform mappings', PLATFORM_MAPPINGS.map((m) => `${m.platform}/${m.kind}/${m.internal_code}`));
  for (const c of categories) if (!SLUG_FORMAT.test(c.slug)) problems.push(`malformed category slug: ${c.slug}`);
  for (const b of brands) if (!b.slug) problems.push(`brand without a usable slug: ${b.name}`);

  const known: Record<PlatformMappingSeed['kind'], Set<string>> = {
    category: new Set(categories.map((c) => c.slug)),
    condition: new Set(CONDITIONS.map((c) => c.code)),
    color: new Set(COLORS.map((c) => c.slug)),
    size: new Set(SIZES.map((s) => s.code)),
    gender: new Set(GENDERS.map((g) => g.code)),
  };
  for (const m of PLATFORM_MAPPINGS) {
    if (!known[m.kind].has(m.internal_code)) problems.push(`${m.platform} ${m.kind} mapping for unknown code: ${m.internal_code}`);
  }
  if (problems.length > 0) throw new Error(`invalid reference data:\n- ${problems.join('\n- ')}`);
  return { categories, brands };
}

/**
 * Upserts `rows` keyed on `key`, touching only rows whose values differ: a re-run writes nothing,
 * so it neither bloats the tables nor wakes anything listening for changes.
 */
async function upsert(trx: Knex.Transaction, table: string, key: string | string[], rows: readonly object[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const keys = Array.isArray(key) ? key : [key];
  const columns = Object.keys(first).filter((c) => !keys.includes(c));
  const tuple = (alias: string) => columns.map((c) => `${alias}."${c}"`).join(', ');
  await trx(`public.${table}`)
    .insert(rows)
    .onConflict(keys)
    .merge(columns)
    .whereRaw(`(${tuple(table)}) is distinct from (${tuple('excluded')})`);
}

let validated: SeedRows | undefined;

/**
 * Seeds the shared reference data idempotently: one transaction, one batched upsert per table,
 * under a transaction-scoped advisory lock so processes starting together take turns.
 *
 * Categories, brands and attributes are never deleted — products in tenant schemas refer to them
 * by slug/code. Platform mappings are owned by this data set, so mappings it no longer ships are
 * removed.
 */
export async function seedReferenceData(knex: Knex): Promise<SeedSummary> {
  validated ??= validateReferenceData();
  const { categories, brands } = validated;
  return knex.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?, hashtext(?))', [LOCK_NAMESPACE, LOCK_KEY]);

    await upsert(trx, 'categories', 'slug', categories);
    // Links parents in one statement, whatever order the rows were inserted in.
    await trx.raw(`
      update public.categories c set parent_id = p.id
      from public.categories self
      left join public.categories p on p.slug = self.parent_slug
      where self.id = c.id and c.parent_id is distinct from p.id`);

    await upsert(trx, 'brands', 'slug', brands);
    await upsert(
      trx,
      'colors',
      'slug',
      COLORS.map((c, position) => ({ slug: c.slug, label_en: c.en, label_fr: c.fr, hex: c.hex, position })),
    );
    await upsert(
      trx,
      'sizes',
      'code',
      SIZES.map((s, position) => ({ code: s.code, system: s.system, label: s.label, position })),
    );
    await upsert(
      trx,
      'genders',
      'code',
      GENDERS.map((g, position) => ({ code: g.code, label_en: g.en, label_fr: g.fr, position })),
    );
    await upsert(
      trx,
      'conditions',
      'code',
      CONDITIONS.map((c, position) => ({
        code: c.code,
        label_en: c.en,
        label_fr: c.fr,
        description_en: c.description,
        position,
      })),
    );

    const mappingKey = ['platform', 'kind', 'internal_code'];
    await upsert(
      trx,
      'platform_mappings',
      mappingKey,
      PLATFORM_MAPPINGS.map((m) => ({
        platform: m.platform,
        kind: m.kind,
        internal_code: m.internal_code,
        external_id: m.external_id,
        external_label: m.external_label,
        version: m.version ?? 1,
      })),
    );
    await trx('public.platform_mappings')
      .whereNotIn(mappingKey, PLATFORM_MAPPINGS.map((m) => [m.platform, m.kind, m.internal_code]))
      .delete();

    const counts = await trx.raw<{ rows: Record<string, number>[] }>(`
      select
        (select count(*)::int from public.categories) as categories,
        (select count(*)::int from public.brands) as brands,
        (select count(*)::int from public.colors) as colors,
        (select count(*)::int from public.sizes) as sizes,
        (select count(*)::int from public.genders) as genders,
        (select count(*)::int from public.conditions) as conditions,
        (select count(*)::int from public.platform_mappings) as platform_mappings`);
    return { ...counts.rows[0] };
  });
}
