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

/** The call went out and no answer came (status 0): a timeout, the network. */
const NO_ANSWER = new Set(['timeout', 'network']);

/** Status 0 is also a call Stoflow did not send (a condition the category does not take, the day's budget spent): it says so. */
function headline(status: number, problems: readonly MarketplaceProblem[]): string {
  if (status !== 0) return `answered ${status}`;
  return problems.length === 0 || problems.some((p) => NO_ANSWER.has(p.id)) ? 'did not answer' : 'call not sent';
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
    super(`${marketplace} ${headline(status, problems)}${problems.length > 0 ? `: ${problems.map((p) => `${p.id} ${p.message}`).join('; ')}` : ''}`);
    this.name = 'MarketplaceCallError';
  }
}

