/*
 * Reading an Etsy order: a shop receipt (getShopReceipt, GET /v3/application/shops/{shop_id}/receipts/{receipt_id},
 * scope transactions_r). Stoflow names it `<shop id>-<receipt id>`, so one id says where to read
 * it. Each transaction is a line: its id, the listing, the SKU, the quantity and the price
 * (`{amount, divisor, currency_code}`), each checked, and the shipping the buyer paid for it.
 */
import { z } from 'zod';
import type { MarketplaceOrderReader } from '../../shared/marketplace-orders';
import { MarketplaceCallError } from '../http';
import type { EtsyApi } from './api';

const ORDER_ID = /^(\d{1,20})-(\d{1,20})$/;

const money = z.object({ amount: z.number().int().min(0), divisor: z.number().int().positive(), currency_code: z.string().regex(/^[A-Z]{3}$/) });
/** amount ÷ divisor is in the shop's currency; cents of it. */
const centsOf = (m: z.infer<typeof money>) => Math.round((m.amount * 100) / m.divisor);

const receiptSchema = z.object({
  receipt_id: z.number().int().positive(),
  transactions: z
    .array(
      z.object({
        transaction_id: z.number().int().positive(),
        listing_id: z.number().int().positive(),
        sku: z.string().max(50).nullable().optional(),
        quantity: z.number().int().min(1).max(1_000_000),
        price: money,
        // Shipping informs the figures: one of a shape Etsy does not document is left out, the sale kept.
        shipping_cost: money.optional().catch(undefined),
      }),
    )
    .min(1)
    .max(1000),
});

const pageSchema = z.object({ count: z.number().int().min(0), results: z.array(z.unknown()).max(100) });
/** At most this many pages of 100 per poll: a backlog beyond it is read by the next polls. */
const MAX_PAGES = 50;

function linesOf(receipt: z.infer<typeof receiptSchema>) {
  return receipt.transactions.map((t) => ({
    line_id: String(t.transaction_id),
    listing_id: String(t.listing_id),
    sku: t.sku && t.sku.trim() !== '' ? t.sku : null,
    quantity: t.quantity,
    unit_price_cents: centsOf(t.price),
    currency: t.price.currency_code,
    // The receipt says no fees (Etsy bills them in the shop's payment account): the seller records them.
    ...(t.shipping_cost ? { shipping_charged_cents: centsOf(t.shipping_cost) } : {}),
  }));
}

export function etsyOrderId(shopId: string | number, receiptId: string | number): string {
  return `${shopId}-${receiptId}`;
}

/**
 * Reads through `api`, so that a webhook's or a poll's reads spend the shop's one budget with the
 * publisher's calls; urgent ones, since a sale not read is an item left for sale elsewhere.
 */
export function etsyOrderReader(api: EtsyApi): MarketplaceOrderReader {
  return {
    marketplace: 'etsy',
    async readOrder(accessToken, orderId) {
      const match = ORDER_ID.exec(orderId);
      if (!match) throw new MarketplaceCallError('etsy', 0, false, [{ id: 'invalid_order_id', message: `not an Etsy shop and receipt: ${orderId.slice(0, 100)}` }]);
      const { body } = await api.call(accessToken, match[1]!, 'GET', `/shops/${match[1]}/receipts/${match[2]}`, undefined, undefined, 'urgent');
      const parsed = receiptSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new MarketplaceCallError('etsy', 200, false, [{ id: 'invalid_receipt', message: `Etsy's receipt is not what getShopReceipt documents (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})` }]);
      }
      return { order_id: orderId, lines: linesOf(parsed.data) };
    },
    async ordersModified(accessToken, from, to, account) {
      if (!account.shop_id) return [];
      const orders = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = {
          min_last_modified: String(Math.floor(from.getTime() / 1000)),
          max_last_modified: String(Math.ceil(to.getTime() / 1000)),
          was_paid: 'true',
          limit: '100',
          offset: String(page * 100),
        };
        const { body } = await api.call(accessToken, account.shop_id, 'GET', `/shops/${encodeURIComponent(account.shop_id)}/receipts`, undefined, query, 'urgent');
        const parsed = pageSchema.safeParse(body);
        if (!parsed.success) throw new MarketplaceCallError('etsy', 200, false, [{ id: 'invalid_receipts', message: "Etsy's getShopReceipts answer has no results list" }]);
        // A receipt of a shape getShopReceipt does not document is skipped here; the webhook reports on it.
        for (const raw of parsed.data.results) {
          const receipt = receiptSchema.safeParse(raw);
          if (receipt.success) orders.push({ order_id: etsyOrderId(account.shop_id, receipt.data.receipt_id), lines: linesOf(receipt.data) });
        }
        if ((page + 1) * 100 >= parsed.data.count) break;
      }
      return orders;
    },
  };
}
