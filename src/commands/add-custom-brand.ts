import { z } from 'zod';
import { BRAND_LIST_STREAM, brandListDecider, normaliseBrandName } from '../domain/brand/brand-list';
import { defineRoute } from '../http/route';
import { findBrand } from '../queries/reference-data';
import { brandSlug } from '../seed';
import type { Services } from '../services';
import { ConcurrencyError } from '../shared/errors';
import { handleCommand } from './handle-command';
import { requestMetadata } from './product-commands';

/**
 * A brand the shared list lacks, added for this tenant only: a `BrandAdded` event in the tenant's
 * brand stream, projected inline into `custom_brands` (so it is audited, exported and restored
 * like the rest of the catalogue).
 */
export const addBrandBody = z.object({ name: z.string().describe('1 to 100 characters, as the brand spells itself') }).strict();

export const customBrandSchema = z.object({ name: z.string(), slug: z.string(), custom: z.literal(true) });

/** POST /api/attributes/brands */
export function addCustomBrandRoute(services: Services) {
  return defineRoute({
    method: 'post',
    path: '/api/attributes/brands',
    summary: 'Add a brand of your own (usable on your products)',
    tags: ['Catalogue'],
    body: addBrandBody,
    responses: {
      201: { description: 'Added', schema: customBrandSchema },
      400: { description: 'name is missing or not a string' },
      409: { description: 'The brand already exists (any case), shared or yours' },
      422: { description: 'name is empty or too long' },
    },
    handle: async ({ body, auth, requestId, req }) => {
      const ctx = services.commandContext(requestMetadata(auth, requestId, req));
      const name = normaliseBrandName(body.name);
      const shared = await findBrand(services.pool, name);
      // Brands of one tenant share a stream: two added at the same instant race on its version,
      // and the loser simply decides again on the new state.
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await handleCommand(ctx, {
            tenant: auth.tenantId,
            stream: BRAND_LIST_STREAM,
            decider: brandListDecider,
            command: { type: 'AddBrand', name, slug: brandSlug(name), shared, now: ctx.clock.now() },
          });
          const added = result.events[0]!.data;
          return { status: 201, body: { name: added.name, slug: added.slug, custom: true as const } };
        } catch (err) {
          if (!(err instanceof ConcurrencyError) || attempt >= 5) throw err;
        }
      }
    },
  });
}
