/*
 * ResolveOversell: the seller says how an oversell was settled (the buyer refunded and the order
 * cancelled on the marketplace, another unit found, or otherwise). Stoflow never settles one by
 * itself; this only closes it in GET /api/sync/oversells, with the seller's note.
 */
import { z } from 'zod';
import { productDecider, productStream } from '../../domain/product/decider';
import { OVERSELL_RESOLUTIONS } from '../../domain/product/events';
import { etagOf } from '../../shared/product-fields';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { productIdOf } from './deps';

export const resolveOversellBody = z
  .object({
    resolution: z.enum(OVERSELL_RESOLUTIONS).describe('buyer_refunded (the order cancelled on the marketplace), item_found (another unit shipped), other'),
    note: z.string().max(1000).optional().describe('What was done, for the history'),
  })
  .strict();

const params = z.object({ id: z.string().describe('Product id (uuid)'), sale_id: z.uuid().describe("The oversold sale's id (GET /api/sync/oversells)") });

export async function resolveOversell(
  deps: CommandDeps,
  tenant: number,
  input: { product_id: string; sale_id: string; resolution: string; note?: string },
  metadata: CommandMetadata,
): Promise<{ version: number }> {
  const outcome = await runCommand(
    deps,
    tenant,
    { stream: productStream(productIdOf(input.product_id)), decider: productDecider, command: { type: 'ResolveOversell', sale_id: input.sale_id, resolution: input.resolution, note: input.note ?? null, now: deps.clock.now() } },
    metadata,
  );
  return { version: outcome.version };
}

/** POST /api/products/{id}/oversells/{sale_id}/resolve */
export function resolveOversellRoute(deps: CommandDeps) {
  return commandRoute({
    method: 'post',
    path: '/api/products/{id}/oversells/{sale_id}/resolve',
    summary: 'Say how an oversell was settled (it leaves the open oversells)',
    tags: ['Sync'],
    params,
    body: resolveOversellBody,
    ifMatch: 'optional',
    responses: {
      204: { description: 'Settled (also when it already was)' },
      400: { description: 'A field has the wrong type, or is unknown' },
      404: { description: 'No such product, or no oversell of it with that sale id' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
    },
    handle: async ({ params: p, body, auth }, metadata) => {
      const { version } = await resolveOversell(deps, auth.tenantId, { product_id: p.id, sale_id: p.sale_id, ...body }, metadata);
      return { status: 204, headers: { ETag: etagOf(version) } };
    },
  });
}
