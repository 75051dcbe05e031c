/**
 * Notification API v1.5.1, the setup side: the application's alert config (getConfig,
 * updateConfig), its destinations (getDestinations, createDestination, getDestination,
 * updateDestination) and the
 * subscriptions (getSubscriptions, createSubscription, getSubscription, enableSubscription,
 * deleteSubscription), with the errors each operation's `x-response-codes` list.
 *
 * - Config and destinations are the application's: application token, scope api_scope.
 * - createDestination needs the alert config first (409 195003), refuses a second destination
 *   for the same endpoint (409 195021), and validates the endpoint at once with the challenge
 *   (GET ?challenge_code=, SHA-256 of code + verification token + endpoint): a wrong or missing
 *   answer is 409 195020. 201 with the new resource in `Location`, an empty JSON body.
 * - Subscriptions take either kind of token (api_scope or commerce.notification.subscription).
 *   Assumption (eBay's overview: topics have an APPLICATION or a USER scope): a USER topic such as
 *   ORDER_CONFIRMATION is subscribed with the seller's user token, which must carry
 *   commerce.notification.subscription, and the subscription is that seller's; otherwise 403
 *   195011. An APPLICATION topic (MARKETPLACE_ACCOUNT_DELETION) belongs to the application.
 *   "Each application and topic-schema pairing to a subscription should have a 1:1 cardinality":
 *   a second one for the same owner and topic is 409 195012.
 * - getSubscriptions answers the caller's: a user token sees that user's, an application token
 *   the application's.
 * Challenges and deliveries go to the endpoint as registered; `routes` maps a public endpoint
 * (Stoflow's PUBLIC_BASE_URL, unreachable from a test) to where the server really listens.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { apiError } from './errors';
import { intParam, jsonBody, queryParam, selfUrl } from './http';
import { challengeEndpoint, deliver, type Delivery, type NotificationKeys, type NotificationOptions } from './notification';
import { bearer, bearerAny, SCOPES } from './oauth';
import type { AccessTokenRecord, EbayState, Json } from './state';

export const TOPICS: Record<string, { scope: 'USER' | 'APPLICATION'; schemaVersions: string[] }> = {
  ORDER_CONFIRMATION: { scope: 'USER', schemaVersions: ['1.0'] },
  AUTHORIZATION_REVOCATION: { scope: 'APPLICATION', schemaVersions: ['1.0'] },
  MARKETPLACE_ACCOUNT_DELETION: { scope: 'APPLICATION', schemaVersions: ['1.0'] },
};

export interface DestinationRecord {
  destinationId: string;
  name: string;
  status: 'ENABLED' | 'DISABLED' | 'MARKED_DOWN';
  deliveryConfig: { endpoint: string; verificationToken: string };
}

export interface SubscriptionRecord {
  subscriptionId: string;
  topicId: string;
  status: 'ENABLED' | 'DISABLED';
  destinationId: string;
  payload: { format: string; schemaVersion: string; deliveryProtocol: string };
  creationDate: string;
  /** The seller it belongs to (USER topics); undefined for the application's own. */
  userId?: string;
}

export class NotificationSetup {
  alertEmail: string | null = null;
  readonly destinations = new Map<string, DestinationRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  /** Public endpoint prefix → the local URL prefix that serves it. */
  readonly routes = new Map<string, string>();

  reset(): void {
    this.alertEmail = null;
    this.destinations.clear();
    this.subscriptions.clear();
  }

  /** Where a request to `endpoint` really goes. */
  resolve(endpoint: string): string {
    for (const [publicPrefix, local] of this.routes) if (endpoint.startsWith(publicPrefix)) return local + endpoint.slice(publicPrefix.length);
    return endpoint;
  }
}

const NAME = /^[^<>]{1,64}$/;
const TOKEN = /^[A-Za-z0-9_-]{32,80}$/;

export function subscriptionRoutes(state: EbayState, setup: NotificationSetup): Router {
  const router = Router();
  const app = bearer(state, 'application', SCOPES.api);
  const either = bearerAny(state, SCOPES.api, SCOPES.notificationSubscription, SCOPES.notificationSubscriptionRead);
  const write = bearerAny(state, SCOPES.api, SCOPES.notificationSubscription);

  router.get('/config', app, (_req, res) => {
    if (setup.alertEmail === null) throw apiError('API_NOTIFICATION', 404, 195026, 'Configuration Not Found.');
    res.json({ alertEmail: setup.alertEmail });
  });
  router.put('/config', app, (req, res) => {
    const body = jsonBody(req) as { alertEmail?: unknown };
    if (typeof body.alertEmail !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.alertEmail)) throw apiError('API_NOTIFICATION', 400, 195025, 'Invalid or missing email.');
    setup.alertEmail = body.alertEmail;
    res.status(204).end();
  });

  router.get('/destination', app, (req, res) => {
    res.json(page(req, [...setup.destinations.values()], 'destinations'));
  });
  router.post('/destination', app, async (req, res) => {
    const { name, status, endpoint, verificationToken } = destinationRequest(req);
    if (setup.alertEmail === null) throw apiError('API_NOTIFICATION', 409, 195003, 'Please provide configurations required for notifications. Refer to /config');
    if ([...setup.destinations.values()].some((d) => d.deliveryConfig.endpoint === endpoint)) throw apiError('API_NOTIFICATION', 409, 195021, 'Destination exists for this endpoint');
    await challenged(setup, endpoint, verificationToken);
    const destinationId = randomUUID();
    setup.destinations.set(destinationId, { destinationId, name, status, deliveryConfig: { endpoint, verificationToken } });
    res.status(201).location(`${origin(req)}/commerce/notification/v1/destination/${destinationId}`).json({});
  });
  router.put('/destination/:destinationId', app, async (req, res) => {
    const destination = setup.destinations.get(req.params.destinationId as string);
    if (!destination) throw apiError('API_NOTIFICATION', 404, 195022, 'Invalid or missing destination id.');
    const { name, status, endpoint, verificationToken } = destinationRequest(req);
    if ([...setup.destinations.values()].some((d) => d !== destination && d.deliveryConfig.endpoint === endpoint)) throw apiError('API_NOTIFICATION', 409, 195021, 'Destination exists for this endpoint');
    // Assumption: an update validates the endpoint again, as a creation does.
    await challenged(setup, endpoint, verificationToken);
    Object.assign(destination, { name, status, deliveryConfig: { endpoint, verificationToken } });
    res.status(204).end();
  });
  router.get('/destination/:destinationId', app, (req, res) => {
    const destination = setup.destinations.get(req.params.destinationId as string);
    if (!destination) throw apiError('API_NOTIFICATION', 404, 195022, 'Invalid or missing destination id.');
    res.json(destination);
  });

  router.get('/subscription', either, (req, res) => {
    const owner = ownerOf(res);
    res.json(page(req, [...setup.subscriptions.values()].filter((s) => s.userId === owner).map(shown), 'subscriptions'));
  });
  router.post('/subscription', write, (req, res) => {
    const body = jsonBody(req) as { topicId?: unknown; status?: unknown; destinationId?: unknown; payload?: { format?: unknown; schemaVersion?: unknown; deliveryProtocol?: unknown } };
    const topic = typeof body.topicId === 'string' ? TOPICS[body.topicId] : undefined;
    if (!topic) throw apiError('API_NOTIFICATION', 400, 195027, 'Invalid or missing topic id.');
    if (body.status !== 'ENABLED' && body.status !== 'DISABLED') throw apiError('API_NOTIFICATION', 400, 195006, 'Invalid or missing subscription status.');
    const destination = typeof body.destinationId === 'string' ? setup.destinations.get(body.destinationId) : undefined;
    if (!destination) throw apiError('API_NOTIFICATION', 400, 195007, 'Invalid or missing destination id.');
    if (typeof body.payload?.schemaVersion !== 'string' || !topic.schemaVersions.includes(body.payload.schemaVersion)) {
      throw apiError('API_NOTIFICATION', 400, 195008, 'Invalid or missing schema version. Please refer to /topic/{topic_id} for supported schema versions.');
    }
    if (body.payload.format !== 'JSON') throw apiError('API_NOTIFICATION', 400, 195009, 'Specified format is not supported for the topic.');
    if (body.payload.deliveryProtocol !== 'HTTPS') throw apiError('API_NOTIFICATION', 400, 195010, 'Invalid or missing protocol');
    const token = res.locals.token as AccessTokenRecord;
    const authorised = topic.scope === 'USER' ? token.kind === 'user' && token.scopes.includes(SCOPES.notificationSubscription) : token.kind === 'application';
    if (!authorised) throw apiError('API_NOTIFICATION', 403, 195011, 'Not authorized for this topic.');
    if (setup.alertEmail === null) throw apiError('API_NOTIFICATION', 409, 195003, 'Please provide configurations required for notifications. Refer to /config');
    const owner = topic.scope === 'USER' ? token.userId : undefined;
    if ([...setup.subscriptions.values()].some((s) => s.topicId === body.topicId && s.userId === owner)) throw apiError('API_NOTIFICATION', 409, 195012, 'Subscription already exists');
    if (body.status === 'ENABLED' && destination.status !== 'ENABLED') throw apiError('API_NOTIFICATION', 409, 195015, 'The subscription cannot be enabled since the destination is not enabled.');
    const subscriptionId = randomUUID();
    setup.subscriptions.set(subscriptionId, {
      subscriptionId,
      topicId: body.topicId as string,
      status: body.status,
      destinationId: destination.destinationId,
      payload: { format: 'JSON', schemaVersion: body.payload.schemaVersion, deliveryProtocol: 'HTTPS' },
      creationDate: state.now().toISOString(),
      ...(owner ? { userId: owner } : {}),
    });
    res.status(201).location(`${origin(req)}/commerce/notification/v1/subscription/${subscriptionId}`).json({});
  });
  router.get('/subscription/:subscriptionId', either, (req, res) => {
    res.json(shown(owned(setup, req, res)));
  });
  router.post('/subscription/:subscriptionId/enable', write, (req, res) => {
    const subscription = owned(setup, req, res);
    if (setup.destinations.get(subscription.destinationId)?.status !== 'ENABLED') throw apiError('API_NOTIFICATION', 409, 195015, 'The subscription cannot be enabled since the destination is not enabled.');
    subscription.status = 'ENABLED';
    res.status(204).end();
  });
  router.delete('/subscription/:subscriptionId', write, (req, res) => {
    setup.subscriptions.delete(owned(setup, req, res).subscriptionId);
    res.status(204).end();
  });
  return router;
}

/** Delivers a notification of `topic` to every enabled subscription of `userId` (or of the application) whose destination is enabled. */
export async function notifySubscribers(state: EbayState, keys: NotificationKeys, setup: NotificationSetup, topic: string, userId: string | undefined, data: Json, options: NotificationOptions = {}): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  for (const subscription of setup.subscriptions.values()) {
    if (subscription.topicId !== topic || subscription.userId !== userId || subscription.status !== 'ENABLED') continue;
    const destination = setup.destinations.get(subscription.destinationId);
    if (destination?.status !== 'ENABLED') continue;
    deliveries.push(...(await deliver(state, keys, setup.resolve(destination.deliveryConfig.endpoint), topic, data, options)));
  }
  return deliveries;
}

function ownerOf(res: Response): string | undefined {
  const token = res.locals.token as AccessTokenRecord;
  return token.kind === 'user' ? token.userId : undefined;
}

function owned(setup: NotificationSetup, req: Request, res: Response): SubscriptionRecord {
  const subscription = setup.subscriptions.get(req.params.subscriptionId as string);
  if (!subscription || subscription.userId !== ownerOf(res)) throw apiError('API_NOTIFICATION', 404, 195013, 'The subscription id does not exist.');
  return subscription;
}

function shown(subscription: SubscriptionRecord): Json {
  const { userId: _owner, ...rest } = subscription;
  return rest;
}

/** DestinationSearchResponse / SubscriptionSearchResponse: `limit` 10 to 100 (default 20), `next` while more remain. */
function page<T>(req: Request, all: T[], key: string): Json {
  const limit = intParam(req, 'limit');
  if (limit === null || (limit !== undefined && (limit < 10 || limit > 100))) throw apiError('API_NOTIFICATION', 400, 195004, 'Invalid limit. Supported ranges 10 - 100.');
  const size = limit ?? 20;
  const token = queryParam(req, 'continuation_token');
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(start) || start < 0) throw apiError('API_NOTIFICATION', 400, 195005, 'Invalid continuation token.');
  const items = all.slice(start, start + size);
  const body: Json = { href: selfUrl(req), limit: size, total: all.length, [key]: items };
  if (start + size < all.length) body.next = selfUrl(req, { continuation_token: Buffer.from(String(start + size)).toString('base64url'), limit: String(size) });
  return body;
}

/** A DestinationRequest, field by field as createDestination and updateDestination check it. */
function destinationRequest(req: Request): { name: string; status: 'ENABLED' | 'DISABLED'; endpoint: string; verificationToken: string } {
  const body = jsonBody(req) as { name?: unknown; status?: unknown; deliveryConfig?: { endpoint?: unknown; verificationToken?: unknown } };
  if (typeof body.name !== 'string' || !NAME.test(body.name)) throw apiError('API_NOTIFICATION', 400, 195016, 'Invalid name. Markups or lengths greater than 64 not supported');
  const endpoint = body.deliveryConfig?.endpoint;
  if (typeof endpoint !== 'string' || !isHttps(endpoint)) throw apiError('API_NOTIFICATION', 400, 195017, 'Invalid or missing endpoint.');
  if (body.status !== 'ENABLED' && body.status !== 'DISABLED') throw apiError('API_NOTIFICATION', 400, 195018, 'Invalid or missing destination status. Supported values:[ENABLED,DISABLED]');
  const verificationToken = body.deliveryConfig?.verificationToken;
  if (typeof verificationToken !== 'string' || !TOKEN.test(verificationToken)) throw apiError('API_NOTIFICATION', 400, 195019, 'Invalid or missing verification token for this endpoint.');
  return { name: body.name, status: body.status, endpoint, verificationToken };
}

/** eBay's validation of an endpoint: 409 195020 unless it answers the challenge. */
async function challenged(setup: NotificationSetup, endpoint: string, verificationToken: string): Promise<void> {
  const challenge = await challengeEndpoint(setup.resolve(endpoint), verificationToken, endpoint).catch(() => ({ ok: false }));
  if (!challenge.ok) throw apiError('API_NOTIFICATION', 409, 195020, 'Challenge verification failed for requested endpoint');
}

function isHttps(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

function origin(req: Request): string {
  return `${req.protocol}://${req.headers.host ?? '127.0.0.1'}`;
}
