/*
 * The seller's browser-extension installs. `POST /api/plugin/devices` creates one and shows its
 * token once: 32 random bytes, of which only the SHA-256 is stored. The list never shows a token.
 * Revoking is immediate (the next call with the token is a 401); what revoking means for the
 * Vinted connection (the last device gone disconnects it) is the caller's `onRevoked`.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../http/route';
import type { Clock, IdGenerator } from '../infra/clock';
import { inTransaction, type Connections } from '../infra/db/postgres';
import { DomainRuleError, NotFoundError } from '../shared/errors';
import { hashDeviceToken } from './device-auth';

/** More than this many active devices is a leak rather than a seller's browsers. */
export const MAX_ACTIVE_DEVICES = 20;
const TOKEN_PREFIX = 'sfd_';

export interface DeviceDeps {
  pool: Connections;
  clock: Clock;
  ids: IdGenerator;
  /** After a device is revoked: `remaining` active devices are left for the tenant. */
  onRevoked(tenant: number, deviceId: string, remaining: number, who: { userId: string; requestId: string }): Promise<void>;
}

const deviceSchema = z.object({
  device_id: z.uuid(),
  name: z.string(),
  created_at: z.string(),
  last_seen_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

interface DeviceRow {
  id: string;
  name: string;
  created_at: Date;
  last_seen_at: Date | null;
  revoked_at: Date | null;
}

const represent = (r: DeviceRow) => ({
  device_id: r.id,
  name: r.name,
  created_at: r.created_at.toISOString(),
  last_seen_at: r.last_seen_at?.toISOString() ?? null,
  revoked_at: r.revoked_at?.toISOString() ?? null,
});

export async function createDevice(deps: Pick<DeviceDeps, 'pool' | 'clock' | 'ids'>, tenant: number, userId: string, name: string) {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = deps.ids.uuid();
  const now = deps.clock.now();
  // One statement counts and inserts, so two requests at once cannot both pass the limit by much.
  const { rows } = await deps.pool.query<DeviceRow>(
    `insert into public.plugin_devices (id, tenant_id, user_id, name, token_hash, created_at)
     select $1, $2, $3, $4, $5, $6
      where (select count(*) from public.plugin_devices where tenant_id = $2 and revoked_at is null) < $7
     returning id, name, created_at, last_seen_at, revoked_at`,
    [id, tenant, userId, name, hashDeviceToken(token), now, MAX_ACTIVE_DEVICES],
  );
  const row = rows[0];
  if (!row) throw new DomainRuleError(`At most ${MAX_ACTIVE_DEVICES} devices can be paired at once: revoke one first`, 'too_many_devices', 'name');
  return { device_id: row.id, device_token: token, name: row.name, created_at: row.created_at.toISOString() };
}

export async function listDevices(pool: Connections, tenant: number) {
  const { rows } = await pool.query<DeviceRow>(
    'select id, name, created_at, last_seen_at, revoked_at from public.plugin_devices where tenant_id = $1 order by created_at desc, id',
    [tenant],
  );
  return rows.map(represent);
}

/** Revokes one of the tenant's devices; revoking it again changes nothing. Another tenant's id is not found. */
export async function revokeDevice(deps: DeviceDeps, tenant: number, deviceId: string, who: { userId: string; requestId: string }): Promise<void> {
  // One revocation per tenant at a time: two devices revoked at once must not each leave the other as "remaining".
  const row = await inTransaction(deps.pool, async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtext($1), $2)', ['plugin_devices', tenant]);
    const { rows } = await tx.query<{ revoked_now: boolean; remaining: number }>(
      `with target as (select id, revoked_at from public.plugin_devices where id = $1 and tenant_id = $2),
            revoked as (update public.plugin_devices d set revoked_at = $3 from target where d.id = target.id and target.revoked_at is null returning d.id)
       select exists (select 1 from revoked) as revoked_now,
              (select count(*)::int from public.plugin_devices where tenant_id = $2 and revoked_at is null and id <> $1) as remaining
         from target`,
      [deviceId, tenant, deps.clock.now()],
    );
    return rows[0];
  });
  if (!row) throw new NotFoundError('No such device', 'device_not_found');
  if (row.revoked_now) await deps.onRevoked(tenant, deviceId, row.remaining, who);
}

const idParams = z.object({ id: z.uuid() }).strict();

export function deviceRoutes(deps: DeviceDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/plugin/devices',
      summary: 'Pair a browser extension: a device and its token, shown this once',
      tags: ['Vinted extension'],
      body: z.object({ name: z.string().trim().min(1).max(100).describe('What the seller calls it: "Chrome, office laptop"') }).strict(),
      responses: {
        201: { description: 'The device; `device_token` is never shown again (only its hash is kept)', schema: z.object({ device_id: z.uuid(), device_token: z.string(), name: z.string(), created_at: z.string() }) },
        422: { description: 'Too many devices are paired already' },
      },
      handle: async ({ body, auth }) => ({ status: 201, body: await createDevice(deps, auth.tenantId, auth.userId, body.name), headers: { 'Cache-Control': 'no-store' } }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/plugin/devices',
      summary: "The tenant's extension devices, newest first (never their tokens)",
      tags: ['Vinted extension'],
      responses: { 200: { description: 'Active and revoked devices', schema: z.object({ items: z.array(deviceSchema) }) } },
      handle: async ({ auth }) => ({ status: 200, body: { items: await listDevices(deps.pool, auth.tenantId) } }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/plugin/devices/{id}',
      summary: 'Revoke a device: its token stops working at once; revoking the last one disconnects Vinted',
      tags: ['Vinted extension'],
      params: idParams,
      responses: { 204: { description: 'Revoked (also when it already was)' }, 404: { description: 'No such device for this account' } },
      handle: async ({ params, auth, requestId }) => {
        await revokeDevice(deps, auth.tenantId, params.id, { userId: auth.userId, requestId });
        return { status: 204 };
      },
    }),
  ];
}
