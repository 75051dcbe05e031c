/**
 * A local eBay: one Express server on 127.0.0.1 that plays auth.ebay.com (consent),
 * api.ebay.com (token endpoint, Sell APIs, Notification API) and apiz.ebay.com (Identity),
 * closely enough for Stoflow's eBay connector to run against it unchanged, by base URL.
 *
 * Each API lives in its own module (oauth, identity, account, inventory, offers, fulfillment,
 * metadata, notification), each citing the OpenAPI document and version it follows.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import { accountRoutes } from './account';
import { apiOfPath, common, EbayApiError, OAuthError, sendEbayError, sendOAuthError, systemError } from './errors';
import { Faults } from './faults';
import { fulfillmentRoutes, sell, updateOrder, type OrderChanges, type SaleInput } from './fulfillment';
import { rawBody } from './http';
import { identityRoutes } from './identity';
import { inventoryRoutes } from './inventory';
import { metadataRoutes } from './metadata';
import { accountDeletionData, challengeEndpoint, deliver, envelope, NotificationKeys, notificationRoutes, orderConfirmationData, type ChallengeResult, type Delivery, type NotificationOptions } from './notification';
import { DEFAULT_USER_SCOPES, issueApplicationToken, issueUserTokens, oauthRoutes, SCOPES, type ConsentChoice, type EbayAppConfig } from './oauth';
import { offerRoutes } from './offers';
import { NotificationSetup, notifySubscribers, subscriptionRoutes } from './subscriptions';
import type { ConditionPolicy } from './conditions';
import { EbayState, type Json, type OrderRecord, type SeedUser, type UserRecord } from './state';

export interface EbayDoubleOptions {
  /** The registered application (keyset and RuName). */
  app?: Partial<EbayAppConfig>;
  /** The eBay users, with their business policies and locations. One default seller otherwise. */
  users?: SeedUser[];
  /** Added before every answer; 0 by default. */
  latencyMs?: number;
  /** 0 (a random free port) by default. */
  port?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON or as a form when it is one, else the raw text (undefined when empty). */
  body: unknown;
  rawBody: string;
  /** The answer's status; undefined while pending or when the fault hung or dropped it. */
  status?: number;
  outcome: 'pending' | 'answered' | 'hung' | 'dropped';
  at: Date;
}

export interface EbayDouble {
  /** api.ebay.com: the token endpoint, /sell/..., /commerce/notification/... */
  baseUrl: string;
  /** apiz.ebay.com: /commerce/identity/... (the same server). */
  apizBaseUrl: string;
  /** auth.ebay.com: /oauth2/authorize (the same server). */
  authBaseUrl: string;
  tokenUrl: string;
  app: EbayAppConfig;
  state: EbayState;
  requests: RecordedRequest[];
  faults: Faults;
  /** The kid that `signNotification` puts in its header, and getPublicKey serves. */
  publicKeyId: string;
  setAcceptUrl(ruName: string, url: string, declineUrl?: string): void;
  /** Who "clicks I agree" at the next consents (the first user by default), or declines. */
  setConsent(choice: ConsentChoice): void;
  addUser(seed: SeedUser): UserRecord;
  /** Tokens for a user as if they had consented to `scopes` (all the keyset's scopes by default). */
  issueUserTokens(username: string, scopes?: string[]): { accessToken: string; refreshToken: string };
  issueApplicationToken(scopes?: string[]): string;
  /** Every access token (of one user, if given) expires now: API calls answer 401 errorId 1001. */
  expireAccessTokens(username?: string): void;
  revokeRefreshToken(token: string): void;
  /** The user withdraws the app's access: refresh tokens answer invalid_grant, access tokens 401. */
  revokeGrant(username: string): void;
  advanceTime(ms: number): void;
  /** The conditions a category takes from now on (getItemConditionPolicies and publishOffer); back to the seeded table at `reset`. */
  setConditionPolicy(categoryId: string, policy: ConditionPolicy): void;
  sell(input: SaleInput): OrderRecord['order'];
  updateOrder(orderId: string, changes: OrderChanges): OrderRecord['order'];
  signNotification(body: string | object): string;
  notificationEnvelope(topic: string, data: Json, options?: NotificationOptions): Json;
  deliverNotification(url: string, topic: string, data: Json, options?: NotificationOptions): Promise<Delivery[]>;
  orderConfirmationData(orderId: string): Json;
  accountDeletionData(username: string): Json;
  /** The application's alert config, destinations and subscriptions (createDestination, createSubscription). */
  notifications: NotificationSetup;
  /**
   * Challenges and notifications for endpoints under `publicPrefix` (an https address the test
   * cannot reach) go to `localPrefix` instead; the challenge still hashes the public endpoint.
   */
  routeEndpoint(publicPrefix: string, localPrefix: string): void;
  /** ORDER_CONFIRMATION of an order, delivered to its seller's enabled subscriptions (none: no delivery). */
  notifyOrder(orderId: string, options?: NotificationOptions): Promise<Delivery[]>;
  /** eBay's endpoint validation (GET ?challenge_code=), e.g. for the account-deletion endpoint. */
  challengeEndpoint(url: string, verificationToken: string, endpoint?: string): Promise<ChallengeResult>;
  /** Back to the seeded users, policies and locations; no items, offers, orders, tokens, destinations, subscriptions, requests or faults (endpoint routes stay). */
  reset(): void;
  close(): Promise<void>;
}

const policies = (marketplaceId: string) => ({ fulfillmentPolicies: [{ name: `Shipping ${marketplaceId}`, marketplaceId }], paymentPolicies: [{ name: `Payment ${marketplaceId}`, marketplaceId }], returnPolicies: [{ name: `Returns ${marketplaceId}`, marketplaceId }] });
const DEFAULT_USERS: SeedUser[] = [(() => {
  const us = policies('EBAY_US');
  const fr = policies('EBAY_FR');
  return { username: 'stoflow_test_seller', fulfillmentPolicies: [...us.fulfillmentPolicies, ...fr.fulfillmentPolicies], paymentPolicies: [...us.paymentPolicies, ...fr.paymentPolicies], returnPolicies: [...us.returnPolicies, ...fr.returnPolicies] };
})()];

export async function startEbayDouble(options: EbayDoubleOptions = {}): Promise<EbayDouble> {
  const app: EbayAppConfig = {
    clientId: 'StoflowT-stoflowd-PRD-a1b2c3d4e-5f6a7b8c',
    clientSecret: 'PRD-1b2c3d4e5f6a-7b8c-9d0e-1f2a-3b4c',
    ruName: 'Stoflow_Test-StoflowT-stoflo-qwertyu',
    scopes: DEFAULT_USER_SCOPES,
    ...options.app,
  };
  const state = new EbayState(options.users ?? DEFAULT_USERS);
  const faults = new Faults();
  const keys = new NotificationKeys();
  const notifications = new NotificationSetup();
  const requests: RecordedRequest[] = [];
  let consent: ConsentChoice = {};
  const entries = new WeakMap<object, RecordedRequest>();

  const web = express();
  web.disable('x-powered-by');
  web.set('etag', false);
  web.use(express.raw({ type: () => true, limit: '10mb' }));
  web.use((req, res, next) => {
    const text = rawBody(req);
    const entry: RecordedRequest = { method: req.method, path: req.path, query: { ...(req.query as Record<string, unknown>) }, headers: { ...req.headers }, body: parseForLog(req.headers['content-type'], text), rawBody: text, outcome: 'pending', at: state.now() };
    requests.push(entry);
    entries.set(res, entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      entry.outcome = 'answered';
    });
    if (options.latencyMs) setTimeout(next, options.latencyMs);
    else next();
  });
  web.use(faults.middleware((res, outcome) => {
    const entry = entries.get(res as object);
    if (entry) entry.outcome = outcome;
  }));
  web.use(oauthRoutes(state, app, () => consent));
  web.use('/commerce/identity/v1', identityRoutes(state));
  web.use('/sell/account/v1', accountRoutes(state));
  web.use('/sell/inventory/v1', inventoryRoutes(state), offerRoutes(state));
  web.use('/sell/fulfillment/v1', fulfillmentRoutes(state));
  web.use('/sell/metadata/v1', metadataRoutes(state));
  web.use('/commerce/notification/v1', notificationRoutes(state, keys), subscriptionRoutes(state, notifications));
  web.use((req) => {
    throw common.noSuchResource(req.path);
  });
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if (res.headersSent) return res.end();
    if (err instanceof EbayApiError) return sendEbayError(res, err);
    if (err instanceof OAuthError) return sendOAuthError(res, err);
    const api = apiOfPath(req.path);
    if (api === 'OAUTH') return sendOAuthError(res, new OAuthError(500, 'server_error', String((err as Error)?.message ?? err)));
    sendEbayError(res, systemError(api ?? 'API_INVENTORY', 500));
  };
  web.use(onError);

  const server: Server = await new Promise((resolve, reject) => {
    const s = web.listen(options.port ?? 0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const userNamed = (username: string): UserRecord => {
    const user = state.userByName(username);
    if (!user) throw new Error(`eBay double: no user ${username}`);
    return user;
  };

  return {
    baseUrl,
    apizBaseUrl: baseUrl,
    authBaseUrl: baseUrl,
    tokenUrl: `${baseUrl}/identity/v1/oauth2/token`,
    app,
    state,
    requests,
    faults,
    publicKeyId: keys.keyId,
    setAcceptUrl(ruName, url, declineUrl) {
      if (ruName !== app.ruName) throw new Error(`eBay double: unknown RuName ${ruName}`);
      app.acceptUrl = url;
      if (declineUrl !== undefined) app.declineUrl = declineUrl;
    },
    setConsent(choice) {
      consent = { ...choice };
    },
    addUser: (seed) => state.addUser(seed),
    issueUserTokens: (username, scopes = app.scopes) => issueUserTokens(state, app.clientId, userNamed(username), scopes),
    issueApplicationToken: (scopes = [SCOPES.api]) => issueApplicationToken(state, app.clientId, scopes),
    expireAccessTokens(username) {
      const userId = username === undefined ? undefined : userNamed(username).userId;
      const past = state.now().getTime() - 1;
      for (const t of state.accessTokens.values()) if (userId === undefined || t.userId === userId) t.expiresAt = past;
    },
    revokeRefreshToken(token) {
      const record = state.refreshTokens.get(token);
      if (!record) throw new Error('eBay double: unknown refresh token');
      record.revoked = true;
    },
    revokeGrant(username) {
      const { userId } = userNamed(username);
      for (const g of state.grants.values()) if (g.userId === userId) g.revoked = true;
    },
    advanceTime: (ms) => state.advanceTime(ms),
    setConditionPolicy(categoryId, policy) {
      state.conditionPolicies.set(categoryId, policy);
    },
    sell: (input) => sell(state, input),
    updateOrder: (orderId, changes) => updateOrder(state, orderId, changes),
    signNotification: (body) => keys.sign(body),
    notificationEnvelope: (topic, data, opts) => envelope(state, topic, data, opts),
    deliverNotification: (url, topic, data, opts) => deliver(state, keys, url, topic, data, opts),
    orderConfirmationData: (orderId) => orderConfirmationData(state, orderId),
    accountDeletionData: (username) => accountDeletionData(state, username),
    notifications,
    routeEndpoint(publicPrefix, localPrefix) {
      notifications.routes.set(publicPrefix, localPrefix);
    },
    notifyOrder(orderId, opts) {
      const record = state.orders.get(orderId);
      if (!record) throw new Error(`eBay double: no order ${orderId}`);
      return notifySubscribers(state, keys, notifications, 'ORDER_CONFIRMATION', record.userId, orderConfirmationData(state, orderId), opts);
    },
    challengeEndpoint: (url, token, endpoint) => challengeEndpoint(url, token, endpoint),
    reset() {
      state.reset();
      notifications.reset();
      requests.length = 0;
      faults.clear();
      consent = {};
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function parseForLog(contentType: string | undefined, text: string): unknown {
  if (!text) return undefined;
  if (/json/i.test(contentType ?? '')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  if (/x-www-form-urlencoded/i.test(contentType ?? '')) return Object.fromEntries(new URLSearchParams(text));
  return text;
}
