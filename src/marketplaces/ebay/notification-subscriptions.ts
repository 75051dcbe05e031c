/*
 * Subscribing a seller to eBay's order notifications (Notification API v1.5.1), so a sale on eBay
 * reaches `POST /api/webhooks/ebay` in seconds; the order poll stays underneath as the safety net.
 *
 * - The destination is the application's (application token, scope api_scope): one per endpoint,
 *   `{PUBLIC_BASE_URL}/api/webhooks/ebay`, found among getDestinations or created with
 *   createDestination — eBay then validates the endpoint with its challenge, which Stoflow answers
 *   from EBAY_NOTIFICATION_VERIFICATION_TOKEN. eBay wants an alert config first (409 195003):
 *   with EBAY_NOTIFICATION_ALERT_EMAIL set it is written (updateConfig) and the creation retried.
 *   A destination eBay disabled or marked down (after failed deliveries) is enabled again with
 *   updateDestination. The destination's id is kept for ten minutes, then eBay is asked again.
 * - ORDER_CONFIRMATION is a USER topic: the subscription is made with the seller's own token,
 *   which must carry commerce.notification.subscription (403 195011 otherwise: the seller
 *   connected before Stoflow asked for it, and must connect again). A subscription that already
 *   exists (409 195012) is looked up and kept, enabled if it was disabled, or replaced when it
 *   points at another destination (PUBLIC_BASE_URL changed).
 * Answers are untrusted: ids are checked for shape before they are used in a path.
 */
import { z } from 'zod';
import type { NotificationSubscriber, NotificationSubscription } from '../../shared/marketplace-notifications';
import { callMarketplace, MarketplaceCallError, type CallResult } from '../http';
import type { EbayApplicationToken } from './application-token';
import { ebayProblems } from './errors';

export interface EbaySubscriberSettings {
  apiBaseUrl: string;
  timeoutMs: number;
  /** `{PUBLIC_BASE_URL}/api/webhooks/ebay`. */
  endpoint: string;
  verificationToken?: string;
  alertEmail?: string;
  applicationToken: EbayApplicationToken;
  /** Null when the application's keys are set; otherwise what is missing. */
  credentialsMissing: string | null;
  now?: () => number;
}

export const ORDER_TOPIC = 'ORDER_CONFIRMATION';
const PAYLOAD = { format: 'JSON', schemaVersion: '1.0', deliveryProtocol: 'HTTPS' } as const;
const DESTINATION_NAME = 'Stoflow';
/** getDestinations / getSubscriptions pages read before giving up (100 a page). */
const MAX_PAGES = 10;
/** How long the destination's id is trusted before eBay is asked again (it may have marked it down meanwhile). */
const DESTINATION_TTL_MS = 10 * 60_000;

const id = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/);
const destinationsPage = z.object({
  destinations: z.array(z.object({ destinationId: id, status: z.string().max(40).optional(), deliveryConfig: z.object({ endpoint: z.string().max(2000).optional() }).partial().optional() }).passthrough()).max(100).optional(),
  next: z.string().max(4000).optional(),
});
const subscriptionsPage = z.object({
  subscriptions: z.array(z.object({ subscriptionId: id, topicId: z.string().max(100).optional(), status: z.string().max(40).optional(), destinationId: z.string().max(100).optional() }).passthrough()).max(100).optional(),
  next: z.string().max(4000).optional(),
});

/** Why eBay cannot push to this server, or null when it can. */
export function ebayPushUnavailable(settings: Pick<EbaySubscriberSettings, 'endpoint' | 'verificationToken' | 'credentialsMissing'>): string | null {
  if (settings.credentialsMissing) return settings.credentialsMissing;
  if (!settings.verificationToken) return 'EBAY_NOTIFICATION_VERIFICATION_TOKEN is not set';
  if (!settings.endpoint.startsWith('https://')) return `eBay pushes only to https addresses, and PUBLIC_BASE_URL gives ${new URL(settings.endpoint).origin}`;
  return null;
}

export function ebayNotificationSubscriber(settings: EbaySubscriberSettings): NotificationSubscriber {
  const unavailable = ebayPushUnavailable(settings);
  const now = settings.now ?? Date.now;
  let destination: { id: Promise<string>; until: number } | null = null;

  const call = async (token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<CallResult> =>
    callMarketplace({
      marketplace: 'ebay',
      method,
      url: path.startsWith('https://') || path.startsWith('http://') ? path : `${settings.apiBaseUrl}/commerce/notification/v1${path}`,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: settings.timeoutMs,
      problems: ebayProblems,
    });

  /** Every item of a paginated list, following `next` on eBay's own host only. */
  async function listAll<T>(token: string, path: string, read: (body: unknown) => { items: T[]; next?: string }): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = `${settings.apiBaseUrl}/commerce/notification/v1${path}`;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      if (new URL(next).origin !== new URL(settings.apiBaseUrl).origin) break;
      const answer = read((await call(token, 'GET', next)).body);
      items.push(...answer.items);
      next = answer.next;
    }
    return items;
  }

  const createdId = (result: CallResult, kind: string): string => {
    const parsed = id.safeParse(result.headers.get('location')?.split('/').pop());
    if (!parsed.success) throw new MarketplaceCallError('ebay', result.status, true, [{ id: 'invalid_answer', message: `eBay created the ${kind} without a usable Location` }]);
    return parsed.data;
  };
  const errorId = (err: unknown): string | undefined => (err instanceof MarketplaceCallError ? err.problems[0]?.id : undefined);
  const deliveryConfig = () => ({ endpoint: settings.endpoint, verificationToken: settings.verificationToken });

  async function findDestination(app: string) {
    const all = await listAll(app, '/destination?limit=100', (body) => {
      const page = destinationsPage.parse(body);
      return { items: page.destinations ?? [], next: page.next };
    });
    return all.find((d) => d.deliveryConfig?.endpoint === settings.endpoint) ?? null;
  }

  async function ensureDestination(): Promise<string> {
    const app = await settings.applicationToken();
    const found = await findDestination(app);
    if (found) {
      if (found.status !== 'ENABLED') await call(app, 'PUT', `/destination/${found.destinationId}`, { name: DESTINATION_NAME, status: 'ENABLED', deliveryConfig: deliveryConfig() });
      return found.destinationId;
    }
    const create = () => call(app, 'POST', '/destination', { name: DESTINATION_NAME, status: 'ENABLED', deliveryConfig: deliveryConfig() });
    try {
      return createdId(await create(), 'destination');
    } catch (err) {
      if (errorId(err) === '195003' && settings.alertEmail) {
        await call(app, 'PUT', '/config', { alertEmail: settings.alertEmail });
        return createdId(await create(), 'destination');
      }
      if (errorId(err) === '195003') throw new MarketplaceCallError('ebay', 409, false, [{ id: '195003', message: 'eBay needs an alert email for the application first: set EBAY_NOTIFICATION_ALERT_EMAIL' }]);
      // Another process created it in the meantime.
      if (errorId(err) === '195021') {
        const raced = await findDestination(app);
        if (raced) return raced.destinationId;
      }
      throw err;
    }
  }

  async function subscribe(accessToken: string, destinationId: string): Promise<string> {
    const body = { topicId: ORDER_TOPIC, status: 'ENABLED', destinationId, payload: PAYLOAD };
    try {
      return createdId(await call(accessToken, 'POST', '/subscription', body), 'subscription');
    } catch (err) {
      if (errorId(err) === '195011') throw new MarketplaceCallError('ebay', 403, false, [{ id: '195011', message: 'eBay did not let Stoflow subscribe to this account’s orders: connect eBay again to grant notifications' }]);
      if (errorId(err) !== '195012') throw err;
    }
    const existing = (
      await listAll(accessToken, '/subscription?limit=100', (page) => {
        const parsed = subscriptionsPage.parse(page);
        return { items: parsed.subscriptions ?? [], next: parsed.next };
      })
    ).find((s) => s.topicId === ORDER_TOPIC);
    if (!existing) throw new MarketplaceCallError('ebay', 409, true, [{ id: '195012', message: 'eBay says the subscription exists but does not list it' }]);
    if (existing.destinationId !== destinationId) {
      await call(accessToken, 'DELETE', `/subscription/${existing.subscriptionId}`);
      return createdId(await call(accessToken, 'POST', '/subscription', body), 'subscription');
    }
    if (existing.status !== 'ENABLED') await call(accessToken, 'POST', `/subscription/${existing.subscriptionId}/enable`);
    return existing.subscriptionId;
  }

  return {
    unavailable,
    async subscribe(accessToken): Promise<NotificationSubscription> {
      if (unavailable) throw new MarketplaceCallError('ebay', 0, false, [{ id: 'not_configured', message: unavailable }]);
      if (!destination || destination.until <= now()) {
        const id = ensureDestination().catch((err: unknown) => {
          destination = null;
          throw err;
        });
        destination = { id, until: now() + DESTINATION_TTL_MS };
      }
      const destinationId = await destination.id;
      const subscriptionId = await subscribe(accessToken, destinationId).catch((err: unknown) => {
        // The destination may have been deleted on eBay's side: look for it again next time.
        if (errorId(err) === '195007') destination = null;
        throw err;
      });
      return { topics: [ORDER_TOPIC], destination_id: destinationId, subscription_ids: { [ORDER_TOPIC]: subscriptionId } };
    },
  };
}
