/*
 * How a marketplace call failed, the same for every connector: retryable (network, timeout,
 * 429, 5xx; with the wait the marketplace asked for) or permanent (the marketplace's own error
 * ids and messages, shown to the seller as they are).
 */
import type { Marketplace } from '../domain/connection/connection';

export interface MarketplaceProblem {
  /** The marketplace's error id (eBay `errorId`, Etsy's `error`), as text. */
  id: string;
  message: string;
}

export class MarketplaceCallError extends Error {
  constructor(
    readonly marketplace: Marketplace,
    /** 0 when no answer came (network failure, timeout). */
    readonly status: number,
    readonly retryable: boolean,
    readonly problems: MarketplaceProblem[],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(`${marketplace} ${status === 0 ? 'did not answer' : `answered ${status}`}${problems.length > 0 ? `: ${problems.map((p) => `${p.id} ${p.message}`).join('; ')}` : ''}`);
    this.name = 'MarketplaceCallError';
  }
}

