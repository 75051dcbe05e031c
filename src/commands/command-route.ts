/*
 * The HTTP side of a command, written once for every aggregate: who is acting (the token, the
 * request and correlation ids), which version the client edits (If-Match), and the retry
 * identity (Idempotency-Key). A command route turns them into CommandMetadata and hands it to
 * the handler; the handler itself never sees a request.
 */
import type { Request } from 'express';
import { defineRoute, type AnyRoute, type AuthContext, type Reply, type RouteContext, type RouteSpec } from '../http/route';
import type { CommandMetadata } from './command';
import { ValidationError } from '../shared/errors';
import { checkIdempotencyKey, IDEMPOTENCY_HEADER, type IdempotencyKeys } from './idempotency';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestEventMetadata(auth: AuthContext, requestId: string, req: Request): CommandMetadata['event'] {
  const correlation = req.header('x-correlation-id');
  return { actor: auth.userId, request_id: requestId, correlation_id: correlation && CORRELATION_ID.test(correlation) ? correlation : requestId };
}

/**
 * One element of an If-Match list (RFC 9110 §8.8.3): `"opaque"` or `W/"opaque"`, between optional
 * whitespace, ending at a comma or the end. A comma inside the quotes belongs to the tag.
 */
const ENTITY_TAG_ELEMENT = /[ \t]*(?:(W\/)?"([\x21\x23-\x7e\x80-\xff]*)")?[ \t]*(,|$)/y;

function malformedIfMatch(): ValidationError {
  return new ValidationError([{ field: 'If-Match', message: 'must be * or a comma-separated list of entity tags such as "7"' }], false, 'If-Match is not an entity-tag list');
}

/**
 * If-Match → the versions it allows: `*` → any current version; absent → undefined; otherwise the
 * versions of its strong tags, compared strongly (RFC 9110 §13.1.1, §8.8.3.2): a weak tag
 * (`W/"7"`) or another spelling (`"07"`) names no version of ours, so it cannot match (412). A
 * value that is not an entity-tag list (`7`, `"7`, `*, "7"`) is a syntax error of the client's:
 * 400 naming the header rather than 412, which would tell the client its copy is stale and invite
 * a refetch and a retry that fails again in the same way.
 */
export function parseIfMatch(header: string | undefined): number | readonly number[] | 'any' | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return 'any';
  const versions: number[] = [];
  for (let at = 0; ; ) {
    ENTITY_TAG_ELEMENT.lastIndex = at;
    const element = ENTITY_TAG_ELEMENT.exec(header);
    if (!element) throw malformedIfMatch();
    const [, weak, opaque, end] = element;
    if (opaque !== undefined && !weak && /^[1-9][0-9]{0,14}$/.test(opaque)) versions.push(Number(opaque));
    if (end === '') break;
    at = ENTITY_TAG_ELEMENT.lastIndex;
  }
  return versions.length === 1 ? versions[0]! : versions;
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
