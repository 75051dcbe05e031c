/*
 * Reading an eBay order (Fulfillment API v1.20.4, getOrder: GET /sell/fulfillment/v1/order/{orderId},
 * scope sell.fulfillment or sell.fulfillment.readonly). Only what sync needs is taken from the
 * answer, and checked: every line's id, listing id, quantity and cost; the SKU when the listing
 * has one; the order's fees (totalMarketplaceFee) and each line's shipping (deliveryCost) when
 * present. An answer without them is eBay's mistake or not eBay's, and fails the read (retried,
 * then shown to the seller), never a guess.
 */
import { z } from 'zod';
import { decimalCents } from '../../domain/product/money';
import type { MarketplaceOrderLine, MarketplaceOrderReader } from '../../shared/marketplace-orders';
import { MarketplaceCallError } from '../http';
import { ebayApi, type EbayApi } from './api';
import { ebayProblems } from './errors';

const ORDER_ID = /^[A-Za-z0-9!_.-]{1,100}$/;

const amount = z.object({ value: z.string().regex(/^\d{1,9}(\.\d{1,2})?$/), currency: z.string().regex(/^[A-Z]{3}$/) });
const orderSchema = z.object({
  orderId: z.string().regex(ORDER_ID),
  lineItems: z
    .array(
      z.object({
        lineItemId: z.string().regex(/^\d{1,30}$/),
        legacyItemId: z.string().regex(/^\d{1,30}$/),
        sku: z.string().max(50).optional(),
        quantity: z.number().int().min(1).max(1_000_000),
        lineItemCost: amount,
        // Fees and shipping inform the figures; one of a shape eBay does not document is left out, the sale kept.
        deliveryCost: z.object({ shippingCost: amount.optional() }).optional().catch(undefined),
      }),
    )
    .min(1)
    .max(1000),
  totalMarketplaceFee: amount.optional().catch(undefined),
});

const pageSchema = z.object({ total: z.number().int().min(0), orders: z.array(z.unknown()).max(200) });

/** At most this many pages of 200 per poll: a backlog beyond it is read by the next polls. */
const MAX_PAGES = 25;

/**
 * eBay states its fees for the whole order (totalMarketplaceFee): each line takes its share in
 * proportion to its cost, in whole cents, the last line what is left, so the lines add up to it.
 */
function feeShares(order: z.infer<typeof orderSchema>): number[] | null {
  if (!order.totalMarketplaceFee) return null;
  const fee = decimalCents(order.totalMarketplaceFee.value);
  const costs = order.lineItems.map((l) => decimalCents(l.lineItemCost.value));
  const whole = costs.reduce((a, b) => a + b, 0);
  let left = fee;
  return costs.map((cost, i) => {
    const share = i === costs.length - 1 ? left : whole === 0 ? 0 : Math.min(left, Math.round((fee * cost) / whole));
    left -= share;
    return share;
  });
}

function linesOf(order: z.infer<typeof orderSchema>): MarketplaceOrderLine[] {
  const fees = feeShares(order);
  return order.lineItems.map((l, i) => {
    const total = decimalCents(l.lineItemCost.value);
    const shipping = l.deliveryCost?.shippingCost;
    return {
      line_id: l.lineItemId,
      listing_id: l.legacyItemId,
      sku: l.sku && l.sku.trim() !== '' ? l.sku : null,
      quantity: l.quantity,
      // lineItemCost is the line's total before shipping and tax: what one unit sold for, rounded.
      unit_price_cents: Math.round(total / l.quantity),
      currency: l.lineItemCost.currency,
      ...(fees ? { fees_cents: fees[i]! } : {}),
      ...(shipping ? { shipping_charged_cents: decimalCents(shipping.value) } : {}),
    };
  });
}

/** The lines of an order as getOrder answers it; null when the answer is not of that shape. */
export function ebayOrderLines(body: unknown): MarketplaceOrderLine[] | null {
  const parsed = orderSchema.safeParse(body);
  return parsed.success ? linesOf(parsed.data) : null;
}

export function isEbayOrderId(id: string): boolean {
  return ORDER_ID.test(id);
}

/** `api`: the account's paced calls (./api.ts), the publisher's too; made here, for this process alone, when absent. */
export function ebayOrderReader(settings: { apiBaseUrl: string; timeoutMs: number; api?: EbayApi }): MarketplaceOrderReader {
  const api = settings.api ?? ebayApi();
  return {
    marketplace: 'ebay',
    async readOrder(accessToken, orderId) {
      if (!isEbayOrderId(orderId)) throw new MarketplaceCallError('ebay', 0, false, [{ id: 'invalid_order_id', message: `not an eBay order id: ${orderId.slice(0, 100)}` }]);
      const { body } = await api(accessToken, {
        method: 'GET',
        url: `${settings.apiBaseUrl}/sell/fulfillment/v1/order/${encodeURIComponent(orderId)}`,
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        timeoutMs: settings.timeoutMs,
        problems: ebayProblems,
      }, 'urgent');
      const parsed = orderSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new MarketplaceCallError('ebay', 200, false, [{ id: 'invalid_order', message: `eBay's order answer is not what getOrder documents (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})` }]);
      }
      return { order_id: parsed.data.orderId, lines: linesOf(parsed.data) };
    },
    async ordersModified(accessToken, from, to) {
      const orders = [];
      const filter = `lastmodifieddate:[${from.toISOString()}..${to.toISOString()}]`;
      for (let page = 0; page < MAX_PAGES; page++) {
        const { body } = await api(accessToken, {
          method: 'GET',
          url: `${settings.apiBaseUrl}/sell/fulfillment/v1/order?${new URLSearchParams({ filter, limit: '200', offset: String(page * 200) })}`,
          headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
          timeoutMs: settings.timeoutMs,
          problems: ebayProblems,
        }, 'urgent');
        const parsed = pageSchema.safeParse(body);
        if (!parsed.success) throw new MarketplaceCallError('ebay', 200, false, [{ id: 'invalid_orders', message: "eBay's getOrders answer has no orders list" }]);
        // An order of a shape getOrder does not document is skipped here; the webhook or getOrder reports on it.
        for (const raw of parsed.data.orders) {
          const order = orderSchema.safeParse(raw);
          if (order.success) orders.push({ order_id: order.data.orderId, lines: linesOf(order.data) });
        }
        if ((page + 1) * 200 >= parsed.data.total) break;
      }
      return orders;
    },
  };
}
