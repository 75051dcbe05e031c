import { productDecider, productStream } from '../domain/product/decider';
import { defineRoute } from '../http/route';
import { productIdParams } from '../queries/get-product';
import type { Services } from '../services';
import { handleCommand } from './handle-command';
import { assertProductId, optionalIfMatch, requestMetadata, unknownWhenAbsent } from './product-commands';

/** DELETE /api/products/{id} — archives: the product and its history stay readable. */
export function archiveProductRoute(services: Services) {
  return defineRoute({
    method: 'delete',
    path: '/api/products/{id}',
    summary: 'Archive a product (it leaves the default list; it stays readable with its history)',
    tags: ['Products'],
    params: productIdParams,
    headers: [{ name: 'If-Match', description: 'Optional: archive only if the product is still at this ETag' }],
    responses: {
      204: { description: 'Archived (also when it already was)' },
      404: { description: 'No such product for this account' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
    },
    handle: async ({ params, auth, requestId, req }) => {
      const id = assertProductId(params.id);
      const ctx = services.commandContext(requestMetadata(auth, requestId, req));
      const result = await handleCommand(ctx, {
        tenant: auth.tenantId,
        stream: productStream(id),
        decider: productDecider,
        command: { type: 'ArchiveProduct', now: ctx.clock.now() },
        expectedVersion: optionalIfMatch(req),
      }).catch(unknownWhenAbsent);
      return { status: 204, headers: { ETag: `"${result.version}"` } };
    },
  });
}
