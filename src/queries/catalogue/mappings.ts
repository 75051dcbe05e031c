/*
 * GET /api/mappings: for each marketplace, what every seeded category, condition, colour, size and
 * gender becomes there — a marketplace id, an ancestor's, our label as text, a choice the seller
 * makes when publishing, or nothing — so a seller (or an importer) knows before publishing what
 * will be asked. Shared reference data: the same for everyone.
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { Queryable } from '../../infra/db/postgres';
import { UNMAPPED, type Coverage, type MappingKind, type Platform } from '../../seed/data/platform-mappings';

const PLATFORMS = ['ebay', 'etsy', 'vinted'] as const;
const KINDS = ['category', 'condition', 'color', 'size', 'gender'] as const;
const COVERAGES = ['mapped', 'inherited', 'needs_choice', 'as_text', 'not_applicable'] as const;

export interface MappingCoverage {
  marketplace: Platform;
  kind: MappingKind;
  code: string;
  coverage: Coverage;
  external_id: string | null;
  external_label: string | null;
  /** The ancestor category whose mapping stands for this one (`inherited`). */
  via: string | null;
  reason: string | null;
}

interface CodeRow {
  kind: MappingKind;
  code: string;
  /** Categories: the slugs from the root down to it. */
  path: string[] | null;
}

/** Pure: what a code becomes on a marketplace, given that marketplace's rows for the kind. */
export function coverageOf(marketplace: Platform, row: CodeRow, rows: ReadonlyMap<string, { external_id: string; external_label: string | null }>): MappingCoverage {
  const base = { marketplace, kind: row.kind, code: row.code };
  const own = rows.get(row.code);
  if (own) return { ...base, coverage: 'mapped', external_id: own.external_id, external_label: own.external_label, via: null, reason: null };
  const policy = UNMAPPED[marketplace][row.kind];
  if (policy.inherit && row.path) {
    for (const ancestor of [...row.path].reverse()) {
      const found = rows.get(ancestor);
      if (found) return { ...base, coverage: 'inherited', external_id: found.external_id, external_label: found.external_label, via: ancestor, reason: null };
    }
  }
  return { ...base, coverage: policy.coverage, external_id: null, external_label: null, via: null, reason: policy.reason };
}

export async function listMappingCoverage(db: Queryable, filter: { marketplace?: Platform; kind?: MappingKind; coverage?: Coverage }): Promise<MappingCoverage[]> {
  const [codes, mappings] = await Promise.all([
    db.query<CodeRow>(
      `select 'category' as kind, slug as code, string_to_array(path, '.') as path, 0 as part, path as sort from public.categories where is_leaf
       union all select 'condition', code, null, 1, lpad(position::text, 6, '0') from public.conditions
       union all select 'color', slug, null, 2, lpad(position::text, 6, '0') from public.colors
       union all select 'size', code, null, 3, lpad(position::text, 6, '0') from public.sizes
       union all select 'gender', code, null, 4, lpad(position::text, 6, '0') from public.genders
       order by part, sort`,
    ),
    db.query<{ platform: Platform; kind: MappingKind; internal_code: string; external_id: string; external_label: string | null }>(
      'select platform, kind, internal_code, external_id, external_label from public.platform_mappings',
    ),
  ]);
  const byKey = new Map<string, Map<string, { external_id: string; external_label: string | null }>>();
  for (const m of mappings.rows) {
    const key = `${m.platform}:${m.kind}`;
    if (!byKey.has(key)) byKey.set(key, new Map());
    byKey.get(key)!.set(m.internal_code, m);
  }
  const out: MappingCoverage[] = [];
  for (const marketplace of filter.marketplace ? [filter.marketplace] : PLATFORMS) {
    for (const row of codes.rows) {
      if (filter.kind && row.kind !== filter.kind) continue;
      const c = coverageOf(marketplace, row, byKey.get(`${marketplace}:${row.kind}`) ?? new Map());
      if (!filter.coverage || c.coverage === filter.coverage) out.push(c);
    }
  }
  return out;
}

const coverageItem = z.object({
  marketplace: z.enum(PLATFORMS),
  kind: z.enum(KINDS),
  code: z.string(),
  coverage: z.enum(COVERAGES).describe('mapped: an id of its own; inherited: its nearest mapped ancestor category; needs_choice: chosen when publishing; as_text: our label is sent; not_applicable: nothing is sent'),
  external_id: z.string().nullable(),
  external_label: z.string().nullable(),
  via: z.string().nullable().describe('The ancestor category whose id stands for it (inherited)'),
  reason: z.string().nullable().describe('Why there is no id, and what publishing asks instead'),
});

/** GET /api/mappings */
export function listMappingsRoute(db: Queryable) {
  return defineRoute({
    method: 'get',
    path: '/api/mappings',
    summary: 'What each category, condition, colour, size and gender becomes on eBay, Etsy and Vinted, including what needs a choice when publishing',
    tags: ['Catalogue'],
    auth: false,
    query: z
      .object({
        marketplace: z.enum(PLATFORMS).optional(),
        kind: z.enum(KINDS).optional(),
        coverage: z.enum(COVERAGES).optional(),
      })
      .strict(),
    responses: {
      200: { description: 'One entry per marketplace and code (categories: leaves only, the ones a product can take)', schema: z.object({ items: z.array(coverageItem) }) },
    },
    handle: async ({ query }) => ({ status: 200, body: { items: await listMappingCoverage(db, query) } }),
  });
}
