import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { TenantDb } from '../../infra/db/tenancy';
import { NotFoundError } from '../../shared/errors';
import { etagOf, productSchema } from '../../shared/product-fields';
import { shownRepresentation } from './published';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ProductJsonRow {
  version: number;
  json: string;
}

/**
 * One product of the tenant as JSON text; another tenant's id is as unknown here as a made-up one.
 * Its version is its own stream's: a listing going live or ending says `published` or not
 * without changing it.
 */
export async function findProductJson({ db, tenancy }: TenantDb, tenantId: number, id: string): Promise<ProductJsonRow | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await db.of(tenantId).query<ProductJsonRow>(`select p.version, ${shownRepresentation('p', tenancy.table(tenantId, 'listings'))} as json from ${tenancy.table(tenantId, 'products')} p where p.id = $1`, [id]);
  return rows[0] ?? null;
}

export const productIdParams = z.object({ id: z.string().describe('Product id (uuid)') });

/** GET /api/products/{id} */
export function getProductRoute(deps: TenantDb) {
  return defineRoute({
    method: 'get',
    path: '/api/products/{id}',
    summary: 'One product, with its version as the ETag',
    tags: ['Products'],
    params: productIdParams,
    headers: [{ name: 'If-None-Match', description: 'An ETag already held: 304 when the product has not changed since' }],
    responses: {
      200: { description: 'The product', schema: productSchema },
      304: { description: 'Not modified since the ETag sent in If-None-Match' },
      404: { description: 'No such product for this account' },
    },
    handle: async ({ params, auth, req, res }) => {
      const found = await findProductJson(deps, auth.tenantId, params.id);
      if (!found) throw new NotFoundError('Product not found', 'product_not_found');
      const etag = etagOf(found.version);
      if (req.headers['if-none-match'] === etag) return { status: 304, headers: { ETag: etag } };
      res.status(200).setHeader('ETag', etag);
      res.type('application/json').send(found.json);
      return undefined;
    },
  });
}
