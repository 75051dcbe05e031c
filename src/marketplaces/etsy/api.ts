/*
 * Every call Stoflow makes to Etsy's /v3/application, on one budget per shop. Etsy counts calls
 * per access token (10 a second by default, essentials/rate-limits); the connect-time reads, the
 * publisher and the order reader all spend that one budget, so they go through one pacer, shared
 * by every process (src/infra/call-pacer.ts). A 429 did nothing on Etsy's side, so the same call
 * is sent again once the `retry-after` it asked for has passed (when short); every other call to
 * that shop waits as long.
 */
import { createHash } from 'node:crypto';
import { createCallPacer, type CallPacer } from '../../infra/call-pacer';
import { callMarketplace, MarketplaceCallError, type CallResult } from '../http';
import { etsyProblems } from './errors';
import type { EtsySettings } from './settings';

export interface EtsyApiOptions extends Pick<EtsySettings, 'apiKey' | 'sharedSecret' | 'apiBaseUrl' | 'timeoutMs'> {
  /** The pace of calls per shop; by default 5 a second in this process alone. */
  pacer?: CallPacer;
  /** A 429 asking for at most this wait is retried in place; a longer one is the caller's to handle. */
  maxRetryAfterSeconds?: number;
  /** How many 429s in a row one call waits out before giving up. */
  retriesOn429?: number;
}

export type EtsyMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type EtsyBody = URLSearchParams | FormData | { json: unknown };

export interface EtsyApi {
  /**
   * `path` under /v3/application. `shop` is whose budget the call spends: the shop id, or
   * `tokenKey(accessToken)` before the shop is known (getMe).
   */
  call(accessToken: string, shop: string, method: EtsyMethod, path: string, body?: EtsyBody, query?: Record<string, string>): Promise<CallResult>;
}

/** A pacer key for a token whose shop is not known yet: a digest, never the token itself. */
export function tokenKey(accessToken: string): string {
  return `token-${createHash('sha256').update(accessToken).digest('hex').slice(0, 24)}`;
}

export function etsyApi(options: EtsyApiOptions): EtsyApi {
  const application = `${options.apiBaseUrl}/v3/application`;
  const pacer = options.pacer ?? createCallPacer({ perSecond: 5, prefix: 'pace:etsy' });
  const maxWait = options.maxRetryAfterSeconds ?? 10;
  const retries = options.retriesOn429 ?? 2;

  return {
    async call(accessToken, shop, method, path, body, query) {
      const url = `${application}${path}${query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query)}` : ''}`;
      const json = body !== undefined && !(body instanceof URLSearchParams) && !(body instanceof FormData);
      for (let attempt = 0; ; attempt++) {
        await pacer.acquire(shop);
        try {
          return await callMarketplace({
            marketplace: 'etsy',
            method,
            url,
            headers: {
              'x-api-key': `${options.apiKey ?? ''}:${options.sharedSecret ?? ''}`,
              authorization: `Bearer ${accessToken}`,
              accept: 'application/json',
              // Form and multipart bodies carry their own content type (and boundary).
              ...(json ? { 'content-type': 'application/json' } : {}),
            },
            body: body === undefined ? undefined : json ? JSON.stringify((body as { json: unknown }).json) : (body as URLSearchParams | FormData),
            timeoutMs: options.timeoutMs,
            problems: etsyProblems,
          });
        } catch (err) {
          const wait = err instanceof MarketplaceCallError && err.status === 429 ? (err.retryAfterSeconds ?? 1) : null;
          if (wait === null) throw err;
          // Every process waits: no call to this shop goes before Etsy's time is up.
          await pacer.holdOff(shop, wait * 1000);
          if (wait > maxWait || attempt >= retries) throw err;
        }
      }
    },
  };
}
