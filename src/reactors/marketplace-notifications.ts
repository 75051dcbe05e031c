/*
 * A marketplace account just connected: ask the marketplace to push its sales to Stoflow (eBay's
 * Notification API), so a sale there is heard of in seconds rather than at the next poll. eBay
 * being unreachable is retried with backoff; when the retries run out the connection says why
 * notifications are unavailable, and the periodic check asks again later.
 */
import { subscribeNotifications, type NotificationDeps } from '../commands/connections/subscribe-notifications';
import { runConnectionCommand } from '../commands/connections/record-connection';
import { MARKETPLACES, type Marketplace } from '../domain/connection/connection';
import type { Reactor } from '../engine/reactor';

export function marketplaceNotificationsReactor(deps: NotificationDeps): Reactor {
  const marketplaceOf = (data: unknown): Marketplace | null => {
    const { marketplace } = data as { marketplace?: string };
    return (MARKETPLACES as readonly string[]).includes(marketplace ?? '') && deps.subscribers[marketplace as Marketplace] ? (marketplace as Marketplace) : null;
  };
  return {
    name: 'marketplace_notifications',
    handles: ['MarketplaceConnected'],
    maxAttempts: 5,
    async react(event, { tenant, metadata }) {
      const marketplace = marketplaceOf(event.data);
      if (marketplace) await subscribeNotifications(deps, tenant, marketplace, { event: metadata });
    },
    async failed(event, failure, { tenant, metadata }) {
      const marketplace = marketplaceOf(event.data);
      if (!marketplace || failure.nextAttemptAt !== null) return;
      await runConnectionCommand(
        deps,
        tenant,
        { type: 'RecordNotifications', marketplace, outcome: { unavailable: `${marketplace} could not be asked to push sales (${failure.error.slice(0, 300)}): sales are found by the order poll instead` }, now: deps.clock.now() },
        { event: metadata },
      );
    },
  };
}
