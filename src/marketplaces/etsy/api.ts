/*
 * Every call Stoflow makes to Etsy's /v3/application, on one budget per shop, shared by every
 * process (src/infra/call-pacer.ts): the connect-time reads, the publisher and the order reader
 * all spend it. A 429 did nothing on Etsy's side, so the same call is sent again once the
 * `retry-after` it asked for has passed (when short); every other call to that shop waits as long.
 *
 * Etsy's rate-limits page (developer.etsy.com/documentation/essentials/rate-limits, read
 * 2026-12) counts queries per second and per day (a sliding 24 hours in buckets) "per API Key for
 * public authentication and per OAuth access token for private authentication"; every call here
 * carries a seller's token, so the budget is the shop's. The same page's header table speaks of
 * "your application's API key", and integrators report the per-token split no longer shows
 * (etsy/open-api discussion #1387): if Etsy counts per application after all, each shop's answers
 * carry the application's figures, and each shop learns them at its next call.
 *
 * Every successful answer carries `x-limit-per-second`, `x-remaining-this-second`,
 * `x-limit-per-day` and `x-remaining-today` (a 429 carries none). After each, the shop's figures
 * are kept for every process: a per-second limit lower than the configured pace is followed, and
 * once the calls left today fall under the reserve, only urgent calls (ending a listing, reading
 * an order: what keeps an item from selling twice) go; the others are refused at once, retryable,
 * saying why. The reserve is 5 % of the day's limit, at most 500 (`dailyReserve` overrides it):
 * 500 covers a day of order polls every 5 minutes (288) and the delists of some hundred sales,
 * and on a small limit 5 % still leaves the bulk to publishing.
 */
import { createCallPacer, type CallPacer, type CallPriority } from '../../infra/call-pacer';
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
  /** Calls left today under which only urgent calls go (default: 5 % of Etsy's daily limit, at most 500). */
  dailyReserve?: number;
}

export type EtsyMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type EtsyBody = URLSearchParams | FormData | { json: unknown };

export interface EtsyApi {
  /**
   * `path` under /v3/application. `shop` is whose budget the call spends: the shop id, or
   * `tokenKey(accessToken)` before the shop is known (getMe). `urgent` calls still go when the
   * day's budget is down to its reserve.
   */
  call(accessToken: string, shop: string, method: EtsyMethod, path: string, body?: EtsyBody, query?: Record<string, string>, priority?: CallPriority): Promise<CallResult>;
}

/** The pacer key for a token whose shop is not known yet. */
export { tokenKey } from '../../infra/call-pacer';

export function etsyApi(options: EtsyApiOptions): EtsyApi {
  const application = `${options.apiBaseUrl}/v3/application`;
  const pacer = options.pacer ?? createCallPacer({ perSecond: 5, prefix: 'pace:etsy' });
  const maxWait = options.maxRetryAfterSeconds ?? 10;
  const retries = options.retriesOn429 ?? 2;

  /** Etsy's figures in an answer's headers; absent or malformed ones are not kept. */
  function stated(headers: Headers) {
    const count = (name: string) => {
      const value = headers.get(name);
      return value !== null && /^\d{1,12}$/.test(value.trim()) ? Number(value) : undefined;
    };
    const perDay = count('x-limit-per-day');
    const perSecond = count('x-limit-per-second');
    return {
      perSecond: perSecond && perSecond > 0 ? perSecond : undefined,
      remainingToday: count('x-remaining-today'),
      reserve: options.dailyReserve ?? (perDay === undefined ? undefined : Math.min(500, Math.ceil(perDay * 0.05))),
    };
  }

  return {
    async call(accessToken, shop, method, path, body, query, priority = 'normal') {
      const url = `${application}${path}${query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query)}` : ''}`;
      const json = body !== undefined && !(body instanceof URLSearchParams) && !(body instanceof FormData);
      for (let attempt = 0; ; attempt++) {
        const turn = await pacer.acquire(shop, priority);
        if (!turn.granted) {
          // Not sent (no answer: status 0); retried by the engine's backoff, as Etsy frees a bucket of its 24 hours every two hours or so.
          throw new MarketplaceCallError('etsy', 0, true, [{ id: 'daily_budget', message: `Etsy's daily call budget for this shop is down to ${turn.remainingToday} calls, under the ${turn.reserve} kept for ending listings and reading orders: this call waits until Etsy frees more` }], 600);
        }
        try {
          const answer = await callMarketplace({
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
          await pacer.observe(shop, stated(answer.headers));
          return answer;
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
