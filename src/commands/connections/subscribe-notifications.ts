/*
 * Asking a marketplace to push a connected account's sales (eBay's Notification API), and
 * recording its answer on the connection stream: `MarketplaceNotificationsSubscribed` with the
 * topics and ids, or `MarketplaceNotificationsUnavailable` with why not, in words the seller can
 * act on. Called when an account is connected, and again by the periodic check for the accounts
 * that are not subscribed yet; an answer that changes nothing records nothing.
 *
 * A retryable failure (eBay down, 429, a timeout) is thrown for the caller to retry; a permanent
 * one (a grant without the notification scope, a server eBay cannot push to) is recorded. Either
 * way the order poll goes on finding the sales.
 */
import type { Marketplace } from '../../domain/connection/connection';
import type { CredentialStore } from '../../infra/marketplace-credentials';
import { GrantRefusedError } from '../../shared/marketplace-auth';
import { MarketplaceCallError } from '../../shared/marketplace-errors';
import type { NotificationSubscriber } from '../../shared/marketplace-notifications';
import type { CommandDeps, CommandMetadata } from '../command';
import { runConnectionCommand } from './record-connection';

export type NotificationDeps = CommandDeps & {
  subscribers: Partial<Record<Marketplace, NotificationSubscriber>>;
  credentials: Pick<CredentialStore, 'accessToken' | 'recordCall'>;
};

export type NotificationOutcome = 'subscribed' | 'unavailable' | 'not_connected' | 'not_pushed';

export async function subscribeNotifications(deps: NotificationDeps, tenant: number, marketplace: Marketplace, metadata: CommandMetadata): Promise<NotificationOutcome> {
  const subscriber = deps.subscribers[marketplace];
  if (!subscriber) return 'not_pushed';
  const record = async (outcome: { subscribed: { topics: string[]; destination_id: string; subscription_ids: Record<string, string> } } | { unavailable: string }) => {
    await runConnectionCommand(deps, tenant, { type: 'RecordNotifications', marketplace, outcome, now: deps.clock.now() }, metadata);
  };
  const fallback = 'sales are found by the order poll instead';
  if (subscriber.unavailable) {
    await record({ unavailable: `${subscriber.unavailable}: ${fallback}` });
    return 'unavailable';
  }
  let accessToken: string;
  try {
    accessToken = await deps.credentials.accessToken(tenant, marketplace);
  } catch (err) {
    // Disconnected or refused since: the connection says so already.
    if (err instanceof GrantRefusedError || (err instanceof Error && err.name === 'NotConnectedError')) return 'not_connected';
    throw err;
  }
  try {
    const subscribed = await subscriber.subscribe(accessToken);
    await record({ subscribed });
    return 'subscribed';
  } catch (err) {
    if (!(err instanceof MarketplaceCallError) || err.retryable) throw err;
    await record({ unavailable: `${err.problems.map((p) => `${p.message} (${p.id})`).join('; ') || err.message}: ${fallback}` });
    return 'unavailable';
  }
}
