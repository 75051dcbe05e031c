/*
 * RecordProductSale: stock goes down; at 0 the product is sold. Sales made outside the
 * marketplaces come through the API; marketplace sales will come through reconciliation, which
 * calls the same handler with the marketplace's order line as the sale id, so a sale reported
 * twice is recorded once.
 */
import { z } from 'zod';
import { productDecider, productStream, type ProductSold } from '../../domain/product/decider';
import { saleMoneyInEuros } from '../../domain/product/events';
import { etagOf, productSchema, type ProductDto } from '../../shared/product-fields';
import { deterministicUuid, runCommand, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import type { IdempotencyKeys } from '../idempotency';
import { productAfter, productIdOf, type ProductCommandDeps } from './deps';
import { productIdParams } from './params';

/** A sale's fees and shipping as the seller types them (also PATCH …/sales/{sale_id}). */
export const saleAmountFields = {
  fees: z.number().optional().describe('Euros: what the marketplace or payment provider kept (default 0)'),
  shipping_charged: z.number().optional().describe('Euros: shipping the buyer paid the seller (default 0)'),
  shipping_paid: z.number().optional().describe('Euros: postage the seller paid (default 0)'),
};

export const recordSaleBody = z
  .object({
    quantity: z.number().default(1).describe('Whole number, 1 or more, at most the stock (default 1)'),
    unit_price: z.number().describe('Euros per unit'),
    channel: z.string().default('offline').describe('Where it sold: offline (marketplaces record their own sales)'),
    ...saleAmountFields,
  })
  .strict();

export type RecordSaleInput = z.output<typeof recordSaleBody> & { product_id: string; sale_id?: string };

export const saleSchema = z.object({
  id: z.uuid(),
  quantity: z.number().int(),
  unit_price: z.number(),
  channel: z.string(),
  remaining_stock: z.number().int(),
  sold_at: z.string().nullable(),
  fees: z.number().describe('Euros'),
  shipping_charged: z.number().describe('Euros'),
  shipping_paid: z.number().describe('Euros'),
});

export type Sale = z.infer<typeof saleSchema>;

export type RecordSaleDeps = Pick<ProductCommandDeps, 'store' | 'clock' | 'ids' | 'readYourWrites' | 'represent'>;

/** The sale as recorded; a retried sale (same id) answers with the product as it is now. */
export async function recordSale(deps: RecordSaleDeps, tenant: number, input: RecordSaleInput, metadata: CommandMetadata): Promise<{ product: ProductDto; sale: Sale }> {
  const id = productIdOf(input.product_id);
  const saleId = input.sale_id ?? (metadata.idSeed === undefined ? deps.ids.uuid() : deterministicUuid(`${tenant}:sale:${metadata.idSeed}`, 0));
  const { quantity, unit_price, channel, fees, shipping_charged, shipping_paid } = input;
  const outcome = await runCommand(
    deps,
    tenant,
    {
      stream: productStream(id),
      decider: productDecider,
      command: { type: 'RecordProductSale', sale_id: saleId, quantity, unit_price, channel, fees, shipping_charged, shipping_paid, now: deps.clock.now() },
    },
    metadata,
  );
  const sold = outcome.events.find((e): e is ProductSold => e.type === 'ProductSold');
  const money = outcome.state?.sale_money[saleId];
  const sale = sold
    ? { id: sold.data.sale_id, quantity: sold.data.quantity, unit_price: sold.data.unit_price_cents / 100, channel: sold.data.channel, remaining_stock: sold.data.remaining_stock, sold_at: sold.data.sold_at }
    : { id: saleId, quantity, unit_price, channel, remaining_stock: outcome.state?.stock_quantity ?? 0, sold_at: null };
  return { product: await productAfter(deps.represent, tenant, outcome), sale: { ...sale, ...saleMoneyInEuros(money) } };
}

/** POST /api/products/{id}/sales */
export function recordSaleRoute(deps: RecordSaleDeps & { idempotency: IdempotencyKeys }) {
  return commandRoute({
    method: 'post',
    path: '/api/products/{id}/sales',
    summary: 'Record a sale made outside the marketplaces',
    tags: ['Products'],
    params: productIdParams,
    body: recordSaleBody,
    idempotency: deps.idempotency,
    ifMatch: 'optional',
    responses: {
      201: { description: 'Recorded: the product as it is now, with the sale', schema: productSchema.extend({ sale: saleSchema }) },
      400: { description: 'A field has the wrong type, or is unknown' },
      404: { description: 'No such product for this account' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
      422: { description: 'More than the stock, a bad amount or channel, or the product is archived' },
    },
    handle: async ({ params, body, auth }, metadata) => {
      const { product, sale } = await recordSale(deps, auth.tenantId, { ...body, product_id: params.id }, metadata);
      return { status: 201, body: { ...product, sale }, headers: { ETag: etagOf(product.version) } };
    },
  });
}

export interface MarketplaceSaleInput {
  product_id: string;
  /** Derived from the marketplace's order line: the same line is one sale, however often reported. */
  sale_id: string;
  marketplace: 'ebay' | 'etsy' | 'vinted';
  quantity: number;
  unit_price: number;
  /** Euros, as the marketplace reported them (absent: not reported, 0). */
  fees?: number;
  shipping_charged?: number;
  /** The marketplace's order and line, kept with the sale (and with an oversell). */
  order_id?: string;
  line_id?: string;
}

/**
 * A sale a marketplace reported, recorded on the product by sync (never through the API). One
 * the stock cannot cover is recorded as an oversell (`oversold`), not refused: the buyer paid.
 */
export async function recordMarketplaceSale(
  deps: RecordSaleDeps,
  tenant: number,
  input: MarketplaceSaleInput,
  metadata: CommandMetadata,
): Promise<{ recorded: boolean; oversold: boolean; remainingStock: number }> {
  const outcome = await runCommand(
    deps,
    tenant,
    {
      stream: productStream(productIdOf(input.product_id)),
      decider: productDecider,
      command: {
        type: 'RecordMarketplaceSale',
        sale_id: input.sale_id,
        marketplace: input.marketplace,
        quantity: input.quantity,
        unit_price: input.unit_price,
        fees: input.fees,
        shipping_charged: input.shipping_charged,
        order_id: input.order_id,
        line_id: input.line_id,
        now: deps.clock.now(),
      },
    },
    { ...metadata, expectedVersion: undefined },
  );
  // The product's own memory says which it was, this time or an earlier one (a retried line): a sale, or an oversell.
  const sold = outcome.state?.sales.some((s) => s.sale_id === input.sale_id) ?? false;
  const oversold = !sold && (outcome.state?.sale_ids.includes(input.sale_id) ?? false);
  return { recorded: outcome.events.some((e) => e.type === 'ProductSold'), oversold, remainingStock: outcome.state?.stock_quantity ?? 0 };
}
