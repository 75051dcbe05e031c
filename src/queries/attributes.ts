import { z } from 'zod';
import { defineRoute } from '../http/route';
import type { Queryable } from '../infra/db/postgres';
import { tenantTable } from '../infra/db/tenancy';
import { NotFoundError } from '../shared/errors';
import { ATTRIBUTE_KINDS, isAttributeKind, listAttributes, type BrandDto } from './reference-data';

export interface TenantBrandDto extends BrandDto {
  /** True for a brand this tenant added itself. */
  custom: boolean;
}

/** The tenant's own spelling of a brand it added, matched case-insensitively, else null. */
export async function findCustomBrand(db: Queryable, tenantId: number, name: string): Promise<string | null> {
  const { rows } = await db.query<{ name: string }>(`select name from ${tenantTable(tenantId, 'custom_brands')} where lower(name) = lower($1)`, [name.trim()]);
  return rows[0]?.name ?? null;
}

/** Shared brands and the tenant's own, in one alphabetical list. */
export async function listTenantBrands(db: Queryable, tenantId: number): Promise<TenantBrandDto[]> {
  const { rows } = await db.query<TenantBrandDto>(
    `select name, slug, custom from (
       select name, slug, false as custom from public.brands
       union all
       select name, slug, true from ${tenantTable(tenantId, 'custom_brands')}
     ) b order by lower(name), name`,
  );
  return rows;
}

const kindParams = z.object({ kind: z.string().describe(ATTRIBUTE_KINDS.join(', ')) });

const attributeItem = z.object({}).catchall(z.unknown());

/** GET /api/attributes/{kind} */
export function listAttributesRoute(db: Queryable) {
  return defineRoute({
    method: 'get',
    path: '/api/attributes/{kind}',
    summary: 'Reference values a product may use: brands (with your own), colors, sizes, genders, conditions',
    tags: ['Catalogue'],
    params: kindParams,
    responses: {
      200: { description: 'The values in display order', schema: z.object({ items: z.array(attributeItem) }) },
      404: { description: 'No such kind of attribute' },
    },
    handle: async ({ params, auth }) => {
      const { kind } = params;
      if (!isAttributeKind(kind)) throw new NotFoundError(`Unknown attribute kind: use one of ${ATTRIBUTE_KINDS.join(', ')}`, 'attribute_kind_not_found');
      const items = kind === 'brands' ? await listTenantBrands(db, auth.tenantId) : await listAttributes(db, kind);
      return { status: 200, body: { items } };
    },
  });
}
