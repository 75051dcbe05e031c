/*
 * Orders the marketplaces report become sales: each new line of a reported order is applied to
 * its product (see applyReportedOrder). Delivery is at least once and every step is keyed by the
 * order line, so a redelivered report records nothing twice. Orders are independent of one
 * another; a sale that empties the stock sets the listing reactors delisting everywhere else.
 */
import { applyReportedOrder } from '../commands/sync/orders';
import type { SyncDeps } from '../commands/sync/deps';
import type { ReportedLine } from '../domain/reconciliation/marketplace-order';
import type { Marketplace } from '../domain/connection/connection';
import type { Reactor } from '../engine/reactor';
import { describeFailure } from '../commands/listings/perform-listing';

export function marketplaceOrdersReactor(deps: SyncDeps): Reactor {
  return {
    name: 'marketplace_orders',
    handles: ['MarketplaceOrderReported'],
    concurrency: 8,
    maxAttempts: 10,
    baseDelayMs: 1000,
    async react(event, { tenant, metadata }) {
      const data = event.data as { marketplace: Marketplace; order_id: string; lines: ReportedLine[] };
      await applyReportedOrder(deps, tenant, { marketplace: data.marketplace, orderId: data.order_id, lines: data.lines }, { event: metadata }, (err) => {
        const failure = describeFailure(err);
        return failure.retryable ? null : failure.reason;
      });
    },
  };
}
