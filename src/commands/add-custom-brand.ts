import { z } from 'zod';
import { defineRoute } from '../http/route';
import type { Queryable } from '../infra/db/postgres';
import { tenantTable } from '../infra/db/tenancy';
import { findBrand } from '../queries/reference-data';
import { brandSlug } from '../seed';
import { ConflictError, ValidationError } from '../shared/errors';

/**
 * A brand the shared list lacks, added for this tenant only. Brands are reference data, not a
 * product's history, so this writes the tenant's table directly; products that use the brand
 * record its name in their own events.
 */
export const addBrandBody = z.object({ name: z.string().describe('1 to 100 characters, as the brand spells itself') }).strict();

export const customBrandSchema = z.object({ name: z.string(), slug: z.string(), custom: z.literal(true) });

function taken(existing: string): ConflictError {
  return new ConflictError(`The brand "${existing}" already exists`, 'brand_exists', { errors: [{ field: 'name', message: `already exists as "${existing}"` }] });
}

export async function addCustomBrand(db: Queryable, tenantId: number, userId: string, rawName: string): Promise<z.infer<typeof customBrandSchema>> {
  const name = rawName.trim().replace(/\s+/g, ' ');
  const slug = brandSlug(name);
  if (name.length < 1 || name.length > 100 || slug === '') {
    throw new ValidationError([{ field: 'name', message: 'must be 1 to 100 characters, with at least one letter or digit' }], true);
  }
  const shared = await findBrand(db, name);
  if (shared !== null) throw taken(shared);
  const { rows } = await db.query<{ name: string }>(
    `insert into ${tenantTable(tenantId, 'custom_brands')} (name, slug, created_by) values ($1, $2, $3)
     on conflict ((lower(name))) do nothing returning name`,
    [name, slug, userId],
  );
  if (rows.length === 0) {
    const { rows: existing } = await db.query<{ name: string }>(`select name from ${tenantTable(tenantId, 'custom_brands')} where lower(name) = lower($1)`, [name]);
    throw taken(existing[0]?.name ?? name);
  }
  return { name, slug, custom: true };
}

/** POST /api/attributes/brands */
export function addCustomBrandRoute(db: Queryable) {
  return defineRoute({
    method: 'post',
    path: '/api/attributes/brands',
    summary: 'Add a brand of your own (usable on your products)',
    tags: ['catalogue'],
    body: addBrandBody,
    responses: {
      201: { description: 'Added', schema: customBrandSchema },
      400: { description: 'name is missing or not a string' },
      409: { description: 'The brand already exists (any case), shared or yours' },
      422: { description: 'name is empty or too long' },
    },
    handle: async ({ body, auth }) => ({ status: 201, body: await addCustomBrand(db, auth.tenantId, auth.userId, body.name) }),
  });
}
