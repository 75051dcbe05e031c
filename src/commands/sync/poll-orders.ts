/*
 * The safety net under the notifications: each connected marketplace that can list its orders
 * (eBay, Etsy) is asked, every EBAY_POLL_SECONDS / ETSY_POLL_SECONDS, for the orders modified since the last poll, the
 * window reaching back a few minutes before where the last one ended (eBay's own advice: a push
 * can be lost, an order modified while a poll ran must not be). Every order found is reported
 * like a notification's, so one the webhook already brought adds nothing.
 */
import type { Marketplace } from '../../domain/connection/connection';
import type { PollCursors } from '../../infra/poll-cursors';
import type { CommandMetadata } from '../command';
import { loadConnection } from '../listings/load';
import type { SyncDeps } from './deps';
import { reportMarketplaceOrder } from './orders';

/** How far back the window reaches before the last poll's end. */
export const POLL_OVERLAP_MS = 10 * 60_000;
/** Orders of one poll reported side by side. */
const REPORTS_AT_ONCE = 4;
/** A first poll looks back this far. */
export const FIRST_POLL_LOOKBACK_MS = 24 * 3600_000;

/** Polls one marketplace for a tenant; answers how many order lines were new. */
export async function pollMarketplaceOrders(deps: SyncDeps & { cursors: PollCursors }, tenant: number, marketplace: Marketplace): Promise<number> {
  const reader = deps.orders[marketplace];
  if (!reader?.ordersModified) return 0;
  const { state: connection } = await loadConnection(deps.store, tenant, marketplace);
  if (connection.status !== 'connected' || !connection.account) return 0;
  const to = deps.clock.now();
  const last = await deps.cursors.get(tenant, marketplace);
  const from = new Date((last ? last.getTime() : to.getTime() - FIRST_POLL_LOOKBACK_MS) - POLL_OVERLAP_MS);
  const token = await deps.credentials.accessToken(tenant, marketplace);
  const orders = await reader.ordersModified(token, from, to, connection.account);
  await deps.credentials.recordCall(tenant, marketplace);
  const metadata: CommandMetadata = { event: { actor: `poll:${marketplace}` } };
  // The window overlaps the last one, so most orders are known already (each a read of its
  // stream, nothing appended): a few at a time, so the new ones among them are not kept waiting.
  let fresh = 0;
  let next = 0;
  const reportNext = async (): Promise<void> => {
    while (next < orders.length) {
      const order = orders[next++]!;
      fresh += await reportMarketplaceOrder(
        deps,
        tenant,
        { marketplace, orderId: order.order_id, accountId: connection.account!.id, lines: order.lines.map((l) => ({ line_id: l.line_id, listing_id: l.listing_id, quantity: l.quantity })), via: 'poll', notificationId: null },
        metadata,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(REPORTS_AT_ONCE, orders.length) }, reportNext));
  // Moved only once every order found is reported: a poll that fails is asked again from the same point.
  await deps.cursors.set(tenant, marketplace, to);
  return fresh;
}
