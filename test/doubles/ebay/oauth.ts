/**
 * eBay's OAuth 2.0 identity service and the bearer check every API call makes.
 *
 * Followed: "Getting user consent" (api-docs/static/oauth-consent-request.html), "Exchanging the
 * authorization code for a User access token" (oauth-auth-code-grant-request.html), "Refreshing
 * a User access token" (oauth-refresh-token-request.html), "Client credentials grant"
 * (oauth-client-credentials-grant.html), and the securitySchemes of the OpenAPI documents
 * (authorizationUrl https://auth.ebay.com/oauth2/authorize, tokenUrl
 * https://api.ebay.com/identity/v1/oauth2/token).
 *
 * - Consent answers 302 to the RuName's accept URL with `state`, `code` and `expires_in=299`;
 *   the code is single-use and lives 299 s.
 * - The code grant answers `{access_token, expires_in: 7200, refresh_token,
 *   refresh_token_expires_in: 47304000, token_type: "User Access Token"}`; the refresh grant
 *   answers `{access_token, expires_in, token_type}`: eBay does not rotate refresh tokens.
 * - The client credentials grant answers `token_type: "Application Access Token"`.
 * Assumptions: a decline redirects to the RuName's declined URL with `state` and RFC 6749's
 * `error=access_denied`; an unknown client or RuName at consent is a 400 JSON error (eBay shows
 * an HTML page); an unknown scope at consent redirects with `error=invalid_scope`; the refresh
 * grant's `scope` may be omitted (the grant's scopes are used); a code redeemed with another
 * redirect_uri is `invalid_grant`.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { common, oauth, OAuthError, type EbayApiError } from './errors';
import { ebayOpaque, type AccessTokenRecord, type EbayState, type UserRecord } from './state';

const API_SCOPE = 'https://api.ebay.com/oauth/api_scope';
export const SCOPES = {
  api: API_SCOPE,
  inventory: `${API_SCOPE}/sell.inventory`,
  inventoryRead: `${API_SCOPE}/sell.inventory.readonly`,
  account: `${API_SCOPE}/sell.account`,
  accountRead: `${API_SCOPE}/sell.account.readonly`,
  fulfillment: `${API_SCOPE}/sell.fulfillment`,
  fulfillmentRead: `${API_SCOPE}/sell.fulfillment.readonly`,
  identity: `${API_SCOPE}/commerce.identity.readonly`,
  identityName: `${API_SCOPE}/commerce.identity.name.readonly`,
  identityEmail: `${API_SCOPE}/commerce.identity.email.readonly`,
  identityAddress: `${API_SCOPE}/commerce.identity.address.readonly`,
  identityPhone: `${API_SCOPE}/commerce.identity.phone.readonly`,
  notificationSubscription: `${API_SCOPE}/commerce.notification.subscription`,
  notificationSubscriptionRead: `${API_SCOPE}/commerce.notification.subscription.readonly`,
};

/** What a keyset is granted by default: the user scopes a Sell application gets. */
export const DEFAULT_USER_SCOPES = [API_SCOPE, ...['sell.marketing.readonly', 'sell.marketing', 'sell.inventory.readonly', 'sell.inventory', 'sell.account.readonly', 'sell.account', 'sell.fulfillment.readonly', 'sell.fulfillment', 'sell.analytics.readonly', 'sell.finances', 'sell.payment.dispute', 'commerce.identity.readonly', 'sell.reputation', 'sell.reputation.readonly', 'commerce.notification.subscription', 'commerce.notification.subscription.readonly', 'sell.stores', 'sell.stores.readonly'].map((s) => `${API_SCOPE}/${s}`)];
/** The client credentials grant mints application tokens for public data only. */
const APPLICATION_SCOPES = [API_SCOPE, `${API_SCOPE}/buy.guest.order`, `${API_SCOPE}/buy.item.feed`, `${API_SCOPE}/buy.marketing`, `${API_SCOPE}/buy.product.feed`, `${API_SCOPE}/buy.marketplace.insights`, `${API_SCOPE}/buy.proxy.guest.order`, `${API_SCOPE}/buy.item.bulk`, `${API_SCOPE}/buy.deal`];

export const ACCESS_TOKEN_TTL_S = 7200;
export const REFRESH_TOKEN_TTL_S = 47_304_000;
export const AUTH_CODE_TTL_S = 299;

export interface EbayAppConfig {
  clientId: string;
  clientSecret: string;
  /** The RuName: what the consent and code grant take as `redirect_uri`. */
  ruName: string;
  /** The RuName's "auth accepted URL"; may be set after start with `setAcceptUrl`. */
  acceptUrl?: string;
  /** The RuName's "auth declined URL". */
  declineUrl?: string;
  /** The user scopes the keyset may ask for. */
  scopes: string[];
}

/** Who consents at the next authorize request, and whether they click "I agree". */
export interface ConsentChoice {
  username?: string;
  decline?: boolean;
}

export function oauthRoutes(state: EbayState, app: EbayAppConfig, consent: () => ConsentChoice): Router {
  const router = Router();

  router.get('/oauth2/authorize', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.client_id !== app.clientId) throw new OAuthError(400, 'invalid_client', 'unknown client_id');
    if (q.redirect_uri !== app.ruName) throw new OAuthError(400, 'invalid_request', 'redirect_uri is not a RuName of this client');
    if (q.response_type !== 'code') throw new OAuthError(400, 'unsupported_response_type', 'response_type must be code');
    const choice = consent();
    const target = choice.decline ? app.declineUrl : app.acceptUrl;
    if (!target) throw new OAuthError(500, 'server_error', `the RuName has no ${choice.decline ? 'declined' : 'accepted'} URL: call setAcceptUrl`);
    const redirect = new URL(target);
    if (q.state !== undefined) redirect.searchParams.set('state', q.state);
    const scopes = (q.scope ?? '').split(/\s+/).filter(Boolean);
    if (choice.decline) {
      redirect.searchParams.set('error', 'access_denied');
      redirect.searchParams.set('error_description', 'The user declined the grant');
      return res.redirect(302, redirect.toString());
    }
    if (!scopes.length || scopes.some((s) => !app.scopes.includes(s))) {
      redirect.searchParams.set('error', 'invalid_scope');
      redirect.searchParams.set('error_description', oauth.invalidScope().description);
      return res.redirect(302, redirect.toString());
    }
    const user = choice.username ? state.userByName(choice.username) : state.users.values().next().value;
    if (!user) throw new OAuthError(500, 'server_error', `no such user ${choice.username ?? '(none seeded)'}`);
    const code = ebayOpaque('v^1.1#i^1#f^0#p^3#I^3#r^1#t^Ul41XzQ6', 48);
    state.authCodes.set(code, { clientId: app.clientId, ruName: app.ruName, userId: user.userId, scopes, expiresAt: state.now().getTime() + AUTH_CODE_TTL_S * 1000, used: false });
    redirect.searchParams.set('code', code);
    redirect.searchParams.set('expires_in', String(AUTH_CODE_TTL_S));
    res.redirect(302, redirect.toString());
  });

  router.post('/identity/v1/oauth2/token', (req, res) => {
    checkClient(req, app);
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) throw oauth.invalidRequest();
    const form = new URLSearchParams(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    const now = state.now().getTime();
    res.setHeader('Cache-Control', 'no-store');
    switch (form.get('grant_type')) {
      case 'authorization_code': {
        const code = form.get('code');
        const redirectUri = form.get('redirect_uri');
        if (!code || !redirectUri) throw oauth.invalidRequest();
        const record = state.authCodes.get(code);
        if (!record || record.used || record.expiresAt <= now || record.clientId !== app.clientId || record.ruName !== redirectUri) throw oauth.invalidCode();
        record.used = true;
        const tokens = issueUserTokens(state, app.clientId, state.user(record.userId), record.scopes);
        return res.json({ access_token: tokens.accessToken, expires_in: ACCESS_TOKEN_TTL_S, refresh_token: tokens.refreshToken, refresh_token_expires_in: REFRESH_TOKEN_TTL_S, token_type: 'User Access Token' });
      }
      case 'refresh_token': {
        const token = form.get('refresh_token');
        if (!token) throw oauth.invalidRequest();
        const record = state.refreshTokens.get(token);
        const grant = record ? state.grants.get(record.grantId) : undefined;
        if (!record || !grant || record.revoked || grant.revoked || record.expiresAt <= now || grant.clientId !== app.clientId) throw oauth.invalidRefreshToken();
        const asked = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
        if (asked.some((s) => !grant.scopes.includes(s))) throw oauth.invalidScope();
        const accessToken = mintAccessToken(state, { kind: 'user', clientId: app.clientId, scopes: asked.length ? asked : grant.scopes, userId: grant.userId, grantId: grant.grantId });
        return res.json({ access_token: accessToken, expires_in: ACCESS_TOKEN_TTL_S, token_type: 'User Access Token' });
      }
      case 'client_credentials': {
        const asked = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
        if (!asked.length) throw oauth.invalidRequest();
        if (asked.some((s) => !APPLICATION_SCOPES.includes(s))) throw oauth.invalidScope();
        return res.json({ access_token: issueApplicationToken(state, app.clientId, asked), expires_in: ACCESS_TOKEN_TTL_S, token_type: 'Application Access Token' });
      }
      case null:
        throw oauth.invalidRequest();
      default:
        throw oauth.unsupportedGrantType();
    }
  });

  return router;
}

function checkClient(req: Request, app: EbayAppConfig): void {
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw oauth.invalidClient();
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || decoded.slice(0, colon) !== app.clientId || decoded.slice(colon + 1) !== app.clientSecret) throw oauth.invalidClient();
}

function mintAccessToken(state: EbayState, record: Omit<AccessTokenRecord, 'expiresAt' | 'revoked'>): string {
  const prefix = record.kind === 'user' ? 'v^1.1#i^1#p^3#I^3#r^1#f^0#t^H4sIAAAAAAAA' : 'v^1.1#i^1#p^1#I^3#r^0#f^0#t^H4sIAAAAAAAA';
  const token = ebayOpaque(prefix, 180);
  state.accessTokens.set(token, { ...record, expiresAt: state.now().getTime() + ACCESS_TOKEN_TTL_S * 1000, revoked: false });
  return token;
}

/** A grant as the code grant makes it: a refresh token and a first access token. */
export function issueUserTokens(state: EbayState, clientId: string, user: UserRecord, scopes: string[]): { accessToken: string; refreshToken: string } {
  const grantId = `grant-${state.next()}`;
  state.grants.set(grantId, { grantId, userId: user.userId, clientId, scopes, revoked: false });
  const refreshToken = ebayOpaque('v^1.1#i^1#p^3#r^1#I^3#f^0#t^Ul4xMF8', 72);
  state.refreshTokens.set(refreshToken, { grantId, expiresAt: state.now().getTime() + REFRESH_TOKEN_TTL_S * 1000, revoked: false });
  return { accessToken: mintAccessToken(state, { kind: 'user', clientId, scopes, userId: user.userId, grantId }), refreshToken };
}

export function issueApplicationToken(state: EbayState, clientId: string, scopes: string[]): string {
  return mintAccessToken(state, { kind: 'application', clientId, scopes });
}

/**
 * The bearer check of an operation: `kind` of token and any one of `scopes` (the operation's
 * `security` list). Sets `res.locals.token` and, for user tokens, `res.locals.user`.
 */
export function bearer(state: EbayState, kind: 'user' | 'application', ...scopes: string[]): RequestHandler {
  return (req, res, next) => {
    const token = authenticate(state, req.headers.authorization);
    if (token.kind !== kind || !scopes.some((s) => token.scopes.includes(s))) throw common.accessDenied();
    res.locals.token = token;
    if (token.userId) res.locals.user = state.user(token.userId);
    next();
  };
}

/**
 * The bearer check of an operation either kind of token may call (the Notification API's
 * subscription methods take an application token or a user token): any one of `scopes`.
 */
export function bearerAny(state: EbayState, ...scopes: string[]): RequestHandler {
  return (req, res, next) => {
    const token = authenticate(state, req.headers.authorization);
    if (!scopes.some((s) => token.scopes.includes(s))) throw common.accessDenied();
    res.locals.token = token;
    if (token.userId) res.locals.user = state.user(token.userId);
    next();
  };
}

function authenticate(state: EbayState, header: string | undefined): AccessTokenRecord {
  if (!header?.trim()) throw common.missingToken();
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() !== 'bearer') throw common.badScheme(scheme ?? '');
  const token = value ? state.accessTokens.get(value) : undefined;
  const grant = token?.grantId ? state.grants.get(token.grantId) : undefined;
  if (!token || token.revoked || token.expiresAt <= state.now().getTime() || grant?.revoked) throw common.invalidToken() as EbayApiError;
  return token;
}
