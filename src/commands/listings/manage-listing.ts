/* Delisting one marketplace (DELETE /api/products/{id}/listings/{marketplace}) and retrying a failed listing. */
import { z } from 'zod';
import { MARKETPLACES, type Marketplace } from '../../domain/connection/connection';
import { listingDecider, listingStream } from '../../domain/listing/listing';
import { NotFoundError } from '../../shared/errors';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { isUuid, productIdOf } from '../products/deps';
import { listingIdOf } from './load';

export async function delistProduct(deps: CommandDeps, tenant: number, input: { product_id: string; marketplace: Marketplace; reason?: string }, metadata: CommandMetadata) {
  const listingId = listingIdOf(tenant, productIdOf(input.product_id), input.marketplace);
  const outcome = await runCommand(deps, tenant, { stream: listingStream(listingId), decider: listingDecider, command: { type: 'RequestDelist', reason: input.reason ?? 'asked by the seller', now: deps.clock.now() } }, metadata);
  return { id: listingId, marketplace: input.marketplace, status: outcome.state!.status };
}

export async function retryListing(deps: CommandDeps, tenant: number, input: { listing_id: string }, metadata: CommandMetadata) {
  if (!isUuid(input.listing_id)) throw new NotFoundError('No such listing', 'listing_not_found');
  const listingId = input.listing_id.toLowerCase();
  const outcome = await runCommand(deps, tenant, { stream: listingStream(listingId), decider: listingDecider, command: { type: 'RetryListing', now: deps.clock.now() } }, metadata);
  return { id: listingId, marketplace: outcome.state!.marketplace, status: outcome.state!.status };
}

const listingAnswer = z.object({ id: z.string(), marketplace: z.enum(MARKETPLACES), status: z.string() });

export function manageListingRoutes(deps: CommandDeps) {
  return [
    commandRoute({
      method: 'delete',
      path: '/api/products/{id}/listings/{marketplace}',
      summary: 'Take a product off one marketplace (the listing ends there; its history stays)',
      tags: ['Listings'],
      params: z.object({ id: z.string().describe('Product id (uuid)'), marketplace: z.enum(MARKETPLACES) }).strict(),
      responses: {
        202: { description: 'Delisting, or nothing to do: already delisted, sold there, ended there or disconnected (its status says which)', schema: listingAnswer },
        404: { description: 'The product has no listing there' },
        409: { description: 'The listing is being published: delist it once it is active' },
      },
      handle: async ({ params, auth }, metadata) => ({ status: 202, body: await delistProduct(deps, auth.tenantId, { product_id: params.id, marketplace: params.marketplace }, metadata) }),
    }),
    commandRoute({
      method: 'post',
      path: '/api/listings/{id}/retry',
      summary: 'Try a failed listing again',
      tags: ['Listings'],
      params: z.object({ id: z.string().describe('Listing id (uuid)') }).strict(),
      responses: { 202: { description: 'Queued again', schema: listingAnswer }, 404: { description: 'No such listing' }, 422: { description: 'The listing has not failed' } },
      handle: async ({ params, auth }, metadata) => ({ status: 202, body: await retryListing(deps, auth.tenantId, { listing_id: params.id }, metadata) }),
    }),
  ];
}
