/* Read side of the shared reference data (public schema). Every function is a plain read. */
import type { Queryable } from '../../infra/db/postgres';

export interface CategoryTreeNode {
  slug: string;
  label_en: string;
  label_fr: string;
  is_leaf: boolean;
  children: CategoryTreeNode[];
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

/**
 * The marketplace id a category stands for there: its own, or (`inherit`) the nearest mapped
 * ancestor's, in one statement over the category's path.
 */
export async function findCategoryMapping(db: Queryable, platform: string, slug: string, inherit: boolean): Promise<PlatformMappingDto | null> {
  if (!inherit) return findPlatformMapping(db, platform, 'category', slug);
  const { rows } = await db.query<PlatformMappingDto>(
    `select m.platform, m.kind, m.internal_code, m.external_id, m.external_label, m.version
       from public.categories c
       join public.platform_mappings m on m.platform = $1 and m.kind = 'category' and m.internal_code = any (string_to_array(c.path, '.'))
      where c.slug = $2
      order by array_position(string_to_array(c.path, '.'), m.internal_code) desc
      limit 1`,
    [platform, slug],
  );
  return rows[0] ?? null;
}
