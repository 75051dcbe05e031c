/* RemoveProductImage: the image leaves the product, then its file is deleted. */
import { productDecider, productStream, type ProductImageAdded } from '../../domain/product/decider';
import type { Logger } from '../../infra/logger';
import type { ObjectStorage } from '../../infra/storage';
import { NotFoundError } from '../../shared/errors';
import { etagOf } from '../../shared/product-fields';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { isUuid, productIdOf } from './deps';
import { productImageParams } from './params';

export type RemoveImageDeps = CommandDeps & { storage: ObjectStorage; logger: Logger };

export async function removeProductImage(deps: RemoveImageDeps, tenant: number, input: { product_id: string; image_id: string }, metadata: CommandMetadata): Promise<{ version: number }> {
  const id = productIdOf(input.product_id);
  if (!isUuid(input.image_id)) throw new NotFoundError('Image not found', 'image_not_found');
  const imageId = input.image_id.toLowerCase();
  const outcome = await runCommand(deps, tenant, { stream: productStream(id), decider: productDecider, command: { type: 'RemoveProductImage', image_id: imageId, now: deps.clock.now() } }, metadata);
  if (outcome.events.length > 0) {
    const added = outcome.stream.find((e) => e.type === 'ProductImageAdded' && (e.data as ProductImageAdded['data']).image_id === imageId);
    const file = (added?.data as ProductImageAdded['data'] | undefined)?.file;
    // The event is stored: a file left behind is only wasted space, never a wrong answer.
    if (file) await deps.storage.delete(file).catch((err: unknown) => deps.logger.warn({ err, file }, 'could not delete a removed image'));
  }
  return { version: outcome.version };
}

/** DELETE /api/products/{id}/images/{image_id} */
export function removeProductImageRoute(deps: RemoveImageDeps) {
  return commandRoute({
    method: 'delete',
    path: '/api/products/{id}/images/{image_id}',
    summary: 'Remove an image (its file is deleted)',
    tags: ['Products'],
    params: productImageParams,
    ifMatch: 'optional',
    responses: {
      204: { description: 'Removed; ETag holds the new version' },
      404: { description: 'No such product for this account, or no such image on it' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
      422: { description: 'The product is sold or archived' },
    },
    handle: async ({ params, auth }, metadata) => {
      const { version } = await removeProductImage(deps, auth.tenantId, { product_id: params.id, image_id: params.image_id }, metadata);
      return { status: 204, headers: { ETag: etagOf(version) } };
    },
  });
}
