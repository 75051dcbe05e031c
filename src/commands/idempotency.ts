/*
 * Idempotency-Key on POSTs: a retried request gets the first answer and changes nothing.
 *
 * The first request with a key claims it (a row with no status yet), runs, and stores its answer
 * as the exact text sent. A retry with the same request gets those bytes back; the same key with
 * a different request is refused (422). A failed run (an error answer) releases the key, so a
 * retry runs again.
 *
 * A retry that finds the key claimed but unanswered — the first run is still going, or its
 * process died between the append and the stored answer — runs the command again, and the row
 * counts it (`runs`). That is safe, not a second execution: the commands behind this derive
 * every id (product, sale, event ids) from the key and the claim, so the second run appends the
 * same events, which the store takes as a no-op returning the first result, and both answers
 * describe the one change.
 * Keys are remembered for a day (IDEMPOTENCY_KEY_TTL_HOURS): an older key is claimed afresh, and
 * `purgeIdempotencyKeys` (run by the background housekeeping) deletes them.
 */
import { createHash } from 'node:crypto';
import type { Reply } from '../http/route';
import type { Connections, Queryable } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import { perTenant, type TenantPools } from '../infra/db/tenant-pools';
import { ValidationError } from '../shared/errors';

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
  created_at: Date;
  request_hash: string;
  status: number | null;
  body: string | null;
  headers: Record<string, string> | null;
}

function reused(): ValidationError {
  return new ValidationError([{ field: 'Idempotency-Key', message: 'was already used for a different request' }], true, 'This Idempotency-Key was already used for a different request');
}

export const DEFAULT_KEY_TTL_HOURS = 24;

export async function idempotent(
  db: Queryable,
  tenancy: Tenancy,
  tenantId: number,
  key: string | undefined,
  request: unknown,
  run: (seed: string | undefined) => Promise<Reply>,
  ttlHours = DEFAULT_KEY_TTL_HOURS,
): Promise<Reply> {
  if (key === undefined) return run(undefined);
  const table = tenancy.table(tenantId, 'idempotency_keys');
  const hash = requestHash(request);
  // The first answer stored is the one every retry gets (a resumed run answers alike anyway).
  const answer = (reply: Reply) =>
    db.query(`update ${table} set status = $2, body = $3, headers = $4 where key = $1 and status is null`, [
      key,
      reply.status,
      reply.json ?? (reply.body === undefined ? null : JSON.stringify(reply.body)),
      JSON.stringify(reply.headers ?? {}),
    ]);
  for (let attempt = 0; attempt < 3; attempt++) {
    // A key past its lifetime is free again: claimed afresh as if never seen.
    const claimed = await db.query(
      `insert into ${table} as k (key, request_hash) values ($1, $2)
       on conflict (key) do update set request_hash = excluded.request_hash, status = null, body = null, headers = null, runs = 1, created_at = now()
        where k.created_at < now() - make_interval(hours => $3)
       returning k.created_at`,
      [key, hash, ttlHours],
    );
    if (claimed.rowCount === 1) {
      let reply: Reply;
      try {
        reply = await run(seedOf(key, (claimed.rows[0] as { created_at: Date }).created_at));
      } catch (err) {
        await db.query(`delete from ${table} where key = $1 and status is null`, [key]);
        throw err;
      }
      await answer(reply);
      return reply;
    }
    const { rows } = await db.query<KeyRow>(`select request_hash, status, body, headers, created_at from ${table} where key = $1`, [key]);
    const row = rows[0];
    if (!row) continue; // the first attempt failed and let go of the key: claim it again
    if (row.request_hash !== hash) throw reused();
    if (row.status !== null) return { status: row.status, json: row.body ?? undefined, headers: row.headers ?? {} };
    // Claimed, never answered: run again under the same ids (see above), and say so in the row.
    await db.query(`update ${table} set runs = runs + 1 where key = $1 and status is null`, [key]);
    const reply = await run(seedOf(key, row.created_at));
    if (reply.status < 400) await answer(reply);
    return reply;
  }
  throw new Error(`Could not claim the Idempotency-Key ${key}`);
}

/**
 * The seed commands derive their ids from: the key and the moment it was claimed. Concurrent
 * retries read the same claim and append the same events; a key reused after it expired is a
 * new claim, and makes new ids.
 */
function seedOf(key: string, claimedAt: Date): string {
  return `${key}@${claimedAt.toISOString()}`;
}

/** Runs a request under its Idempotency-Key (when it has one), for one tenant. */
export type IdempotencyKeys = (tenant: number, key: string | undefined, request: unknown, run: (seed: string | undefined) => Promise<Reply>) => Promise<Reply>;

/** `db`: each tenant's keys are on its own connections when it is tenant pools. */
export function idempotencyKeys(db: Connections | TenantPools, tenancy: Tenancy, ttlHours = DEFAULT_KEY_TTL_HOURS): IdempotencyKeys {
  const tenants = perTenant(db);
  return (tenant, key, request, run) => idempotent(tenants.of(tenant), tenancy, tenant, key, request, run, ttlHours);
}

/** Forgets the keys of one tenant older than their lifetime; returns how many. */
export async function purgeIdempotencyKeys(db: Connections | TenantPools, tenancy: Tenancy, tenantId: number, ttlHours = DEFAULT_KEY_TTL_HOURS): Promise<number> {
  const { rowCount } = await perTenant(db).of(tenantId).query(
    `delete from ${tenancy.table(tenantId, 'idempotency_keys')} where created_at < now() - make_interval(hours => $1)`,
    [ttlHours],
  );
  return rowCount ?? 0;
}
