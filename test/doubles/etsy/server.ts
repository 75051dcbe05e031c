/*
 * A local stand-in for Etsy's Open API v3, for driving Stoflow's Etsy connector by base URL.
 *
 *   const etsy = await startEtsyDouble({ app: { keystring, sharedSecret, redirectUris: [] } });
 *   etsy.addRedirectUri(`${stoflowUrl}/etsy/callback`);
 *   // connector: authorize at etsy.authorizeUrl, tokens at etsy.tokenUrl, API at etsy.apiUrl
 *   await etsy.stop();
 *
 * One server answers both hosts Etsy uses: www.etsy.com/oauth/connect (authBaseUrl) and
 * api.etsy.com/v3/... (baseUrl). Everything is in memory; `reset()` goes back to the seed.
 * Where each behaviour comes from, and what was assumed, is written at the top of each module.
 */
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { apiGate, type RegisteredApp } from './auth';
import { bodyReader } from './body';
import type { Ctx } from './context';
import { errorHandler } from './errors';
import { faultInjector, Faults, recorder, type RecordedRequest } from './faults';
import { imageFilesRouter, imagesRouter } from './images';
import { inventoryRouter } from './inventory';
import { RateLimiter, type RateLimitOptions } from './limits';
import { listingsRouter } from './listings';
import { consentRouter, scopesRouter, tokenRouter, type ConsentBehaviour } from './oauth';
import { changeReceipt, receiptsRouter, sell, type SaleInput } from './receipts';
import { shopRouter } from './shop';
import { Clock, DEFAULT_USERS, EtsyState, type ReceiptRecord, type SeedUser } from './state';
import type { TaxonomyNode } from './taxonomy';
import { TokenStore, type RefreshGrace, type TokenPair } from './tokens';
import { deliverWebhook, orderPaidEvent, type DeliveryAttempt, type DeliveryOptions, type WebhookEvent } from './webhooks';

export interface EtsyDoubleOptions {
  /** The registered app; defaults to a made-up keystring and secret and no redirect URI. */
  app?: Partial<RegisteredApp>;
  /** Sellers, each with a shop, shipping profile, return policy and processing profile by default. */
  users?: SeedUser[];
  taxonomy?: TaxonomyNode[];
  /** Etsy's defaults for a new app: 10 per second, 10,000 per day. */
  rateLimits?: RateLimitOptions;
  /** Added before every answer. */
  latencyMs?: number;
  /** The year whose when_made values are valid; the current UTC year by default. */
  whenMadeYear?: number;
  /** Require processing profiles (readiness_state_id) on physical listings even without `legacy=false`. */
  requireProcessingProfiles?: boolean;
  refreshGrace?: RefreshGrace;
  /** Wall-clock milliseconds the double's clock starts from; Date.now by default. */
  now?: () => number;
  port?: number;
}

export interface EtsyDouble {
  /** http://127.0.0.1:<port>, standing for https://api.etsy.com. */
  readonly baseUrl: string;
  /** The same server, standing for https://www.etsy.com. */
  readonly authBaseUrl: string;
  /** `${baseUrl}/v3/application` */
  readonly apiUrl: string;
  /** `${baseUrl}/v3/public/oauth/token` */
  readonly tokenUrl: string;
  /** `${authBaseUrl}/oauth/connect` */
  readonly authorizeUrl: string;
  readonly app: RegisteredApp;
  /** The x-api-key value Etsy requires: `keystring:shared_secret`. */
  readonly apiKey: string;
  readonly state: EtsyState;
  readonly tokens: TokenStore;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  readonly faults: Faults;
  readonly limits: RateLimiter;
  latencyMs: number;
  addRedirectUri(uri: string): void;
  /** How the simulated seller answers the consent screen from now on. */
  setConsent(consent: ConsentBehaviour): void;
  /** Tokens for a user without running the consent flow (all scopes unless given). */
  issueTokens(userId?: number, scopes?: string[]): TokenPair;
  expireAccessTokens(): void;
  revokeGrant(userId: number): void;
  /** Moves the double's clock (timestamps, token and code expiry, rate-limit windows). */
  advanceTime(seconds: number): void;
  sell(sale: SaleInput): ReturnType<typeof sell>;
  changeReceipt(receiptId: number, change: Partial<Pick<ReceiptRecord, 'status' | 'is_shipped' | 'is_delivered' | 'is_paid'>>): ReturnType<typeof changeReceipt>;
  /** The `order.paid` event for a receipt of this double. */
  orderPaidEvent(receiptId: number): WebhookEvent;
  deliverWebhook(url: string, event: WebhookEvent, options: DeliveryOptions): Promise<DeliveryAttempt[]>;
  /** Back to the seed: clock, state, tokens, requests, faults, rate counters, consent (redirect URIs stay). */
  reset(): void;
  stop(): Promise<void>;
}

export async function startEtsyDouble(options: EtsyDoubleOptions = {}): Promise<EtsyDouble> {
  const clock = new Clock(options.now);
  const registered: RegisteredApp = {
    keystring: options.app?.keystring ?? 'etsydoublekeystring00000',
    sharedSecret: options.app?.sharedSecret ?? 'doublesecret',
    redirectUris: [...(options.app?.redirectUris ?? [])],
  };
  const state = new EtsyState(clock, options.users ?? DEFAULT_USERS, options.taxonomy);
  const tokens = new TokenStore(() => clock.nowSeconds(), options.refreshGrace ?? 'until-new-used');
  const limiter = new RateLimiter(options.rateLimits ?? {}, () => clock.nowMs());
  const faults = new Faults();
  const requests: RecordedRequest[] = [];
  const hung = new Set<Socket>();
  let consent: ConsentBehaviour = {};
  let baseUrl = '';
  const ctx: Ctx = {
    state,
    tokens,
    app: registered,
    settings: { whenMadeYear: options.whenMadeYear ?? new Date().getUTCFullYear(), requireProcessingProfiles: options.requireProcessingProfiles ?? false },
    baseUrl: () => baseUrl,
  };

  const double = {
    latencyMs: options.latencyMs ?? 0,
  } as { latencyMs: number };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(recorder(requests, () => clock.nowMs()));
  app.use(faultInjector(faults, () => double.latencyMs, hung));
  app.use(bodyReader());
  app.use(consentRouter(registered, state, tokens, () => consent));
  app.use(tokenRouter(registered, tokens));
  app.use(imageFilesRouter(ctx));
  app.use('/v3/application', apiGate(registered, tokens, limiter));
  for (const router of [scopesRouter(tokens), shopRouter(ctx), listingsRouter(ctx), imagesRouter(ctx), inventoryRouter(ctx), receiptsRouter(ctx)]) app.use(router);
  app.use((req, res) => {
    res.status(404).json({ error: `No route matches ${req.method} ${req.path}` });
  });
  app.use(errorHandler);

  const server: Server = app.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(double, {
    baseUrl,
    authBaseUrl: baseUrl,
    apiUrl: `${baseUrl}/v3/application`,
    tokenUrl: `${baseUrl}/v3/public/oauth/token`,
    authorizeUrl: `${baseUrl}/oauth/connect`,
    app: registered,
    apiKey: `${registered.keystring}:${registered.sharedSecret}`,
    state,
    tokens,
    requests,
    faults,
    limits: limiter,
    addRedirectUri(uri: string) {
      if (!registered.redirectUris.includes(uri)) registered.redirectUris.push(uri);
    },
    setConsent(next: ConsentBehaviour) {
      consent = { ...next };
    },
    issueTokens(userId?: number, scopes?: string[]) {
      const id = userId ?? [...state.users.keys()][0];
      if (id === undefined || !state.users.has(id)) throw new Error(`issueTokens: no user ${userId}`);
      return tokens.grantDirectly(id, registered.keystring, scopes ?? ['listings_r', 'listings_w', 'listings_d', 'shops_r', 'shops_w', 'transactions_r', 'transactions_w', 'email_r', 'profile_r']);
    },
    expireAccessTokens: () => tokens.expireAccessTokens(),
    revokeGrant: (userId: number) => tokens.revokeUser(userId),
    advanceTime: (seconds: number) => clock.advance(seconds),
    sell: (sale: SaleInput) => sell(ctx, sale),
    changeReceipt: (receiptId: number, change: Parameters<EtsyDouble['changeReceipt']>[1]) => changeReceipt(ctx, receiptId, change),
    orderPaidEvent(receiptId: number) {
      const receipt = state.receipts.get(receiptId);
      if (!receipt) throw new Error(`orderPaidEvent: no receipt ${receiptId}`);
      return orderPaidEvent(baseUrl, receipt.shop_id, receiptId);
    },
    deliverWebhook: (url: string, event: WebhookEvent, opts: DeliveryOptions) => deliverWebhook(url, event, opts, () => clock.nowSeconds()),
    reset() {
      clock.reset();
      state.reset();
      tokens.reset();
      limiter.reset();
      faults.clear();
      requests.length = 0;
      consent = {};
    },
    async stop() {
      for (const socket of hung) socket.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  });
}
