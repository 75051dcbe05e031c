/*
 * Consumer API keys: read-only credentials for the event feed. `POST /api/consumer-keys` creates
 * one and shows it once (`sfk_` and 32 random bytes, base64url); only its SHA-256 is stored, in
 * public.consumer_keys, since the key arrives without a user token and must name its tenant by
 * itself. The key management routes take a user's access token only.
 *
 * Read-only by construction: only the routes given `feedAuthenticator` accept a key (the event
 * feed); every other route authenticates with the bearer authenticator, which refuses a key with
 * a 401 before anything runs. A revoked key is a 401 on its next request.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import { defineRoute, type AnyRoute, type Authenticate, type AuthContext, type RouteAuthenticator } from '../http/route';
import type { Clock, IdGenerator } from '../infra/clock';
import type { Queryable } from '../infra/db/postgres';
import { AuthError, DomainRuleError, NotFoundError } from '../shared/errors';
import { assertTenantActive, refuseTenantFromRequest } from './authenticate';

export const CONSUMER_KEY_PREFIX = 'sfk_';
/** What a key may do: read the event feed, nothing else. */
export const CONSUMER_KEY_SCOPES = ['events:read'] as const;
/** More than this many active keys is a leak rather than a seller's tools. */
export const MAX_ACTIVE_CONSUMER_KEYS = 20;
/** last_used_at is a hint for the key list: written at most once a minute per key. */
const USED_EVERY_MS = 60_000;
const BEARER = /^Bearer +(\S+)$/i;

/** Whether a request's bearer credential is a consumer key rather than a user's access token. */
export function isConsumerKey(token: string): boolean {
  return token.startsWith(CONSUMER_KEY_PREFIX);
}

export function bearerCredential(req: Request): string | undefined {
  return BEARER.exec(req.headers.authorization ?? '')?.[1];
}

export function hashConsumerKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export interface ConsumerKeyDeps {
  pool: Queryable;
  clock: Clock;
  ids: IdGenerator;
}

const keySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  scopes: z.array(z.enum(CONSUMER_KEY_SCOPES)),
  created_at: z.string(),
  created_by: z.uuid().describe('The user who created it'),
  last_used_at: z.string().nullable().describe('Roughly when it was last used (updated at most once a minute)'),
  revoked_at: z.string().nullable(),
});

interface KeyRow {
  id: string;
  name: string;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const represent = (r: KeyRow): z.infer<typeof keySchema> => ({
  id: r.id,
  name: r.name,
  scopes: [...CONSUMER_KEY_SCOPES],
  created_at: r.created_at.toISOString(),
  created_by: r.created_by,
  last_used_at: r.last_used_at?.toISOString() ?? null,
  revoked_at: r.revoked_at?.toISOString() ?? null,
});

export async function createConsumerKey(deps: ConsumerKeyDeps, tenant: number, userId: string, name: string) {
  const key = `${CONSUMER_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  // One statement counts and inserts, so two requests at once cannot both pass the limit by much.
  const { rows } = await deps.pool.query<KeyRow>(
    `insert into public.consumer_keys (id, tenant_id, name, key_hash, created_by, created_at)
     select $1, $2, $3, $4, $5, $6
      where (select count(*) from public.consumer_keys where tenant_id = $2 and revoked_at is null) < $7
     returning id, name, created_by, created_at, last_used_at, revoked_at`,
    [deps.ids.uuid(), tenant, name, hashConsumerKey(key), userId, deps.clock.now(), MAX_ACTIVE_CONSUMER_KEYS],
  );
  const row = rows[0];
  if (!row) throw new DomainRuleError(`At most ${MAX_ACTIVE_CONSUMER_KEYS} consumer keys can be active at once: revoke one first`, 'too_many_consumer_keys', 'name');
  return { id: row.id, name: row.name, key, scopes: [...CONSUMER_KEY_SCOPES], created_at: row.created_at.toISOString() };
}

export async function listConsumerKeys(pool: Queryable, tenant: number) {
  const { rows } = await pool.query<KeyRow>(
    'select id, name, created_by, created_at, last_used_at, revoked_at from public.consumer_keys where tenant_id = $1 order by created_at desc, id',
    [tenant],
  );
  return rows.map(represent);
}

/** Revokes one of the tenant's keys; revoking it again changes nothing. Another tenant's id is not found. */
export async function revokeConsumerKey(deps: ConsumerKeyDeps, tenant: number, id: string): Promise<void> {
  const { rows } = await deps.pool.query<{ id: string }>(
    `with target as (select id from public.consumer_keys where id = $1 and tenant_id = $2),
          revoked as (update public.consumer_keys k set revoked_at = $3 from target where k.id = target.id and k.revoked_at is null returning k.id)
     select id from target`,
    [id, tenant, deps.clock.now()],
  );
  if (rows.length === 0) throw new NotFoundError('No such consumer key', 'consumer_key_not_found');
}

interface KeyAuthRow {
  id: string;
  tenant_id: number;
  created_by: string;
  last_used_at: Date | null;
  revoked_at: Date | null;
  tenant_status: string;
}

/** `Authorization: Bearer sfk_…` → the key's tenant; the tenant comes from the key's row, never from the request. */
export function consumerKeyAuthenticate(deps: { pool: Queryable; clock: Clock; onUsedError?: (err: unknown) => void }): Authenticate {
  return async (req): Promise<AuthContext> => {
    const key = bearerCredential(req);
    if (!key || !isConsumerKey(key) || key.length > 200) throw new AuthError('Send the consumer key as `Authorization: Bearer sfk_…`', false, 'missing_consumer_key');
    const { rows } = await deps.pool.query<KeyAuthRow>(
      `select k.id, k.tenant_id, k.created_by, k.last_used_at, k.revoked_at, t.status as tenant_status
         from public.consumer_keys k
         join public.tenants t on t.id = k.tenant_id
        where k.key_hash = $1`,
      [hashConsumerKey(key)],
    );
    const row = rows[0];
    if (!row || row.revoked_at !== null) throw new AuthError('This consumer key is unknown, or was revoked', false, 'consumer_key_revoked');
    assertTenantActive(row.tenant_status);
    refuseTenantFromRequest(req);
    const now = deps.clock.now();
    if (row.last_used_at === null || now.getTime() - row.last_used_at.getTime() > USED_EVERY_MS) {
      // A hint only: a failed write never fails the request.
      await deps.pool.query('update public.consumer_keys set last_used_at = $2 where id = $1', [row.id, now]).catch((err: unknown) => deps.onUsedError?.(err));
    }
    return { userId: row.created_by, tenantId: row.tenant_id, role: 'consumer', tokenId: row.id, consumerKeyId: row.id };
  };
}

/**
 * The event feed's credential: a user's access token or a consumer key, whichever the bearer
 * token is. OpenAPI lists both as alternatives.
 */
export function feedAuthenticator(deps: { pool: Queryable; clock: Clock; bearer: Authenticate; onUsedError?: (err: unknown) => void }): RouteAuthenticator {
  const byKey = consumerKeyAuthenticate(deps);
  return {
    scheme: 'consumerKeyAuth',
    securityScheme: {
      type: 'http',
      scheme: 'bearer',
      description: 'A consumer key, `Authorization: Bearer sfk_…` (POST /api/consumer-keys answers it once): reads the event feed only',
    },
    alternatives: ['bearerAuth'],
    authenticate: (req) => {
      const token = bearerCredential(req);
      return token !== undefined && isConsumerKey(token) ? byKey(req) : deps.bearer(req);
    },
  };
}

const idParams = z.object({ id: z.uuid() }).strict();

export function consumerKeyRoutes(deps: ConsumerKeyDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/consumer-keys',
      summary: 'Create a read-only consumer key for the event feed, shown this once',
      tags: ['Event feed'],
      body: z.object({ name: z.string().trim().min(1).max(100).describe('What it is for: "warehouse loader"') }).strict(),
      responses: {
        201: {
          description: 'The key; `key` is never shown again (only its hash is kept). Send it as `Authorization: Bearer <key>` to GET /api/events and /api/events/stream',
          schema: z.object({ id: z.uuid(), name: z.string(), key: z.string(), scopes: z.array(z.enum(CONSUMER_KEY_SCOPES)), created_at: z.string() }),
        },
        422: { description: 'Too many keys are active already' },
      },
      handle: async ({ body, auth }) => ({ status: 201, body: await createConsumerKey(deps, auth.tenantId, auth.userId, body.name), headers: { 'Cache-Control': 'no-store' } }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/consumer-keys',
      summary: "The account's consumer keys, newest first (never the keys themselves)",
      tags: ['Event feed'],
      responses: { 200: { description: 'Active and revoked keys', schema: z.object({ items: z.array(keySchema) }) } },
      handle: async ({ auth }) => ({ status: 200, body: { items: await listConsumerKeys(deps.pool, auth.tenantId) } }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/consumer-keys/{id}',
      summary: 'Revoke a consumer key: it stops working at once',
      tags: ['Event feed'],
      params: idParams,
      responses: { 204: { description: 'Revoked (also when it already was)' }, 404: { description: 'No such key for this account' } },
      handle: async ({ params, auth }) => {
        await revokeConsumerKey(deps, auth.tenantId, params.id);
        return { status: 204 };
      },
    }),
  ];
}
