import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { Queryable } from '../../infra/db/postgres';
import { getCategoryTree } from './reference-data';

// Described one level deep: a recursive schema would need a $ref the OpenAPI document cannot resolve.
const categoryNode = z.object({
  slug: z.string(),
  label_en: z.string(),
  label_fr: z.string(),
  is_leaf: z.boolean().describe('Only leaves may be given to a product'),
  children: z.array(z.record(z.string(), z.unknown())).describe('Sub-categories, each of this same shape'),
});

/** GET /api/categories */
export function listCategoriesRoute(db: Queryable) {
  return defineRoute({
    method: 'get',
    path: '/api/categories',
    summary: 'The category tree, with slugs and labels',
    tags: ['Catalogue'],
    // Shared reference data, the same for everyone: no account needed.
    auth: false,
    responses: {
      200: { description: 'Root categories, each with its sub-categories', schema: z.object({ items: z.array(categoryNode) }) },
    },
    handle: async () => ({ status: 200, body: { items: await getCategoryTree(db) } }),
  });
}
