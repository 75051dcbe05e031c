/**
 * Programmatic fault injection: the next matching request(s) fail in a chosen way, before the
 * double looks at credentials or bodies (as a proxy, a load balancer or an overloaded eBay
 * would).
 *
 * - `status`: answer 429/500/503 (or any status) with eBay's error body for the API (429 →
 *   errorId 2001; 5xx → the API's documented system error) or a given body, and `Retry-After`
 *   when `retryAfterSeconds` is set;
 * - `hang`: never answer (the client's own timeout must fire; `close()` drops the socket);
 * - `drop`: destroy the socket without an answer;
 * - `slow`: wait `ms`, then serve the request normally.
 * A string `path` matches that path and everything below it; a RegExp is tested on the path.
 */
import type { RequestHandler } from 'express';
import { apiOfPath, common, OAuthError, systemError, type EbayApiError } from './errors';

interface FaultMatch {
  method?: string;
  path?: string | RegExp;
  /** How many matching requests fail; 1 by default. */
  times?: number;
}

export type FaultSpec = FaultMatch &
  (
    | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: unknown }
    | { kind: 'hang' }
    | { kind: 'drop' }
    | { kind: 'slow'; ms: number }
  );

interface PendingFault {
  spec: FaultSpec;
  left: number;
}

export type FaultOutcome = 'hung' | 'dropped';

export class Faults {
  private readonly queue: PendingFault[] = [];

  /** Queues a fault for the next `times` requests that match. */
  next(spec: FaultSpec): void {
    this.queue.push({ spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The faults still waiting for a request. */
  get pending(): FaultSpec[] {
    return this.queue.map((f) => f.spec);
  }

  /** Takes the first pending fault matching this request, if any. */
  take(method: string, path: string): FaultSpec | undefined {
    const index = this.queue.findIndex(({ spec }) => matches(spec, method, path));
    const fault = this.queue[index];
    if (!fault) return undefined;
    if (--fault.left <= 0) this.queue.splice(index, 1);
    return fault.spec;
  }

  middleware(onOutcome: (res: unknown, outcome: FaultOutcome) => void): RequestHandler {
    return (req, res, next) => {
      const fault = this.take(req.method, req.path);
      if (!fault) return next();
      switch (fault.kind) {
        case 'slow':
          setTimeout(next, fault.ms);
          return;
        case 'hang':
          onOutcome(res, 'hung');
          return;
        case 'drop':
          onOutcome(res, 'dropped');
          req.socket.destroy();
          return;
        case 'status': {
          if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
          if (fault.body !== undefined) {
            res.status(fault.status);
            if (typeof fault.body === 'string') res.type('text/plain').send(fault.body);
            else res.json(fault.body);
            return;
          }
          return next(faultError(fault.status, req.path));
        }
      }
    };
  }
}

function matches(spec: FaultMatch, method: string, path: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  if (spec.path === undefined) return true;
  if (typeof spec.path === 'string') return path === spec.path || path.startsWith(spec.path.endsWith('/') ? spec.path : `${spec.path}/`);
  spec.path.lastIndex = 0;
  return spec.path.test(path);
}

/** The body eBay answers for an injected status on this path. */
function faultError(status: number, path: string): EbayApiError | OAuthError {
  const api = apiOfPath(path);
  // Assumption: the identity service answers its failures in the OAuth shape.
  if (api === 'OAUTH') return new OAuthError(status, status === 503 ? 'temporarily_unavailable' : 'server_error', 'The authorization server encountered an unexpected condition');
  if (status === 429) return common.tooManyRequests();
  return systemError(api ?? 'API_INVENTORY', status);
}
