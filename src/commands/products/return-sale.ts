/*
 * RecordSaleReturn: a sale came back — the buyer returned the item, or the order was cancelled
 * after the sale. The refund (default: the price paid for the units, shipping aside; at most
 * what the buyer paid, shipping included) comes off the sale's profit; restocked (the default
 * unless the product is archived), the units are for sale again and their cost of goods is
 * stock again, not a cost of the sale. A sale comes back once: asked again, the return as
 * recorded is the answer. The sale stays a sale of its day in analytics, with its return.
 */
import { z } from 'zod';
import { productDecider, productStream } from '../../domain/product/decider';
import { etagOf } from '../../shared/product-fields';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { productIdOf } from './deps';

export const returnSaleBody = z
  .object({
    refund: z.number().optional().describe('Euros the buyer got back (default: quantity × unit price; at most that plus the shipping the buyer paid)'),
    restock: z.boolean().optional().describe('Whether the units are back in stock, for sale again (default: true, false for an archived product)'),
    reason: z.string().max(500).optional().describe('Why it came back, for the history'),
  })
  .strict();

const params = z.object({ id: z.string().describe('Product id (uuid)'), sale_id: z.uuid().describe("The sale's id") });

export const saleReturnSchema = z.object({
  sale_id: z.uuid(),
  quantity: z.number().int(),
  refund: z.number().describe('Euros'),
  restocked: z.boolean(),
  stock_quantity: z.number().int().describe("The product's stock now"),
  returned_at: z.string(),
});

export type SaleReturnDto = z.infer<typeof saleReturnSchema>;

export async function returnSale(
  deps: CommandDeps,
  tenant: number,
  input: { product_id: string; sale_id: string } & z.infer<typeof returnSaleBody>,
  metadata: CommandMetadata,
): Promise<{ version: number; created: boolean; sale_return: SaleReturnDto }> {
  const outcome = await runCommand(
    deps,
    tenant,
    {
      stream: productStream(productIdOf(input.product_id)),
      decider: productDecider,
      command: { type: 'RecordSaleReturn', sale_id: input.sale_id, refund: input.refund, restock: input.restock, reason: input.reason ?? null, now: deps.clock.now() },
    },
    metadata,
  );
  const back = outcome.state!.sale_returns[input.sale_id]!;
  return {
    version: outcome.version,
    created: outcome.events.length > 0,
    sale_return: { sale_id: input.sale_id, quantity: back.quantity, refund: back.refund_cents / 100, restocked: back.restocked, stock_quantity: outcome.state!.stock_quantity, returned_at: back.returned_at },
  };
}

/** POST /api/products/{id}/sales/{sale_id}/return */
export function returnSaleRoute(deps: CommandDeps) {
  return commandRoute({
    method: 'post',
    path: '/api/products/{id}/sales/{sale_id}/return',
    summary: 'Record that a sale came back (returned, or cancelled after the sale): the refund, and the units back in stock',
    tags: ['Products'],
    params,
    body: returnSaleBody,
    ifMatch: 'optional',
    responses: {
      201: { description: 'Recorded: the return', schema: saleReturnSchema },
      200: { description: 'The sale had come back already: the return as it was recorded', schema: saleReturnSchema },
      400: { description: 'A field has the wrong type, or is unknown' },
      404: { description: 'No such product, or no sale of it with that id' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
      422: { description: 'A refund above what the buyer paid, or a bad amount; restocking an archived product' },
    },
    handle: async ({ params: p, body, auth }, metadata) => {
      const { version, created, sale_return } = await returnSale(deps, auth.tenantId, { product_id: p.id, sale_id: p.sale_id, ...body }, metadata);
      return { status: created ? 201 : 200, body: sale_return, headers: { ETag: etagOf(version) } };
    },
  });
}
