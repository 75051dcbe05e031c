/*
 * An order a marketplace reported, on a stream of its own (`order-<marketplace>-<order id>`):
 * what came in, by which path, and what became of each line. Marketplaces report the same sale
 * many times and in any order (eBay pushes a notification at least once, the poll finds the
 * order again, a retry delivers it twice), so the order's lines are its memory: a line already
 * reported is never reported again, whichever path brings it, and a sale is recorded once.
 *
 *   ReportOrder ─► MarketplaceOrderReported (the lines not seen before; nothing when none is new)
 *   RecordLineOutcome ─► OrderLineApplied (the sale recorded on the product) | OrderLineRefused (why not)
 *
 * Pure: the marketplace's words arrive already checked, time arrives in the commands.
 */
import { DomainRuleError } from '../../shared/errors';
import type { Marketplace } from '../connection/connection';
import type { Decider, DomainEvent } from '../shared/decider';

export type ReportPath = 'webhook' | 'poll' | 'extension';

export interface ReportedLine {
  /** The marketplace's own id of the order line (eBay lineItemId, Etsy transaction_id). */
  line_id: string;
  /** The marketplace's listing the line bought from. */
  listing_id: string;
  quantity: number;
  /** What one unit sold for, when the report says it (the extension sees Vinted's price; eBay's is read from the order). */
  unit_price_cents?: number;
  currency?: string;
}

export type MarketplaceOrderReported = DomainEvent<
  'MarketplaceOrderReported',
  { marketplace: Marketplace; order_id: string; account_id: string; lines: ReportedLine[]; via: ReportPath; notification_id: string | null; reported_at: string }
>;
export type OrderLineApplied = DomainEvent<'OrderLineApplied', { line_id: string; product_id: string; sale_id: string; quantity: number; applied_at: string }>;
/** `reason`: `unknown_listing` (not a product of Stoflow's), `insufficient_stock` (an oversell), `product_unavailable` (sold or archived before). */
export type OrderLineRefused = DomainEvent<'OrderLineRefused', { line_id: string; product_id: string | null; reason: string; detail: string; refused_at: string }>;

export type MarketplaceOrderEvent = MarketplaceOrderReported | OrderLineApplied | OrderLineRefused;

export interface MarketplaceOrder {
  marketplace: Marketplace;
  orderId: string;
  /** Every line reported, and what became of it. */
  lines: Record<string, ReportedLine & { outcome: 'pending' | 'applied' | 'refused' }>;
}

export type MarketplaceOrderState = MarketplaceOrder | null;

export type MarketplaceOrderCommand =
  | { type: 'ReportOrder'; marketplace: Marketplace; orderId: string; accountId: string; lines: ReportedLine[]; via: ReportPath; notificationId: string | null; now: Date }
  | { type: 'RecordLineOutcome'; lineId: string; productId: string | null; outcome: { applied: true; saleId: string; quantity: number } | { applied: false; reason: string; detail: string }; now: Date };

export const ORDER_STREAM_PREFIX = 'order-';

export function orderStream(marketplace: Marketplace, orderId: string): string {
  return `${ORDER_STREAM_PREFIX}${marketplace}-${orderId}`;
}

function evolve(state: MarketplaceOrderState, event: MarketplaceOrderEvent): MarketplaceOrderState {
  switch (event.type) {
    case 'MarketplaceOrderReported': {
      const lines = { ...(state?.lines ?? {}) };
      for (const line of event.data.lines) lines[line.line_id] = { ...line, outcome: 'pending' };
      return { marketplace: event.data.marketplace, orderId: event.data.order_id, lines };
    }
    case 'OrderLineApplied':
    case 'OrderLineRefused': {
      if (!state) return state;
      const line = state.lines[event.data.line_id];
      if (!line) return state;
      return { ...state, lines: { ...state.lines, [event.data.line_id]: { ...line, outcome: event.type === 'OrderLineApplied' ? 'applied' : 'refused' } } };
    }
    default: {
      const never: never = event;
      return never;
    }
  }
}

function decide(command: MarketplaceOrderCommand, state: MarketplaceOrderState): MarketplaceOrderEvent[] {
  const at = command.now.toISOString();
  switch (command.type) {
    case 'ReportOrder': {
      if (state && state.marketplace !== command.marketplace) throw new DomainRuleError('This order belongs to another marketplace', 'order_marketplace_differs', 'marketplace');
      const seen = new Set(Object.keys(state?.lines ?? {}));
      const fresh: ReportedLine[] = [];
      for (const line of command.lines) {
        if (seen.has(line.line_id)) continue;
        if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new DomainRuleError(`Line ${line.line_id} has no whole quantity`, 'invalid_quantity', 'quantity');
        seen.add(line.line_id);
        fresh.push(line);
      }
      if (fresh.length === 0) return [];
      return [
        {
          type: 'MarketplaceOrderReported',
          data: { marketplace: command.marketplace, order_id: command.orderId, account_id: command.accountId, lines: fresh, via: command.via, notification_id: command.notificationId, reported_at: at },
        },
      ];
    }
    case 'RecordLineOutcome': {
      const line = state?.lines[command.lineId];
      if (!line) throw new DomainRuleError(`No line ${command.lineId} was reported on this order`, 'unknown_line', 'line_id');
      // Decided once: a redelivered reaction finds it decided.
      if (line.outcome !== 'pending') return [];
      const outcome = command.outcome;
      return outcome.applied
        ? [{ type: 'OrderLineApplied', data: { line_id: command.lineId, product_id: command.productId!, sale_id: outcome.saleId, quantity: outcome.quantity, applied_at: at } }]
        : [{ type: 'OrderLineRefused', data: { line_id: command.lineId, product_id: command.productId, reason: outcome.reason, detail: outcome.detail.slice(0, 500), refused_at: at } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const marketplaceOrderDecider: Decider<MarketplaceOrderCommand, MarketplaceOrderEvent, MarketplaceOrderState> = { initialState: null, evolve, decide };
