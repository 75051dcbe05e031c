/** Small request helpers the API routers share. */
import type { Request, Response } from 'express';
import { common } from './errors';
import type { UserRecord } from './state';

/** The raw body the double keeps for every request (express.raw runs first). */
export function rawBody(req: Request): string {
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
}

/**
 * The JSON body of an operation whose OAS requires `Content-Type: application/json`.
 * Assumption: a missing or other Content-Type, and unreadable JSON, are the common 2004 error.
 */
export function jsonBody(req: Request): unknown {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw common.invalidRequest('Content-Type must be application/json');
  const text = rawBody(req);
  if (!text.trim()) throw common.invalidRequest('Could not serialize request body');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw common.invalidRequest('Could not serialize request body: malformed JSON');
  }
}

/** The user whose token authorised this request (set by `bearer`). */
export function userOf(res: Response): UserRecord {
  return res.locals.user as UserRecord;
}

/** A string query parameter (Express may give arrays for repeated keys: the first wins). */
export function queryParam(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** A non-negative integer query parameter, `undefined` when absent, `null` when malformed. */
export function intParam(req: Request, name: string): number | undefined | null {
  const value = queryParam(req, name);
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : null;
}

/** The URL of this request with some query parameters replaced, for `href`, `next` and `prev`. */
export function selfUrl(req: Request, changes: Record<string, string | undefined> = {}): string {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.headers.host ?? '127.0.0.1'}`);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  return url.toString();
}
