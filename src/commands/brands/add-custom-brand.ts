/*
 * AddBrand: a brand the shared list lacks, added for this tenant only — a `BrandAdded` event in
 * the tenant's brand stream, projected into `custom_brands`, so it is audited, exported and
 * restored like the rest of the catalogue.
 */
import { z } from 'zod';
import { BRAND_LIST_STREAM, brandListDecider, normaliseBrandName } from '../../domain/brand/brand-list';
import { brandSlug } from '../../seed';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';

export const addBrandBody = z.object({ name: z.string().describe('1 to 100 characters, as the brand spells itself') }).strict();

export const customBrandSchema = z.object({ name: z.string(), slug: z.string(), custom: z.literal(true) });

export type AddBrandDeps = CommandDeps & {
  /** The shared list's spelling of a brand, any case, or null when it does not have it. */
  sharedBrand(name: string): Promise<string | null>;
};

export async function addCustomBrand(deps: AddBrandDeps, tenant: number, input: { name: string }, metadata: CommandMetadata): Promise<{ name: string; slug: string; custom: true }> {
  const name = normaliseBrandName(input.name);
  const shared = await deps.sharedBrand(name);
  // Brands of one tenant share a stream: two added at the same instant race on its version, and
  // runCommand decides the loser again on the new state (where its name may now be taken).
  const outcome = await runCommand(
    deps,
    tenant,
    { stream: BRAND_LIST_STREAM, decider: brandListDecider, command: { type: 'AddBrand', name, slug: brandSlug(name), shared, now: deps.clock.now() } },
    metadata,
  );
  const added = outcome.events[0]!.data;
  return { name: added.name, slug: added.slug, custom: true };
}

/** POST /api/attributes/brands */
export function addCustomBrandRoute(deps: AddBrandDeps) {
  return commandRoute({
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
    handle: async ({ body, auth }, metadata) => ({ status: 201, body: await addCustomBrand(deps, auth.tenantId, body, metadata) }),
  });
}
