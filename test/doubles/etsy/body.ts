/*
 * Request bodies as Etsy reads them.
 *
 * The OAS gives createDraftListing, updateListing, tokenScopes and (Etsy's authentication page)
 * the token request `application/x-www-form-urlencoded`; updateListingInventory
 * `application/json`; uploadListingImage `multipart/form-data` (parsed by the images route).
 * Assumption: Etsy also accepts JSON where the OAS names only a form body; integrators are quoted
 * sending JSON to updateListing (etsy/open-api #897) and to the token endpoint (#549) and getting
 * ordinary answers, so JSON is read there too. Request logs keep which one the client used.
 *
 * Form arrays: the OAS calls `tags` "a comma-separated list"; a value is split on commas, and
 * repeated keys (`tags=a&tags=b`, `tags[]=a`) are read as several values too.
 */
import express, { type RequestHandler } from 'express';
import { apiError } from './errors';
import { recordOf } from './faults';

export type BodyFields = Record<string, unknown>;

export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function parseForm(text: string): BodyFields {
  const out: BodyFields = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    const seen = out[key];
    if (seen === undefined) out[key] = rawKey.endsWith('[]') ? [value] : value;
    else out[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** Parses form and JSON bodies into `req.body` (undefined for anything else) and logs them. */
export function bodyReader(): RequestHandler[] {
  const raw = express.raw({ type: ['application/x-www-form-urlencoded', 'application/json', 'application/*+json'], limit: '5mb' });
  const parse: RequestHandler = (req, res, next) => {
    const type = mediaType(req.headers['content-type']);
    const bytes = Buffer.isBuffer(req.body) ? req.body : null;
    req.body = undefined;
    if (!bytes) return next();
    const text = bytes.toString('utf8');
    if (type === 'application/x-www-form-urlencoded') {
      req.body = parseForm(text);
    } else if (text.trim() !== '') {
      try {
        req.body = JSON.parse(text);
      } catch {
        return next(apiError(400, 'The request body is not valid JSON'));
      }
    }
    recordOf(res).body = req.body;
    next();
  };
  return [raw, parse];
}

/** The body as an object of fields; a JSON array or scalar is refused. */
export function fieldsOf(body: unknown): BodyFields {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw apiError(400, 'The request body must be an object of parameters');
  return body as BodyFields;
}

/** A single string from a form or JSON value (the last one when a form key repeats). */
export function single(value: unknown): unknown {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value[value.length - 1] : value;
}

/** An integer query parameter, refused as Etsy refuses a bad parameter (400 naming it). */
export function queryInt(query: Record<string, unknown>, name: string, bounds: { min: number; max?: number; fallback?: number }): number | undefined {
  const raw = single(query[name]);
  if (raw === undefined || raw === '') return bounds.fallback;
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw apiError(400, `There was a problem with /${name} : must be an integer`);
  const value = Number(raw);
  if (value < bounds.min) throw apiError(400, `There was a problem with /${name} : must be >= ${bounds.min}`);
  if (bounds.max !== undefined && value > bounds.max) throw apiError(400, `There was a problem with /${name} : must be <= ${bounds.max}`);
  return value;
}

export function queryBool(query: Record<string, unknown>, name: string): boolean | undefined {
  const raw = single(query[name]);
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw apiError(400, `There was a problem with /${name} : must be a boolean`);
}

export function queryList(query: Record<string, unknown>, name: string): string[] {
  const raw = query[name];
  const parts = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return parts.flatMap((p) => String(p).split(',')).map((s) => s.trim()).filter(Boolean);
}
