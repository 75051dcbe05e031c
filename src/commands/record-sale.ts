import { z } from 'zod';
import { productDecider, productStream, type ProductSold } from '../domain/product/decider';
import { defineRoute } from '../http/route';
import { productIdParams } from '../queries/get-product';
import { productSchema } from '../queries/product-representation';
import type { Services } from '../services';
import { deterministicUuid, handleCommand } from './handle-command';
import { checkIdempotencyKey, IDEMPOTENCY_HEADER, idempotent } from './idempotency';
import { assertProductId, optionalIfMatch, productReply, requestMetadata, unknownWhenAbsent } from './product-commands';

export const recordSaleBody = z
  .object({
    quantity: z.number().default(1).describe('Whole number, 1 or more, at most the stock (default 1)'),
    unit_price: z.number().describe('Euros per unit'),
    channel: z.string().default('offline').describe('Where it sold: offline (marketplaces record their own sales)'),
  })
  .strict();

export const saleSchema = z.object({
  id: z.uuid(),
  quantity: z.number().int(),
  unit_price: z.number(),
  channel: z.string(),
  remaining_stock: z.number().int(),
  sold_at: z.string().nullable(),
});

/** POST /api/products/{id}/sales — stock goes down; at 0 the product is sold. */
export function recordSaleRoute(services: Services) {
  const { pool } = services;
  return defineRoute({
    method: 'post',
    path: '/api/products/{id}/sales',
    summary: 'Record a sale made outside the marketplaces',
    tags: ['Products'],
    params: productIdParams,
    body: recordSaleBody,
    headers: [IDEMPOTENCY_HEADER, { name: 'If-Match', description: 'Optional: record only if the product is still at this ETag' }],
    responses: {
      201: { description: 'Recorded: the product as it is now, with the sale', schema: productSchema.extend({ sale: saleSchema }) },
      400: { description: 'A field has the wrong type, or is unknown' },
      404: { description: 'No such product for this account' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
      422: { description: 'More than the stock, a bad amount or channel, or the product is archived' },
    },
    handle: async ({ params, body, auth, requestId, req }) => {
      const id = assertProductId(params.id);
      const key = checkIdempotencyKey(req.header('idempotency-key'));
      return idempotent(pool, auth.tenantId, key, { route: `POST /api/products/${id}/sales`, body }, async (seed) => {
        const ctx = services.commandContext(requestMetadata(auth, requestId, req));
        const saleId = seed === undefined ? ctx.ids.uuid() : deterministicUuid(`${auth.tenantId}:sale:${seed}`, 0);
        const result = await handleCommand(ctx, {
          tenant: auth.tenantId,
          stream: productStream(id),
          decider: productDecider,
          command: { type: 'RecordProductSale', sale_id: saleId, ...body, now: ctx.clock.now() },
          expectedVersion: optionalIfMatch(req),
          idSeed: seed,
        }).catch(unknownWhenAbsent);
        const sold = result.events.find((e): e is ProductSold => e.type === 'ProductSold');
        const sale = sold
          ? { id: sold.data.sale_id, quantity: sold.data.quantity, unit_price: sold.data.unit_price_cents / 100, channel: sold.data.channel, remaining_stock: sold.data.remaining_stock, sold_at: sold.data.sold_at }
          : { id: saleId, quantity: body.quantity, unit_price: body.unit_price, channel: body.channel, remaining_stock: result.state?.stock_quantity ?? 0, sold_at: null };
        return productReply(pool, auth.tenantId, id, 201, { sale });
      }, services.config.IDEMPOTENCY_KEY_TTL_HOURS);
    },
  });
}
