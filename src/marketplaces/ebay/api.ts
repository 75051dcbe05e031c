/*
 * The calls Stoflow makes to eBay's Sell APIs for a seller (publishing, delisting, reading
 * orders), paced per eBay account and shared by every process (src/infra/call-pacer.ts).
 *
 * eBay publishes daily call limits, not a per-second one: per application, and for some APIs per
 * user (developer.ebay.com, Compatible Application Check; the Analytics API's getRateLimits and
 * getUserRateLimits report them; Inventory 2,000,000 and Fulfillment 100,000 calls a day per
 * application, ../shared/MARKETPLACES.md §2.5). The pace only spreads an account's bursts (a bulk
 * publication, a comparison) so that one seller does not spend the application's short-term
 * allowance for all: 20 calls a second by default (EBAY_CALLS_PER_SECOND), about four listings a
 * second for a bulk publication. A withdraw or an order read (`urgent`) never waits for the pace:
 * a sale's delists are not queued behind a publication's calls.
 *
 * The account is known here by its access token, digested (never the token itself): every
 * process uses the one token stored for the connection (src/infra/marketplace-credentials.ts),
 * which eBay renews every two hours, so the pace starts afresh then. A 429 holds every process's
 * calls for that account back until its Retry-After has passed; the call fails, retryable, and
 * the engine's next attempt waits as long.
 */
import { createCallPacer, tokenKey, type CallPacer, type CallPriority } from '../../infra/call-pacer';
import { callMarketplace, MarketplaceCallError, type CallOptions, type CallResult } from '../http';

export interface EbayApiOptions {
  /** By default 5 a second per account, in this process alone. */
  pacer?: CallPacer;
}

/** `urgent`: a call that keeps an item from selling twice (a withdraw, an order read): it never waits for the account's pace. */
export type EbayApi = (accessToken: string, options: Omit<CallOptions, 'marketplace'>, priority?: CallPriority) => Promise<CallResult>;


export function ebayApi(options: EbayApiOptions = {}): EbayApi {
  const pacer = options.pacer ?? createCallPacer({ perSecond: 5, prefix: 'pace:ebay' });
  return async (accessToken, call, priority = 'normal') => {
    // The account the user token acts for.
    const key = tokenKey(accessToken);
    await pacer.acquire(key, priority);
    try {
      return await callMarketplace({ ...call, marketplace: 'ebay' });
    } catch (err) {
      if (err instanceof MarketplaceCallError && err.status === 429) await pacer.holdOff(key, (err.retryAfterSeconds ?? 1) * 1000);
      throw err;
    }
  };
}
