/*
 * One HTTP call to a marketplace, bounded in time, with failures sorted the same way for every
 * connector: retryable (network, timeout, 429, 5xx; with the wait the marketplace asked for) or
 * permanent (the marketplace's own error ids and messages, shown to the seller as they are).
 */
import type { Marketplace } from '../domain/connection/connection';

import { MarketplaceCallError, type MarketplaceProblem } from '../shared/marketplace-errors';
import { storableText, withStorableText } from '../shared/text';

export { MarketplaceCallError, type MarketplaceProblem };

export interface CallOptions {
  marketplace: Marketplace;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams | FormData;
  timeoutMs: number;
  /** Reads a failed answer's body into problems (each marketplace has its own error shape). */
  problems?: (body: unknown, status: number) => MarketplaceProblem[];
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Retry-After in seconds (a number, or an HTTP date), capped at an hour. */
function retryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : Math.ceil((Date.parse(value) - now) / 1000);
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), 3600) : null;
}

/**
 * The answer's JSON, or its text. Either may end up in an event (a buyer's name, an error
 * message), so NUL characters and unpaired surrogates, which PostgreSQL cannot store, are
 * replaced as it is read (src/shared/text.ts); cutting the text short may split a pair too.
 */
async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text, withStorableText) as unknown;
  } catch {
    return storableText(text.slice(0, 2000));
  }
}

/** The statuses worth asking again: a timeout, a rate limit, the marketplace's own failure. */
export function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500 || status === 408;
}

/** Answers any 2xx; throws MarketplaceCallError for everything else. */
export async function callMarketplace(options: CallOptions): Promise<CallResult> {
  let res: Response;
  try {
    res = await fetch(options.url, { method: options.method, headers: options.headers, body: options.body, signal: AbortSignal.timeout(options.timeoutMs), redirect: 'manual' });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new MarketplaceCallError(options.marketplace, 0, true, [{ id: timedOut ? 'timeout' : 'network', message: timedOut ? `no answer within ${options.timeoutMs} ms` : err instanceof Error ? err.message : String(err) }]);
  }
  let body: unknown;
  try {
    body = await readBody(res);
  } catch (err) {
    // The connection dropped in the middle of the answer.
    throw new MarketplaceCallError(options.marketplace, 0, true, [{ id: 'network', message: err instanceof Error ? err.message : String(err) }]);
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status, headers: res.headers, body };
  const problems = options.problems?.(body, res.status) ?? [];
  const retryable = retryableStatus(res.status);
  throw new MarketplaceCallError(options.marketplace, res.status, retryable, problems.length > 0 ? problems : [{ id: String(res.status), message: typeof body === 'string' ? body : res.statusText }], retryAfter(res.headers.get('retry-after')));
}
