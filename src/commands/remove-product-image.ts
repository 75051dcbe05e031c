import { z } from 'zod';
import { productDecider, productStream } from '../domain/product/decider';
import { defineRoute } from '../http/route';
import type { ObjectStorage } from '../infra/storage';
import type { Logger } from '../infra/logger';
import { getProduct } from '../queries/get-product';
import type { Services } from '../services';
import { NotFoundError } from '../shared/errors';
import { handleCommand } from './handle-command';
import { assertProductId, optionalIfMatch, requestMetadata, unknownWhenAbsent } from './product-commands';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function deleteFile(storage: ObjectStorage, logger: Logger, file: string): Promise<void> {
  // The event is stored: a file left behind is only wasted space, never a wrong answer.
  await storage.delete(file).catch((err: unknown) => logger.warn({ err, file }, 'could not delete a removed image'));
}

/** DELETE /api/products/{id}/images/{image_id} */
export function removeProductImageRoute(services: Services, storage: ObjectStorage) {
  return defineRoute({
    method: 'delete',
    path: '/api/products/{id}/images/{image_id}',
    summary: 'Remove an image (its file is deleted)',
    tags: ['Products'],
    params: z.object({ id: z.string(), image_id: z.string() }),
    headers: [{ name: 'If-Match', description: 'Optional: remove only if the product is still at this ETag' }],
    responses: {
      204: { description: 'Removed; ETag holds the new version' },
      404: { description: 'No such product for this account, or no such image on it' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
      422: { description: 'The product is sold or archived' },
    },
    handle: async ({ params, auth, requestId, req }) => {
      const id = assertProductId(params.id);
      if (!UUID.test(params.image_id)) throw new NotFoundError('Image not found', 'image_not_found');
      const imageId = params.image_id.toLowerCase();
      const image = (await getProduct(services.pool, auth.tenantId, id)).images.find((i) => i.id === imageId);
      const ctx = services.commandContext(requestMetadata(auth, requestId, req));
      const result = await handleCommand(ctx, {
        tenant: auth.tenantId,
        stream: productStream(id),
        decider: productDecider,
        command: { type: 'RemoveProductImage', image_id: imageId, now: ctx.clock.now() },
        expectedVersion: optionalIfMatch(req),
      }).catch(unknownWhenAbsent);
      if (image && result.events.length > 0) await deleteFile(storage, services.logger, image.url.slice(image.url.lastIndexOf('/') + 1));
      return { status: 204, headers: { ETag: `"${result.version}"` } };
    },
  });
}
