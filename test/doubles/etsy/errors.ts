/*
 * Etsy's error shapes.
 *
 * The Open API v3 document (OAS 3.0.0, the copy Etsy generates at
 * etsy.com/openapi/generated/oas/3.0.0.json, read in its 2023-06 and 2026-05 versions) gives every
 * 4xx/5xx answer of /v3/application the `ErrorSchema`: `{ "error": string }`, required `error`.
 * OAuth answers (the token endpoint, and `invalid_token`/`insufficient_scope` on API calls) carry
 * `{ error, error_description }` as RFC 6749/6750 do; the descriptions used here are the ones
 * integrators have quoted from Etsy in the etsy/open-api issue tracker ("access token is expired",
 * "refresh_token is revoked", "code_verifier is required", "Insufficient scope").
 *
 * Field validation messages follow the pattern Etsy is quoted answering with
 * (`There was a problem with /tags : You may not have duplicate tags.`, etsy/open-api #557, #419);
 * the wording after the colon is ours wherever no quote was found.
 */
import type { ErrorRequestHandler } from 'express';

export class EtsyHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.error === 'string' ? body.error : `HTTP ${status}`);
  }
}

/** `{ error }`, the OAS ErrorSchema. */
export function apiError(status: number, message: string, headers?: Record<string, string>): EtsyHttpError {
  return new EtsyHttpError(status, { error: message }, headers);
}

/** `{ error, error_description }`, as OAuth errors are answered. */
export function oauthError(status: number, error: string, description: string): EtsyHttpError {
  return new EtsyHttpError(status, { error, error_description: description });
}

/** A 400 naming the offending field as a JSON pointer, in Etsy's words. */
export function fieldError(field: string, message: string): EtsyHttpError {
  return apiError(400, `There was a problem with /${field} : ${message}`);
}

/** Default bodies for injected statuses. 500's "Server Error" is the body Etsy is quoted sending. */
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? `HTTP ${status}`;
}

/** A path parameter that must be a positive integer (the OAS gives every id `minimum: 1`). */
export function positiveId(param: string | string[] | undefined, name: string): number {
  const raw = Array.isArray(param) ? param[0] : param;
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1) {
    throw fieldError(name, 'must be a positive integer');
  }
  return Number(raw);
}

export const errorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  if (err instanceof EtsyHttpError) {
    for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
    res.status(err.status).json(err.body);
    return;
  }
  const code = (err as { code?: string }).code;
  if (code === 'LIMIT_FILE_SIZE') {
    res.status(400).json({ error: 'There was a problem with /image : the file is too large' });
    return;
  }
  if (typeof code === 'string' && code.startsWith('LIMIT_')) {
    res.status(400).json({ error: `There was a problem with the multipart body : ${(err as Error).message}` });
    return;
  }
  const type = (err as { type?: string }).type;
  if (type === 'entity.parse.failed' || type === 'entity.too.large') {
    res.status(400).json({ error: 'The request body could not be parsed' });
    return;
  }
  res.status(500).json({ error: 'Server Error' });
};
