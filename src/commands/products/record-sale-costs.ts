/*
 * RecordSaleCosts: the seller sets what a recorded sale cost besides the item — the marketplace's
 * fees, the shipping the buyer paid, the postage the seller paid — once it is known (the label
 * bought after the sale, the fees of a monthly statement). Fields not sent stay as they are; the
 * same values again record nothing. Net profit in analytics follows.
 */
import { z } from 'zod';
import { productDecider, productStream } from '../../domain/product/decider';
import { saleMoneyInEuros } from '../../domain/product/events';
import { etagOf } from '../../shared/product-fields';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { productIdOf } from './deps';
import { saleAmountFields } from './record-sale';

export const recordSaleCostsBody = z
  .object(saleAmountFields)
  .strict()
  .refine((b) => b.fees !== undefined || b.shipping_charged !== undefined || b.shipping_paid !== undefined, { message: 'must set fees, shipping_charged or shipping_paid', path: ['fees'] });

const params = z.object({ id: z.string().describe('Product id (uuid)'), sale_id: z.uuid().describe("The sale's id (the `sale.id` its recording answered, or a marketplace sale's in the history)") });

export const saleCostsSchema = z.object({
  sale_id: z.uuid(),
  fees: z.number().describe('Euros'),
  shipping_charged: z.number().describe('Euros'),
  shipping_paid: z.number().describe('Euros'),
});

export type SaleCosts = z.infer<typeof saleCostsSchema>;

export async function recordSaleCosts(
  deps: CommandDeps,
  tenant: number,
  input: { product_id: string; sale_id: string } & z.infer<typeof recordSaleCostsBody>,
  metadata: CommandMetadata,
): Promise<{ version: number; costs: SaleCosts }> {
  const outcome = await runCommand(
    deps,
    tenant,
    {
      stream: productStream(productIdOf(input.product_id)),
      decider: productDecider,
      command: { type: 'RecordSaleCosts', sale_id: input.sale_id, fees: input.fees, shipping_charged: input.shipping_charged, shipping_paid: input.shipping_paid, now: deps.clock.now() },
    },
    metadata,
  );
  return { version: outcome.version, costs: { sale_id: input.sale_id, ...saleMoneyInEuros(outcome.state!.sale_money[input.sale_id]) } };
}

/** PATCH /api/products/{id}/sales/{sale_id} */
export function recordSaleCostsRoute(deps: CommandDeps) {
  return commandRoute({
    method: 'patch',
    path: '/api/products/{id}/sales/{sale_id}',
    summary: "Set a recorded sale's fees and shipping (what is not sent stays)",
    tags: ['Products'],
    params,
    body: recordSaleCostsBody,
    ifMatch: 'optional',
    responses: {
      200: { description: "The sale's fees and shipping as they are now", schema: saleCostsSchema },
      400: { description: 'A field has the wrong type, or is unknown, or none is sent' },
      404: { description: 'No such product, or no sale of it with that id' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
      422: { description: 'A negative amount, more than two decimals, or more than 99,999.99' },
    },
    handle: async ({ params: p, body, auth }, metadata) => {
      const { version, costs } = await recordSaleCosts(deps, auth.tenantId, { product_id: p.id, sale_id: p.sale_id, ...body }, metadata);
      return { status: 200, body: costs, headers: { ETag: etagOf(version) } };
    },
  });
}
