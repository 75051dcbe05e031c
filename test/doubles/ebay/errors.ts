/**
 * eBay's error shapes, as the double answers them.
 *
 * REST errors follow the ErrorData type of "Handling error messages"
 * (developer.ebay.com/api-docs/static/handling-error-messages.html) and the Error schema of
 * every OpenAPI document used here (Inventory v1.17.4, Account v1.9.2, Fulfillment v1.20.4,
 * Notification v1.5.1, Identity): `{errors: [{errorId, domain, subdomain?, category, message,
 * longMessage?, inputRefIds?, outputRefIds?, parameters?: [{name, value}]}]}`.
 *
 * The common errors (1001, 1002, 1003, 1100, 2001, 2004) come from the "API Response Status
 * Errors" page (developer.ebay.com/develop/api/sell/error_codes); the per-API ids come from the
 * `x-response-codes` of each operation in the OpenAPI documents. Where neither gives an id the
 * helper says so in its comment.
 *
 * OAuth errors of the identity service are the RFC 6749 shape `{error, error_description}`;
 * the descriptions are the texts eBay answers (as quoted in eBay's OAuth pages and in real
 * responses), e.g. "the provided authorization refresh token is invalid or was issued to
 * another client".
 */
import type { Response } from 'express';

export type ErrorCategory = 'REQUEST' | 'APPLICATION' | 'BUSINESS';

export interface ErrorParameter {
  name: string;
  value: string;
}

export interface EbayErrorData {
  errorId: number;
  domain: string;
  subdomain?: string;
  category: ErrorCategory;
  message: string;
  longMessage?: string;
  inputRefIds?: string[];
  outputRefIds?: string[];
  parameters?: ErrorParameter[];
}

/** An eBay REST error answer: an HTTP status with one or more ErrorData entries. */
export class EbayApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: EbayErrorData[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((e) => `${e.errorId} ${e.message}`).join('; '));
  }
}

/** An OAuth error answer of the token or consent endpoint. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

export function sendEbayError(res: Response, err: EbayApiError): void {
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  res.status(err.status).json({ errors: err.errors });
}

export function sendOAuthError(res: Response, err: OAuthError): void {
  res.setHeader('Cache-Control', 'no-store');
  res.status(err.status).json({ error: err.error, error_description: err.description });
}

// ---- Common errors (error_codes page) ----

export const common = {
  /** 400, 1002: no Authorization header (the page lists it under HTTP 400). */
  missingToken: () =>
    new EbayApiError(400, [{ errorId: 1002, domain: 'OAuth', category: 'REQUEST', message: 'Missing access token', longMessage: 'Access token is missing in the Authorization HTTP request header.' }]),
  /** 400, 1003: a scheme other than Bearer. */
  badScheme: (scheme: string) =>
    new EbayApiError(400, [{ errorId: 1003, domain: 'OAuth', category: 'REQUEST', message: `Token type in the Authorization header is invalid:${scheme}`, longMessage: `Token type in the Authorization header is invalid:${scheme}` }]),
  /** 401, 1001: unknown, expired or revoked token. */
  invalidToken: () =>
    new EbayApiError(401, [{ errorId: 1001, domain: 'OAuth', category: 'REQUEST', message: 'Invalid access token', longMessage: 'Invalid access token. Check the value of the Authorization HTTP request header.' }], { 'WWW-Authenticate': 'Bearer' }),
  /** 403, 1100: the token lacks the operation's scope (or is the wrong kind of token). */
  accessDenied: () =>
    new EbayApiError(403, [{ errorId: 1100, domain: 'ACCESS', category: 'REQUEST', message: 'Access denied', longMessage: 'Insufficient permissions to fulfill the request.' }]),
  /** 429, 2001: call limit reached. */
  tooManyRequests: () =>
    new EbayApiError(429, [{ errorId: 2001, domain: 'ACCESS', category: 'REQUEST', message: 'Too many requests', longMessage: 'The request limit has been reached for the resource.' }]),
  /**
   * 400, 2004: the body could not be read into the operation's types. eBay answers this for a
   * JSON type mismatch or an unknown enumeration value, with the field in a `reason` parameter
   * ("Could not serialize field [condition]"); the reason texts for unreadable JSON and a wrong
   * Content-Type are assumptions.
   */
  invalidRequest: (reason: string) =>
    new EbayApiError(400, [{ errorId: 2004, domain: 'ACCESS', category: 'REQUEST', message: 'Invalid request', longMessage: 'The request has errors. For help, see the documentation for this API.', parameters: [{ name: 'reason', value: reason }] }]),
  /** 404 for a path no operation serves. The id 2002 is invented: the pages give none. */
  noSuchResource: (path: string) =>
    new EbayApiError(404, [{ errorId: 2002, domain: 'ACCESS', category: 'REQUEST', message: 'Resource not found', longMessage: `No resource matches ${path}.` }]),
};

// ---- Per-API errors (x-response-codes of the OpenAPI documents) ----

/** An error of one API: `domain` and `subdomain` as eBay fills them. */
export function apiError(api: ApiDomain, status: number, errorId: number, message: string, parameters?: ErrorParameter[], longMessage?: string): EbayApiError {
  return new EbayApiError(status, [apiErrorData(api, errorId, message, parameters, longMessage)]);
}

export type ApiDomain = 'API_INVENTORY' | 'API_ACCOUNT' | 'API_FULFILLMENT' | 'API_NOTIFICATION' | 'API_IDENTITY' | 'API_METADATA';

export function apiErrorData(api: ApiDomain, errorId: number, message: string, parameters?: ErrorParameter[], longMessage?: string, category: ErrorCategory = 'REQUEST'): EbayErrorData {
  const data: EbayErrorData = { errorId, domain: api, category, message };
  // eBay fills `subdomain: "Selling"` on the Sell APIs' errors (seen in real answers).
  if (api === 'API_INVENTORY' || api === 'API_ACCOUNT' || api === 'API_FULFILLMENT') data.subdomain = 'Selling';
  if (longMessage) data.longMessage = longMessage;
  if (parameters?.length) data.parameters = parameters;
  return data;
}

/**
 * The system error each API documents for 500 (Inventory 25001, Account 20500, Fulfillment
 * 30500, Notification 195000, Identity 140000, Metadata 46000). The double also answers it for an injected 503,
 * for which the documents give no id.
 */
export function systemError(api: ApiDomain, status: number): EbayApiError {
  const ids: Record<ApiDomain, [number, string]> = {
    API_INVENTORY: [25001, 'A system error has occurred.'],
    API_ACCOUNT: [20500, 'System error.'],
    API_FULFILLMENT: [30500, 'System error'],
    API_NOTIFICATION: [195000, 'There was a problem with an eBay internal system or process. Contact eBay developer support for assistance.'],
    API_IDENTITY: [140000, 'There was a problem with an eBay internal system or process. Contact eBay developer support for assistance.'],
    API_METADATA: [46000, 'There was a problem with an eBay internal system or process. Contact eBay developer support for assistance.'],
  };
  const [errorId, message] = ids[api];
  return new EbayApiError(status, [apiErrorData(api, errorId, message, undefined, undefined, 'APPLICATION')]);
}

/** The API a path belongs to, for system errors of injected faults. */
export function apiOfPath(path: string): ApiDomain | 'OAUTH' | undefined {
  if (path.startsWith('/sell/inventory/')) return 'API_INVENTORY';
  if (path.startsWith('/sell/account/')) return 'API_ACCOUNT';
  if (path.startsWith('/sell/fulfillment/')) return 'API_FULFILLMENT';
  if (path.startsWith('/sell/metadata/')) return 'API_METADATA';
  if (path.startsWith('/commerce/notification/')) return 'API_NOTIFICATION';
  if (path.startsWith('/commerce/identity/')) return 'API_IDENTITY';
  if (path.startsWith('/identity/v1/oauth2/') || path.startsWith('/oauth2/')) return 'OAUTH';
  return undefined;
}

// ---- OAuth errors (eBay's identity service) ----

export const oauth = {
  /** 401: missing or wrong Basic credentials. */
  invalidClient: () => new OAuthError(401, 'invalid_client', 'client authentication failed'),
  invalidRequest: (detail?: string) => new OAuthError(400, 'invalid_request', detail ?? 'request is missing a required parameter or malformed.'),
  unsupportedGrantType: () => new OAuthError(400, 'unsupported_grant_type', 'grant type in request is not supported by the authorization server'),
  invalidCode: () => new OAuthError(400, 'invalid_grant', 'the provided authorization grant code is invalid or was issued to another client'),
  invalidRefreshToken: () => new OAuthError(400, 'invalid_grant', 'the provided authorization refresh token is invalid or was issued to another client'),
  invalidScope: () => new OAuthError(400, 'invalid_scope', 'The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client'),
};
