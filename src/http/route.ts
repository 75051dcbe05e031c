import type { Request, Response, Router, RequestHandler } from 'express';
import { z } from 'zod';
import { ValidationError } from '../shared/errors';
import { unstorableText, withStorableText } from '../shared/text';
import { parseOrThrow } from './validate';

/** Who is calling: always taken from the verified access token, never from the request body. */
export interface AuthContext {
  userId: string;
  tenantId: number;
  role: string;
  tokenId: string;
  /** Set when the caller is a paired browser extension (`Authorization: Device …`): the device's id. */
  deviceId?: string;
  /** Set when the caller is a consumer key (`Authorization: Bearer sfk_…`, the event feed only): the key's id. */
  consumerKeyId?: string;
}

export interface RouteContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  auth: AuthContext;
  requestId: string;
  req: Request;
  res: Response;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** A JSON body already serialised (a stored answer replayed): sent byte for byte. */
  json?: string;
  headers?: Record<string, string>;
}

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<B = unknown, Q = unknown, P = unknown> {
  method: Method;
  /** OpenAPI-style path: `/api/products/{id}`. */
  path: string;
  summary: string;
  tags: string[];
  /** Requires a bearer access token (default true). */
  auth?: boolean;
  /** Authenticated by another credential than the bearer token (the extension's device token). */
  authenticator?: RouteAuthenticator;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Request headers worth documenting (If-Match, Idempotency-Key…). */
  headers?: { name: string; description: string; required?: boolean }[];
  /** Non-JSON request body (multipart uploads), documented as is. */
  rawBody?: { contentType: string; schema: Record<string, unknown> };
  /** Express middleware to run before validation (multipart parsing…). */
  before?: RequestHandler[];
  /**
   * What a marketplace reports (through its webhook or the seller's extension) is cleaned rather
   * than refused: each NUL and unpaired surrogate becomes U+FFFD, since a sale must be recorded
   * whatever its text, and refusing the whole report would have it sent again for ever.
   * Everything else a client sends is refused with the field named (the default).
   */
  unstorableText?: 'refuse' | 'clean';
  responses: Record<number, ResponseSpec>;
  /** Returns a reply, or undefined when the handler wrote the response itself (streams). */
  handle(ctx: RouteContext<B, Q, P>): Promise<Reply | undefined>;
}

/** Identity helper that lets TypeScript infer B, Q and P from the schemas. */
export function defineRoute<B = undefined, Q = undefined, P = undefined>(spec: RouteSpec<B, Q, P>): RouteSpec<B, Q, P> {
  return spec;
}

export type Authenticate = (req: Request) => Promise<AuthContext>;

/** A credential of its own: how the OpenAPI document names and describes it, and how it is checked. */
export interface RouteAuthenticator {
  /** The key under `components.securitySchemes`. */
  scheme: string;
  /** The OpenAPI security scheme object. */
  securityScheme: Record<string, unknown>;
  /** Schemes declared elsewhere (`bearerAuth`) that the route accepts as well: OpenAPI lists each as an alternative. */
  alternatives?: string[];
  authenticate: Authenticate;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any>;

/** The Express path of an OpenAPI-style one: `/api/products/{id}` → `/api/products/:id`. */
export function expressPath(path: string): string {
  return path.replace(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g, ':$1');
}

/** Sends a reply: JSON bodies as application/json, problems are sent by the error middleware. */
export function sendReply(res: Response, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.json !== undefined) res.status(reply.status).type('application/json').send(reply.json);
  else if (reply.body === undefined) res.status(reply.status).end();
  else res.status(reply.status).json(reply.body);
}

/** Every text of a request, whatever its schema says, must be storable: one check for all routes. */
function refuseUnstorableText(req: Request, policy: 'refuse' | 'clean'): void {
  if (policy === 'clean' && req.body !== undefined && !Buffer.isBuffer(req.body) && unstorableText(req.body, 'body').length > 0) {
    req.body = JSON.parse(JSON.stringify(req.body), withStorableText) as unknown;
  }
  const problems = [...unstorableText(req.params, 'path'), ...unstorableText(req.query ?? {}, 'query'), ...unstorableText(req.body, 'body')];
  if (problems.length > 0) throw new ValidationError(problems);
}

export function mountRoute(router: Router, route: AnyRoute, authenticate: Authenticate): void {
  // Authentication runs before any body parsing of the route's own (uploads are not read for strangers).
  const check = route.authenticator?.authenticate ?? authenticate;
  const authenticated: RequestHandler = (req, res, next) => {
    check(req).then(
      (auth) => {
        res.locals.auth = auth;
        next();
      },
      (err: unknown) => next(err),
    );
  };
  const handler: RequestHandler = async (req, res, next) => {
    try {
      refuseUnstorableText(req, route.unstorableText ?? 'refuse');
      const ctx: RouteContext<unknown, unknown, unknown> = {
        params: route.params ? parseOrThrow(route.params, req.params, 'path') : req.params,
        query: route.query ? parseOrThrow(route.query, req.query ?? {}, 'query') : req.query,
        body: route.body ? parseOrThrow(route.body, req.body ?? {}, 'body') : req.body,
        auth: res.locals.auth as AuthContext,
        requestId: String(res.locals.requestId ?? ''),
        req,
        res,
      };
      const reply = await route.handle(ctx);
      if (reply) sendReply(res, reply);
    } catch (err) {
      next(err);
    }
  };
  const chain = [...(route.auth === false && !route.authenticator ? [] : [authenticated]), ...(route.before ?? []), handler];
  router[route.method](expressPath(route.path), ...chain);
}
