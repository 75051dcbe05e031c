/**
 * POST /api/notifications/{id}/read — the seller has seen a notification. Notifications are the
 * reactors' output, not events, so this is a plain update of the tenant's table. Marking twice
 * keeps the first time: the answer is the same notification, and a client that retries after a
 * lost response changes nothing.
 */
import { z } from 'zod';
import { defineRoute } from '../http/route';
import type { Clock } from '../infra/clock';
import type { TenantDb } from '../infra/db/tenancy';
import { NOTIFICATION_COLUMNS, notificationDto, toNotificationDto, type NotificationDto, type NotificationRow } from './list-notifications';
import { NotFoundError } from '../shared/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const params = z.object({ id: z.string().describe('The notification id (a UUID)') });

function notFound(): NotFoundError {
  return new NotFoundError('Notification not found', 'notification_not_found');
}

export async function markNotificationRead({ db: pools, tenancy }: TenantDb, tenant: number, id: string, now: Date): Promise<NotificationDto> {
  const db = pools.of(tenant);
  // An id that cannot exist is simply not found, like any other unknown id (never a 400 that
  // would tell a stranger's id apart from a malformed one).
  if (!UUID.test(id)) throw notFound();
  const { rows } = await db.query<NotificationRow>(
    `update ${tenancy.table(tenant, 'notifications')} set read_at = coalesce(read_at, $2) where id = $1 returning ${NOTIFICATION_COLUMNS}`,
    [id.toLowerCase(), now],
  );
  const row = rows[0];
  if (!row) throw notFound();
  return toNotificationDto(row);
}

export const markNotificationReadRoute = (deps: TenantDb & { clock: Clock }) =>
  defineRoute({
    method: 'post',
    path: '/api/notifications/{id}/read',
    summary: 'Mark a notification read',
    tags: ['Notifications'],
    params,
    responses: {
      200: { description: 'The notification, with read_at set (the first time it was marked, when marked again)', schema: notificationDto },
      404: { description: 'No such notification for this account' },
    },
    handle: async ({ auth, params: p }) => ({ status: 200, body: await markNotificationRead(deps, auth.tenantId, p.id, deps.clock.now()) }),
  });
