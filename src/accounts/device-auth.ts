/*
 * `Authorization: Device <token>`: how the seller's browser extension calls the plugin routes.
 * The token is looked up by its SHA-256 (public.plugin_devices); the tenant, the user and the
 * device all come from that row, never from the request. A revoked or unknown token is a 401.
 */
import { createHash } from 'node:crypto';
import type { AuthContext, RouteAuthenticator } from '../http/route';
import type { Clock } from '../infra/clock';
import type { Queryable } from '../infra/db/postgres';
import { AuthError } from '../shared/errors';
import { assertTenantActive, refuseTenantFromRequest } from './authenticate';

const DEVICE = /^Device +(\S+)$/i;
/** last_seen_at is a hint for the device list: written at most once a minute per device. */
const SEEN_EVERY_MS = 60_000;

export function hashDeviceToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

interface DeviceRow {
  id: string;
  tenant_id: number;
  user_id: string;
  role: string;
  last_seen_at: Date | null;
  revoked_at: Date | null;
  tenant_status: string;
}

export function deviceAuthenticator(deps: { pool: Queryable; clock: Clock }): RouteAuthenticator {
  return {
    scheme: 'deviceAuth',
    securityScheme: {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description: 'The browser extension: `Device <token>`, with the token `POST /api/plugin/devices` answered once',
    },
    async authenticate(req): Promise<AuthContext> {
      const match = DEVICE.exec(req.headers.authorization ?? '');
      if (!match?.[1] || match[1].length > 200) throw new AuthError('Send the device token as `Authorization: Device <token>`', false, 'missing_device_token');
      const { rows } = await deps.pool.query<DeviceRow>(
        `select d.id, d.tenant_id, d.user_id, u.role, d.last_seen_at, d.revoked_at, t.status as tenant_status
           from public.plugin_devices d
           join public.users u on u.id = d.user_id and u.tenant_id = d.tenant_id
           join public.tenants t on t.id = d.tenant_id
          where d.token_hash = $1`,
        [hashDeviceToken(match[1])],
      );
      const device = rows[0];
      if (!device || device.revoked_at !== null) throw new AuthError('This device is not paired, or was revoked: pair the extension again', false, 'device_revoked');
      assertTenantActive(device.tenant_status);
      refuseTenantFromRequest(req);
      const now = deps.clock.now();
      if (device.last_seen_at === null || now.getTime() - device.last_seen_at.getTime() > SEEN_EVERY_MS) {
        await deps.pool.query('update public.plugin_devices set last_seen_at = $2 where id = $1', [device.id, now]);
      }
      return { userId: device.user_id, tenantId: device.tenant_id, role: device.role, tokenId: device.id, deviceId: device.id };
    },
  };
}
