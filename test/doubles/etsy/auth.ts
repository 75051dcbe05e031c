/*
 * The checks every /v3/application call passes: the API key, the rate limits, and for scoped
 * operations the bearer token and its scopes.
 *
 * x-api-key: Etsy's OAS (2026) says every request "must include this data in the format
 * `keystring:shared_secret`". The two messages below are the ones an integrator recorded from
 * openapi.etsy.com, both with status 403: a value without a colon (a bare keystring, or none),
 * and an unknown keystring or a wrong secret. Assumption: a missing header is answered like a
 * malformed one (another integrator quotes "Shared secret is required in x-api-key header",
 * also 403, for a bare keystring; the first wording is kept).
 *
 * Authorization: `Bearer <user_id>.<token>` (essentials/requests). A scoped operation without it,
 * or with an unknown, expired or revoked token, answers 401 `invalid_token` (the expired wording
 * is quoted in etsy/open-api #519; "access token is missing" is ours); a token lacking the scope
 * answers 403 `{ error: "insufficient_scope", error_description: "Insufficient scope" }` (#598).
 * Assumption: a token issued to another app's keystring is answered like an unknown token.
 *
 * Rate limits are keyed as the rate-limits page says: by access token when one is presented,
 * otherwise by API key; a request refused for its key consumes no quota.
 */
import type { RequestHandler, Response } from 'express';
import { apiError, oauthError } from './errors';
import type { RateLimiter } from './limits';
import { rateLimitMessage } from './limits';
import type { Grant, TokenStore } from './tokens';

export const MALFORMED_KEY = "Invalid API key: should be in the format 'keystring:shared_secret'.";
export const UNKNOWN_KEY = 'API key not found or not active, or incorrect shared secret for API key.';

/** Scopes Etsy defines (OAS securitySchemes.oauth2.flows.authorizationCode.scopes). */
export const SCOPES = [
  'address_r', 'address_w', 'billing_r', 'cart_r', 'cart_w', 'email_r', 'favorites_r', 'favorites_w', 'feedback_r',
  'listings_d', 'listings_r', 'listings_w', 'profile_r', 'profile_w', 'recommend_r', 'recommend_w', 'shops_r', 'shops_w',
  'transactions_r', 'transactions_w',
];

export interface RegisteredApp {
  keystring: string;
  sharedSecret: string;
  redirectUris: string[];
}

export interface Caller {
  userId: number;
  grant: Grant;
  token: string;
}

function bearerOf(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/** x-api-key, then the rate limits; also notes a valid bearer token, if any, for later checks. */
export function apiGate(app: RegisteredApp, tokens: TokenStore, limiter: RateLimiter): RequestHandler {
  return (req, res, next) => {
    const key = req.headers['x-api-key'];
    const value = Array.isArray(key) ? key[0] : key;
    if (!value || !value.includes(':')) return next(apiError(403, MALFORMED_KEY));
    const colon = value.indexOf(':');
    if (value.slice(0, colon) !== app.keystring || value.slice(colon + 1) !== app.sharedSecret) return next(apiError(403, UNKNOWN_KEY));
    const bearer = bearerOf(req.headers.authorization);
    const decision = limiter.take(bearer ? `token:${bearer}` : `key:${app.keystring}`);
    if (!decision.ok) {
      return next(apiError(429, rateLimitMessage(decision.which), { 'retry-after': String(decision.retryAfterSeconds) }));
    }
    for (const [name, v] of Object.entries(decision.headers)) res.setHeader(name, v);
    res.locals.bearer = bearer;
    next();
  };
}

function callerFrom(res: Response, tokens: TokenStore, app: RegisteredApp): Caller {
  const token = res.locals.bearer as string | null;
  if (!token) throw oauthError(401, 'invalid_token', 'access token is missing');
  const { grant } = tokens.verifyAccess(token);
  if (grant.clientId !== app.keystring) throw oauthError(401, 'invalid_token', 'access token is invalid');
  return { userId: grant.userId, grant, token };
}

/** The operation needs a user token with every one of `scopes`. */
export function requireScopes(tokens: TokenStore, app: RegisteredApp, ...scopes: string[]): RequestHandler {
  return (_req, res, next) => {
    const caller = callerFrom(res, tokens, app);
    if (!scopes.every((s) => caller.grant.scopes.includes(s))) throw oauthError(403, 'insufficient_scope', 'Insufficient scope');
    res.locals.caller = caller;
    next();
  };
}

/** A public operation that shows more to the owner: the caller when a valid token came, else null. */
export function optionalCaller(tokens: TokenStore, app: RegisteredApp): RequestHandler {
  return (_req, res, next) => {
    try {
      res.locals.caller = res.locals.bearer ? callerFrom(res, tokens, app) : null;
    } catch {
      res.locals.caller = null;
    }
    next();
  };
}

export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}
