import { z } from 'zod';
import { productDecider, productStream } from '../domain/product/decider';
import { defineRoute } from '../http/route';
import { productIdParams } from '../queries/get-product';
import { productSchema } from '../queries/product-representation';
import type { Services } from '../services';
import { handleCommand } from './handle-command';
import { assertProductId, optionalIfMatch, productReply, requestMetadata, unknownWhenAbsent } from './product-commands';

export const reorderImagesBody = z.object({ image_ids: z.array(z.string()).max(100).describe("Every image id of the product, main image first") }).strict();

/** PUT /api/products/{id}/images/order */
export function reorderProductImagesRoute(services: Services) {
  return defineRoute({
    method: 'put',
    path: '/api/products/{id}/images/order',
    summary: 'Put the images in a new order',
    tags: ['Products'],
    params: productIdParams,
    body: reorderImagesBody,
    headers: [{ name: 'If-Match', description: 'Optional: reorder only if the product is still at this ETag' }],
    responses: {
      200: { description: 'The product with its images in the new order', schema: productSchema },
      400: { description: 'image_ids is missing or not a list of strings' },
      404: { description: 'No such product for this account' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
      422: { description: 'image_ids does not list each image of the product exactly once, or the product is sold or archived' },
    },
    handle: async ({ params, body, auth, requestId, req }) => {
      const id = assertProductId(params.id);
      const ctx = services.commandContext(requestMetadata(auth, requestId, req));
      await handleCommand(ctx, {
        tenant: auth.tenantId,
        stream: productStream(id),
        decider: productDecider,
        command: { type: 'ReorderProductImages', image_ids: body.image_ids.map((i) => i.toLowerCase()), now: ctx.clock.now() },
        expectedVersion: optionalIfMatch(req),
      }).catch(unknownWhenAbsent);
      return productReply(services.pool, auth.tenantId, id, 200);
    },
  });
}
