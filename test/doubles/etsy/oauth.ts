/*
 * OAuth 2.0 authorization code grant with PKCE, as developers.etsy.com/documentation/essentials/
 * authentication describes it.
 *
 * Step 1, `GET https://www.etsy.com/oauth/connect` with response_type=code, client_id (the app's
 * keystring), redirect_uri (exactly one of the app's registered callback URLs), scope
 * (space-separated), state, code_challenge and code_challenge_method=S256. The seller's consent
 * is simulated: the double 302-redirects to redirect_uri with `code` and `state`, or with
 * `error=access_denied` when the consent was set to decline. An unknown client or an
 * unregistered redirect URI is answered with an error page and no redirect (RFC 6749 §4.1.2.1);
 * "The requested redirect URL is not permitted." is the text Etsy is quoted showing (#331).
 * Other request errors redirect with `error`, `error_description` and `state` (RFC 6749
 * §4.1.2.1 codes; descriptions ours).
 *
 * Step 2, `POST https://api.etsy.com/v3/public/oauth/token`: grant_type=authorization_code with
 * client_id, redirect_uri, code and code_verifier — the verifier must hash (SHA-256, base64url,
 * RFC 7636 §4.6) to the challenge — or grant_type=refresh_token with client_id and refresh_token.
 * Both answer `{ access_token, token_type: "Bearer", expires_in: 3600, refresh_token }`. Errors are
 * `{ error, error_description }` with 400 (401 for an unknown client_id, RFC 6749 §5.2); quoted
 * texts: "code_verifier is required", "code_verifier is invalid", "refresh_token is revoked".
 * The token endpoint is not rate limited here, and takes the x-api-key header every call carries without checking it (Etsy's pages differ on whether it needs it).
 *
 * Assumptions: redirect URIs are compared exactly, and http:// ones are accepted (Etsy asks for
 * https callbacks; a test's callback listens on 127.0.0.1); `scope` may also be separated by
 * `+`; a failed verifier check leaves the code usable (Etsy documents nothing either way).
 *
 * Also tokenScopes (`POST /v3/application/scopes`, OAS): the scopes of a token.
 */
import { createHash } from 'node:crypto';
import express, { type Router } from 'express';
import { fieldsOf, single } from './body';
import { apiError, oauthError } from './errors';
import { SCOPES, type RegisteredApp } from './auth';
import type { EtsyState } from './state';
import type { TokenStore } from './tokens';

export interface ConsentBehaviour {
  /** The seller who grants access; the first seeded user when not set. */
  userId?: number;
  /** false: the seller declines. */
  approve?: boolean;
  /** Scopes actually granted (Etsy's consent screen grants what was asked; this narrows it). */
  scopes?: string[];
}

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function errorPage(message: string): string {
  return `<!doctype html><html><body><h1>An error occurred</h1><p>${message}</p></body></html>`;
}

export function consentRouter(app: RegisteredApp, state: EtsyState, tokens: TokenStore, consent: () => ConsentBehaviour): Router {
  const router = express.Router();
  router.get('/oauth/connect', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const str = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : undefined);
    if (str('client_id') !== app.keystring) {
      res.status(400).type('html').send(errorPage('The application could not be found; check the client_id.'));
      return;
    }
    const redirectUri = str('redirect_uri');
    if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
      res.status(400).type('html').send(errorPage('The requested redirect URL is not permitted.'));
      return;
    }
    const stateParam = str('state');
    const back = (params: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      if (stateParam !== undefined) target.searchParams.set('state', stateParam);
      res.redirect(302, target.toString());
    };
    const fail = (error: string, description: string) => back({ error, error_description: description });

    if (str('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    if (!stateParam) return fail('invalid_request', 'state is required');
    const challenge = str('code_challenge');
    if (!challenge || !CHALLENGE.test(challenge)) return fail('invalid_request', 'code_challenge is required and must be a base64url SHA-256 digest');
    if (str('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    const asked = (str('scope') ?? '').split(/[\s+]+/).filter(Boolean);
    if (asked.length === 0) return fail('invalid_scope', 'scope is required');
    const unknown = asked.find((s) => !SCOPES.includes(s));
    if (unknown) return fail('invalid_scope', `unknown scope: ${unknown}`);

    const behaviour = consent();
    if (behaviour.approve === false) return fail('access_denied', 'The user denied the request');
    const userId = behaviour.userId ?? [...state.users.keys()][0];
    if (userId === undefined || !state.users.has(userId)) return fail('server_error', 'no such user to grant access');
    const granted = behaviour.scopes ? asked.filter((s) => behaviour.scopes!.includes(s)) : asked;
    back({ code: tokens.issueCode(userId, app.keystring, granted, redirectUri, challenge) });
  });
  return router;
}

function text(fields: Record<string, unknown>, name: string): string | undefined {
  const value = single(fields[name]);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function tokenRouter(app: RegisteredApp, tokens: TokenStore): Router {
  const router = express.Router();
  router.post('/v3/public/oauth/token', (req, res) => {
    const fields = fieldsOf(req.body);
    const required = (name: string) => {
      const value = text(fields, name);
      if (value === undefined) throw oauthError(400, 'invalid_request', `${name} is required`);
      return value;
    };
    const grantType = required('grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      throw oauthError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`);
    }
    const clientId = required('client_id');
    if (clientId !== app.keystring) throw oauthError(401, 'invalid_client', 'client_id is invalid');
    res.setHeader('cache-control', 'no-store');
    if (grantType === 'refresh_token') {
      res.json(tokens.refreshPair(required('refresh_token'), clientId));
      return;
    }
    const redirectUri = required('redirect_uri');
    const code = required('code');
    const verifier = required('code_verifier');
    const grant = tokens.redeemCode(code, clientId, redirectUri, (challenge) => s256(verifier) === challenge);
    res.json(tokens.issuePair(grant, null));
  });
  return router;
}

/** tokenScopes: `POST /v3/application/scopes` with `token`, behind the API key. */
export function scopesRouter(tokens: TokenStore): Router {
  const router = express.Router();
  router.post('/v3/application/scopes', (req, res) => {
    const token = text(fieldsOf(req.body), 'token');
    if (!token) throw apiError(400, 'There was a problem with /token : is required');
    const { grant } = tokens.verifyAccess(token);
    res.json({ scopes: grant.scopes });
  });
  return router;
}
