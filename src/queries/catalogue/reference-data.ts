/* Read side of the shared reference data (public schema). Every function is a plain read. */
import type { Queryable } from '../../infra/db/postgres';

export interface CategoryTreeNode {
  slug: string;
  label_en: string;
  label_fr: string;
  is_leaf: boolean;
  children: CategoryTreeNode[];
}

export interface LeafCategory {
  slug: string;
  label_en: string;
  label_fr: string;
  path: string;
}

export interface BrandDto {
  name: string;
  slug: string;
}

export interface ColorDto {
  slug: string;
  label_en: string;
  label_fr: string;
  hex: string | null;
}

export interface SizeDto {
  code: string;
  system: string;
  label: string;
}

export interface GenderDto {
  code: string;
  label_en: string;
  label_fr: string;
}

export interface ConditionDto {
  code: string;
  label_en: string;
  label_fr: string;
  description_en: string;
}

export interface AttributeDtos {
  brands: BrandDto;
  colors: ColorDto;
  sizes: SizeDto;
  genders: GenderDto;
  conditions: ConditionDto;
}

export type AttributeKind = keyof AttributeDtos;

export const ATTRIBUTE_KINDS: readonly AttributeKind[] = ['brands', 'colors', 'sizes', 'genders', 'conditions'];

export function isAttributeKind(value: string): value is AttributeKind {
  return (ATTRIBUTE_KINDS as readonly string[]).includes(value);
}

/** The whole category tree, siblings in display order. */
export async function getCategoryTree(db: Queryable): Promise<CategoryTreeNode[]> {
  const { rows } = await db.query<{ slug: string; parent_slug: string | null; label_en: string; label_fr: string; is_leaf: boolean }>(
    `select slug, parent_slug, label_en, label_fr, is_leaf
       from public.categories
      order by depth, position, slug`,
  );
  const bySlug = new Map<string, CategoryTreeNode>();
  const roots: CategoryTreeNode[] = [];
  // Rows come parents first (ordered by depth), so every parent exists before its children.
  for (const row of rows) {
    const node: CategoryTreeNode = { slug: row.slug, label_en: row.label_en, label_fr: row.label_fr, is_leaf: row.is_leaf, children: [] };
    bySlug.set(row.slug, node);
    const parent = row.parent_slug === null ? undefined : bySlug.get(row.parent_slug);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

const ATTRIBUTE_QUERIES: Record<AttributeKind, string> = {
  brands: 'select name, slug from public.brands order by lower(name)',
  colors: 'select slug, label_en, label_fr, hex from public.colors order by position, slug',
  sizes: 'select code, system, label from public.sizes order by position, code',
  genders: 'select code, label_en, label_fr from public.genders order by position, code',
  conditions: 'select code, label_en, label_fr, description_en from public.conditions order by position, code',
};

/** One reference list, in display order. */
export async function listAttributes<K extends AttributeKind>(db: Queryable, kind: K): Promise<AttributeDtos[K][]> {
  const sql = ATTRIBUTE_QUERIES[kind];
  if (!sql) throw new Error(`unknown attribute kind: ${String(kind)}`);
  const { rows } = await db.query<AttributeDtos[K] & Record<string, unknown>>(sql);
  return rows;
}

/** The category if `slug` names a LEAF (the only kind a product may use), else null. */
export async function findLeafCategory(db: Queryable, slug: string): Promise<LeafCategory | null> {
  const { rows } = await db.query<LeafCategory>(
    'select slug, label_en, label_fr, path from public.categories where slug = $1 and is_leaf',
    [slug],
  );
  return rows[0] ?? null;
}

/** The canonical spelling of a brand, matched case-insensitively ("levi's" → "Levi's"), else null. */
export async function findBrand(db: Queryable, name: string): Promise<string | null> {
  const wanted = name.trim();
  if (wanted === '') return null;
  const { rows } = await db.query<{ name: string }>('select name from public.brands where lower(name) = lower($1)', [wanted]);
  return rows[0]?.name ?? null;
}

async function exists(db: Queryable, sql: string, value: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(`select exists (${sql}) as found`, [value]);
  return rows[0]?.found === true;
}

export function sizeExists(db: Queryable, code: string): Promise<boolean> {
  return exists(db, 'select 1 from public.sizes where code = $1', code);
}

export function colorExists(db: Queryable, slug: string): Promise<boolean> {
  return exists(db, 'select 1 from public.colors where slug = $1', slug);
}

export function genderExists(db: Queryable, code: string): Promise<boolean> {
  return exists(db, 'select 1 from public.genders where code = $1', code);
}

export function conditionExists(db: Queryable, code: string): Promise<boolean> {
  return exists(db, 'select 1 from public.conditions where code = $1', code);
}

export interface ReferenceInput {
  category?: string | null;
  brand?: string | null;
  size?: string | null;
  color?: string | null;
  gender?: string | null;
  condition?: string | null;
}

export type ReferenceField = keyof ReferenceInput;

export interface ReferenceProblem {
  field: ReferenceField;
  value: string;
  /** `not_leaf`: the category exists but has sub-categories, so it is too broad for a product. */
  reason: 'unknown' | 'not_leaf';
}

export interface ResolvedReferences {
  ok: boolean;
  problems: ReferenceProblem[];
  /** The brand as spelled in the reference list, when `brand` was given and found. */
  brand: string | null;
}

/**
 * Checks every reference a product carries in one round trip. Absent (undefined/null) fields are
 * not checked. Codes and slugs match exactly; the brand matches case-insensitively and comes
 * back canonical.
 */
export async function resolveReferences(db: Queryable, input: ReferenceInput): Promise<ResolvedReferences> {
  const brand = input.brand?.trim() || null;
  const { rows } = await db.query<{
    category_leaf: boolean | null;
    brand: string | null;
    size_found: boolean;
    color_found: boolean;
    gender_found: boolean;
    condition_found: boolean;
  }>(
    `select
       (select is_leaf from public.categories where slug = $1) as category_leaf,
       (select name from public.brands where lower(name) = lower($2)) as brand,
       exists (select 1 from public.sizes where code = $3) as size_found,
       exists (select 1 from public.colors where slug = $4) as color_found,
       exists (select 1 from public.genders where code = $5) as gender_found,
       exists (select 1 from public.conditions where code = $6) as condition_found`,
    [input.category ?? null, brand, input.size ?? null, input.color ?? null, input.gender ?? null, input.condition ?? null],
  );
  const found = rows[0];
  if (!found) throw new Error('reference lookup returned no row');

  const problems: ReferenceProblem[] = [];
  const given = (value: string | null | undefined): value is string => value !== undefined && value !== null;
  if (given(input.category)) {
    if (found.category_leaf === null) problems.push({ field: 'category', value: input.category, reason: 'unknown' });
    else if (!found.category_leaf) problems.push({ field: 'category', value: input.category, reason: 'not_leaf' });
  }
  if (given(input.brand) && found.brand === null) problems.push({ field: 'brand', value: input.brand, reason: 'unknown' });
  if (given(input.size) && !found.size_found) problems.push({ field: 'size', value: input.size, reason: 'unknown' });
  if (given(input.color) && !found.color_found) problems.push({ field: 'color', value: input.color, reason: 'unknown' });
  if (given(input.gender) && !found.gender_found) problems.push({ field: 'gender', value: input.gender, reason: 'unknown' });
  if (given(input.condition) && !found.condition_found) {
    problems.push({ field: 'condition', value: input.condition, reason: 'unknown' });
  }
  return { ok: problems.length === 0, problems, brand: found.brand };
}

export interface PlatformMappingDto {
  platform: string;
  kind: string;
  internal_code: string;
  external_id: string;
  external_label: string | null;
  version: number;
}

/** The marketplace id for one of our codes, or null when it is not known (see the seed data). */
export async function findPlatformMapping(
  db: Queryable,
  platform: string,
  kind: string,
  internalCode: string,
): Promise<PlatformMappingDto | null> {
  const { rows } = await db.query<PlatformMappingDto>(
    `select platform, kind, internal_code, external_id, external_label, version
       from public.platform_mappings
      where platform = $1 and kind = $2 and internal_code = $3`,
    [platform, kind, internalCode],
  );
  return rows[0] ?? null;
}
