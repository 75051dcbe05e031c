/**
 * The seller's notifications, newest first: what the background processing has to tell them
 * (a product sold out, …). Notifications are the reactors' output, a plain table, not a
 * projection of the log; the seller marks them read (src/notifications).
 */
import { z } from 'zod';
import { defineRoute } from '../http/route';
import type { TenantDb } from '../infra/db/tenancy';

export const notificationDto = z.object({
  id: z.uuid(),
  kind: z.string(),
  product_id: z.uuid().nullable(),
  product: z
    .object({ id: z.uuid(), sku: z.string().nullable(), title: z.string().nullable() })
    .nullable()
    .describe('The product it is about, with its SKU and title when the notification was written (null when about no product)'),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  read_at: z.string().nullable().describe('When the seller marked it read; null while unread'),
});

export type NotificationDto = z.infer<typeof notificationDto>;

const query = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).default(0),
    unread: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true'))
      .describe('true: only the unread ones; false: only the read ones; absent: all'),
  })
  .strict();

/** The stored columns a notification is answered from. */
export const NOTIFICATION_COLUMNS = 'id, kind, product_id, product_sku, product_title, title, body, data, created_at, read_at';

export interface NotificationRow {
  id: string;
  kind: string;
  product_id: string | null;
  product_sku: string | null;
  product_title: string | null;
  title: string;
  body: string;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

export function toNotificationDto(r: NotificationRow): NotificationDto {
  return {
    id: r.id,
    kind: r.kind,
    product_id: r.product_id,
    product: r.product_id === null ? null : { id: r.product_id, sku: r.product_sku, title: r.product_title },
    title: r.title,
    body: r.body,
    data: r.data,
    created_at: r.created_at.toISOString(),
    read_at: r.read_at?.toISOString() ?? null,
  };
}

export async function listNotifications({ db: pools, tenancy }: TenantDb, tenant: number, filter: z.output<typeof query>) {
  const db = pools.of(tenant);
  const where = filter.unread === undefined ? '' : filter.unread ? 'where read_at is null' : 'where read_at is not null';
  const table = tenancy.table(tenant, 'notifications');
  // The total comes from the same statement as the page, so the two always agree even while the
  // notifier is adding rows; only a page past the end needs a count of its own.
  const items = await db.query<NotificationRow & { total: number }>(
    `select ${NOTIFICATION_COLUMNS}, count(*) over ()::int as total from ${table} ${where} order by created_at desc, id limit $1 offset $2`,
    [filter.limit, filter.offset],
  );
  const total =
    items.rows[0]?.total ??
    (filter.offset === 0 ? 0 : ((await db.query<{ n: number }>(`select count(*)::int as n from ${table} ${where}`)).rows[0]?.n ?? 0));
  return {
    items: items.rows.map(toNotificationDto),
    total,
    limit: filter.limit,
    offset: filter.offset,
  };
}

/** The seller's notifications (out of stock, …), newest first. */
export const listNotificationsRoute = (deps: TenantDb) =>
  defineRoute({
    method: 'get',
    path: '/api/notifications',
    summary: 'List notifications',
    tags: ['Notifications'],
    query,
    responses: {
      200: {
        description: 'A page of notifications',
        schema: z.object({ items: z.array(notificationDto), total: z.number(), limit: z.number(), offset: z.number() }),
      },
      400: { description: 'limit, offset or unread is malformed' },
    },
    handle: async ({ auth, query: q }) => ({ status: 200, body: await listNotifications(deps, auth.tenantId, q) }),
  });
