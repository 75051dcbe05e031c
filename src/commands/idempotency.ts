import { createHash } from 'node:crypto';
import type { Reply } from '../http/route';
import type { Queryable } from '../infra/db/postgres';
import { tenantTable } from '../infra/db/tenancy';
import { ValidationError } from '../shared/errors';

/**
 * Idempotency-Key on POSTs: a retried request gets the first answer and changes nothing.
 *
 * The first request with a key claims it (a row with no status yet), runs, and stores its answer.
 * A retry with the same request gets that answer back; the same key with a different request is
 * refused (422). A retry arriving while the first is still running runs too: the commands behind
 * this derive their ids (product, sale, event ids) from the key, so both append the same events
 * once and answer alike. A failed first attempt releases the key, so a retry runs again.
 */
export const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', description: 'Any unique string (a UUID): a retry with the same key and body returns the first answer and creates nothing' };

const KEY = /^[\x21-\x7e]{1,255}$/;

export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!KEY.test(key)) throw new ValidationError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
  return key;
}

/** Same request ⇔ same hash: keys sorted at every level, so property order does not matter. */
export function requestHash(request: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
    }
    return value;
  };
  return createHash('sha256').update(JSON.stringify(canonical(request))).digest('hex');
}

interface KeyRow {
  request_hash: string;
  status: number | null;
  body: unknown;
  headers: Record<string, string> | null;
}

function reused(): ValidationError {
  return new ValidationError([{ field: 'Idempotency-Key', message: 'was already used for a different request' }], true, 'This Idempotency-Key was already used for a different request');
}

export async function idempotent(db: Queryable, tenantId: number, key: string | undefined, request: unknown, run: () => Promise<Reply>): Promise<Reply> {
  if (key === undefined) return run();
  const table = tenantTable(tenantId, 'idempotency_keys');
  const hash = requestHash(request);
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await db.query(`insert into ${table} (key, request_hash) values ($1, $2) on conflict (key) do nothing`, [key, hash]);
    if (claimed.rowCount === 1) {
      let reply: Reply;
      try {
        reply = await run();
      } catch (err) {
        await db.query(`delete from ${table} where key = $1 and status is null`, [key]);
        throw err;
      }
      await db.query(`update ${table} set status = $2, body = $3, headers = $4 where key = $1`, [
        key,
        reply.status,
        reply.body === undefined ? null : JSON.stringify(reply.body),
        JSON.stringify(reply.headers ?? {}),
      ]);
      return reply;
    }
    const { rows } = await db.query<KeyRow>(`select request_hash, status, body, headers from ${table} where key = $1`, [key]);
    const row = rows[0];
    if (!row) continue; // the first attempt failed and let go of the key: claim it again
    if (row.request_hash !== hash) throw reused();
    if (row.status !== null) return { status: row.status, body: row.body ?? undefined, headers: row.headers ?? {} };
    return run();
  }
  return run();
}
