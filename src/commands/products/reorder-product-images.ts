/* ReorderProductImages: the seller's order, main image first. */
import { z } from 'zod';
import { productDecider, productStream } from '../../domain/product/decider';
import { etagOf, productSchema, type ProductDto } from '../../shared/product-fields';
import { runCommand, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { productAfter, productIdOf, type ProductCommandDeps } from './deps';
import { productIdParams } from './params';

export const reorderImagesBody = z.object({ image_ids: z.array(z.string()).max(100).describe('Every image id of the product, main image first') }).strict();

export type ReorderImagesDeps = Pick<ProductCommandDeps, 'store' | 'clock' | 'ids' | 'readYourWrites' | 'represent'>;

export async function reorderProductImages(deps: ReorderImagesDeps, tenant: number, input: { product_id: string; image_ids: string[] }, metadata: CommandMetadata): Promise<ProductDto> {
  const id = productIdOf(input.product_id);
  const command = { type: 'ReorderProductImages' as const, image_ids: input.image_ids.map((i) => i.toLowerCase()), now: deps.clock.now() };
  const outcome = await runCommand(deps, tenant, { stream: productStream(id), decider: productDecider, command }, metadata);
  return await productAfter(deps.represent, tenant, outcome);
}

/** PUT /api/products/{id}/images/order */
export function reorderProductImagesRoute(deps: ReorderImagesDeps) {
  return commandRoute({
    method: 'put',
    path: '/api/products/{id}/images/order',
    summary: 'Put the images in a new order',
    tags: ['Products'],
    params: productIdParams,
    body: reorderImagesBody,
    ifMatch: 'optional',
    responses: {
      200: { description: 'The product with its images in the new order', schema: productSchema },
      400: { description: 'image_ids is missing or not a list of strings' },
      404: { description: 'No such product for this account' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
      422: { description: 'image_ids does not list each image of the product exactly once, or the product is sold or archived' },
    },
    handle: async ({ params, body, auth }, metadata) => {
      const product = await reorderProductImages(deps, auth.tenantId, { product_id: params.id, image_ids: body.image_ids }, metadata);
      return { status: 200, body: product, headers: { ETag: etagOf(product.version) } };
    },
  });
}
