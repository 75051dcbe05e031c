/* ArchiveProduct: the product leaves the default list; it and its history stay readable. */
import { productDecider, productStream } from '../../domain/product/decider';
import { etagOf } from '../../shared/product-fields';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { productIdOf } from './deps';
import { productIdParams } from './params';

/** Returns the product's version after the command (archiving twice changes nothing). */
export async function archiveProduct(deps: CommandDeps, tenant: number, input: { product_id: string }, metadata: CommandMetadata): Promise<{ version: number }> {
  const id = productIdOf(input.product_id);
  const outcome = await runCommand(deps, tenant, { stream: productStream(id), decider: productDecider, command: { type: 'ArchiveProduct', now: deps.clock.now() } }, metadata);
  return { version: outcome.version };
}

/** DELETE /api/products/{id} */
export function archiveProductRoute(deps: CommandDeps) {
  return commandRoute({
    method: 'delete',
    path: '/api/products/{id}',
    summary: 'Archive a product (it leaves the default list; it stays readable with its history)',
    tags: ['Products'],
    params: productIdParams,
    ifMatch: 'optional',
    responses: {
      204: { description: 'Archived (also when it already was)' },
      404: { description: 'No such product for this account' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
    },
    handle: async ({ params, auth }, metadata) => {
      const { version } = await archiveProduct(deps, auth.tenantId, { product_id: params.id }, metadata);
      return { status: 204, headers: { ETag: etagOf(version) } };
    },
  });
}
