/**
 * The attribute lists a product form offers: the shared reference data, and for brands the
 * tenant's own next to the shared ones, searchable by name.
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { TenantDb } from '../../infra/db/tenancy';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { ATTRIBUTE_KINDS, isAttributeKind, listAttributes, type BrandDto } from './reference-data';

export interface TenantBrandDto extends BrandDto {
  /** True for a brand this tenant added itself. */
  custom: boolean;
}

export interface BrandSearch {
  /** Case-insensitive substring of the name; absent = every brand. */
  q?: string;
  /** At most this many; absent = no cap. */
  limit?: number;
}

/**
 * Shared brands and the tenant's own in one list: alphabetical, or, when searching, the names
 * that start with `q` first (what a seller typing "nik" means), then the ones that merely contain
 * it, each group alphabetical. `strpos` rather than LIKE, so `%` and `_` in `q` are plain text.
 */
export async function listTenantBrands({ db, tenancy }: TenantDb, tenantId: number, search: BrandSearch = {}): Promise<TenantBrandDto[]> {
  const { rows } = await db.of(tenantId).query<TenantBrandDto>(
    `select name, slug, custom from (
       select name, slug, false as custom, strpos(lower(name), lower($1::text)) as at from public.brands
       union all
       select name, slug, true, strpos(lower(name), lower($1::text)) from ${tenancy.table(tenantId, 'custom_brands')}
     ) b
     where $1::text is null or at > 0
     order by $1::text is not null and at > 1, lower(name), name
     limit $2::int`,
    [search.q ?? null, search.limit ?? null],
  );
  return rows;
}

const kindParams = z.object({ kind: z.string().describe(ATTRIBUTE_KINDS.join(', ')) });

export const BRAND_SEARCH_DEFAULT_LIMIT = 50;
export const BRAND_SEARCH_MAX_LIMIT = 200;

const attributeQuery = z
  .object({
    q: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(100)
      .optional()
      .describe('brands only: the names containing this text, in any case; those starting with it come first'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(BRAND_SEARCH_MAX_LIMIT)
      .optional()
      .describe(`brands only: at most this many (1 to ${BRAND_SEARCH_MAX_LIMIT}); default ${BRAND_SEARCH_DEFAULT_LIMIT} with q, every brand without`),
  })
  .strict();

const attributeItem = z.object({}).catchall(z.unknown());

/** GET /api/attributes/{kind} */
export function listAttributesRoute(deps: TenantDb) {
  return defineRoute({
    method: 'get',
    path: '/api/attributes/{kind}',
    summary: 'Reference values a product may use: brands (with your own, searchable with q), colors, sizes, genders, conditions',
    tags: ['Catalogue'],
    params: kindParams,
    query: attributeQuery,
    responses: {
      200: { description: 'The values in display order (brands matching q: prefix matches first)', schema: z.object({ items: z.array(attributeItem) }) },
      400: { description: 'q or limit is malformed, or given for a kind other than brands' },
      404: { description: 'No such kind of attribute' },
    },
    handle: async ({ params, query, auth }) => {
      const { kind } = params;
      if (!isAttributeKind(kind)) throw new NotFoundError(`Unknown attribute kind: use one of ${ATTRIBUTE_KINDS.join(', ')}`, 'attribute_kind_not_found');
      if (kind !== 'brands') {
        // The other lists are short and fixed: a filter there is a client mistake worth saying.
        const given = (['q', 'limit'] as const).filter((field) => query[field] !== undefined);
        if (given.length > 0) throw new ValidationError(given.map((field) => ({ field, message: 'only brands can be searched or limited' })));
        return { status: 200, body: { items: await listAttributes(deps.db, kind) } };
      }
      const limit = query.limit ?? (query.q === undefined ? undefined : BRAND_SEARCH_DEFAULT_LIMIT);
      return { status: 200, body: { items: await listTenantBrands(deps, auth.tenantId, { q: query.q, limit }) } };
    },
  });
}
