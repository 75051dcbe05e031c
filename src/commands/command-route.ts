/*
 * The HTTP side of a command, written once for every aggregate: who is acting (the token, the
 * request and correlation ids), which version the client edits (If-Match), and the retry
 * identity (Idempotency-Key). A command route turns them into CommandMetadata and hands it to
 * the handler; the handler itself never sees a request.
 */
import type { Request } from 'express';
import { defineRoute, type AnyRoute, type AuthContext, type Reply, type RouteContext, type RouteSpec } from '../http/route';
import type { CommandMetadata } from './command';
import { checkIdempotencyKey, IDEMPOTENCY_HEADER, type IdempotencyKeys } from './idempotency';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestEventMetadata(auth: AuthContext, requestId: string, req: Request): CommandMetadata['event'] {
  const correlation = req.header('x-correlation-id');
  return { actor: auth.userId, request_id: requestId, correlation_id: correlation && CORRELATION_ID.test(correlation) ? correlation : requestId };
}

/** `"7"`, `W/"7"` or `7` → 7; `*` → any version; absent → undefined; anything else matches no version (-1). */
export function parseIfMatch(header: string | undefined): number | 'any' | undefined {
  if (header === undefined) return undefined;
  const first = header.split(',')[0]!.trim();
  if (first === '*') return 'any';
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(first);
  return match ? Number(match[1]) : -1;
}

export interface CommandRouteSpec<B, Q, P> extends Omit<RouteSpec<B, Q, P>, 'handle'> {
  /** If-Match: `required` (an edit must name its version) or `optional` (act only if still at it). */
  ifMatch?: 'required' | 'optional';
  /** Honour Idempotency-Key through these keys (POSTs that create something). */
  idempotency?: IdempotencyKeys;
  handle(ctx: RouteContext<B, Q, P>, metadata: CommandMetadata): Promise<Reply>;
}

const IF_MATCH = {
  required: { name: 'If-Match', description: 'The ETag of the version you edited', required: true },
  optional: { name: 'If-Match', description: 'Optional: act only if it is still at this ETag' },
};

export function commandRoute<B = undefined, Q = undefined, P = undefined>(spec: CommandRouteSpec<B, Q, P>): AnyRoute {
  const { ifMatch, idempotency, handle, ...route } = spec;
  const headers = [...(idempotency ? [IDEMPOTENCY_HEADER] : []), ...(ifMatch ? [IF_MATCH[ifMatch]] : []), ...(route.headers ?? [])];
  return defineRoute<B, Q, P>({
    ...route,
    headers,
    handle: async (ctx) => {
      const { auth, requestId, req } = ctx;
      const metadata: CommandMetadata = {
        event: requestEventMetadata(auth, requestId, req),
        expectedVersion: ifMatch ? parseIfMatch(req.header('if-match')) : undefined,
      };
      if (!idempotency) return handle(ctx, metadata);
      const key = checkIdempotencyKey(req.header('idempotency-key'));
      return idempotency(auth.tenantId, key, { route: `${req.method} ${req.path.toLowerCase()}`, body: ctx.body }, (seed) => handle(ctx, { ...metadata, idSeed: seed }));
    },
  });
}
