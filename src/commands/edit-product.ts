import { z } from 'zod';
import { productDecider, productStream } from '../domain/product/decider';
import { defineRoute } from '../http/route';
import { productIdParams } from '../queries/get-product';
import { productSchema } from '../queries/product-representation';
import type { Services } from '../services';
import { handleCommand } from './handle-command';
import { productReply, referenceFacts, requestMetadata, requiredIfMatch, unknownWhenAbsent } from './product-commands';

/** Any subset of the editable fields; the SKU is the product's identity and never changes. */
export const editProductBody = z
  .object({
    title: z.string(),
    description: z.string().nullable(),
    price: z.number().describe('Euros: more than 0, at most 99999.99, two decimals at most'),
    cost_price: z.number().nullable(),
    stock_quantity: z.number().describe('Whole number, 0 or more'),
    category: z.string().describe('Slug of a leaf category'),
    brand: z.string().nullable(),
    size: z.string().nullable(),
    color: z.string().nullable(),
    gender: z.string().nullable(),
    condition: z.string(),
  })
  .partial()
  .strict();

/** PATCH /api/products/{id} — details, price and stock in one append, one event per kind of change. */
export function editProductRoute(services: Services) {
  const { pool } = services;
  return defineRoute({
    method: 'patch',
    path: '/api/products/{id}',
    summary: 'Edit a product (If-Match required)',
    tags: ['Products'],
    params: productIdParams,
    body: editProductBody,
    headers: [{ name: 'If-Match', description: 'The ETag of the product as you last read it', required: true }],
    responses: {
      200: { description: 'The product as edited; ETag holds its new version', schema: productSchema },
      400: { description: 'A field has the wrong type, or is unknown' },
      404: { description: 'No such product for this account' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
      422: { description: 'A field breaks a rule, or the product is sold or archived' },
      428: { description: 'If-Match is missing' },
    },
    handle: async ({ params, body, auth, requestId, req }) => {
      const tenant = auth.tenantId;
      const expectedVersion = await requiredIfMatch(pool, tenant, params.id, req);
      const { category, brand, size, color, gender, condition } = body;
      const references = await referenceFacts(pool, tenant, { category, brand, size, color, gender, condition });
      const ctx = services.commandContext(requestMetadata(auth, requestId, req));
      await handleCommand(ctx, {
        tenant,
        stream: productStream(params.id),
        decider: productDecider,
        command: { type: 'EditProduct', changes: body, references, now: ctx.clock.now() },
        expectedVersion,
      }).catch(unknownWhenAbsent);
      return productReply(pool, tenant, params.id, 200);
    },
  });
}
