import { z } from 'zod';
import { defineRoute } from '../http/route';
import type { Queryable } from '../infra/db/postgres';
import { tenantTable } from '../infra/db/tenancy';

export const notificationDto = z.object({
  id: z.uuid(),
  kind: z.string(),
  product_id: z.uuid().nullable(),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  read_at: z.string().nullable(),
});

const query = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).default(0),
    unread: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
  })
  .strict();

interface Row {
  id: string;
  kind: string;
  product_id: string | null;
  title: string;
  body: string;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

export async function listNotifications(db: Queryable, tenant: number, filter: z.output<typeof query>) {
  const where = filter.unread === undefined ? '' : filter.unread ? 'where read_at is null' : 'where read_at is not null';
  const table = tenantTable(tenant, 'notifications');
  // The total comes from the same statement as the page, so the two always agree even while the
  // notifier is adding rows; only a page past the end needs a count of its own.
  const items = await db.query<Row & { total: number }>(
    `select *, count(*) over ()::int as total from ${table} ${where} order by created_at desc, id limit $1 offset $2`,
    [filter.limit, filter.offset],
  );
  const total =
    items.rows[0]?.total ??
    (filter.offset === 0 ? 0 : ((await db.query<{ n: number }>(`select count(*)::int as n from ${table} ${where}`)).rows[0]?.n ?? 0));
  return {
    items: items.rows.map(({ total: _total, ...r }) => ({ ...r, created_at: r.created_at.toISOString(), read_at: r.read_at?.toISOString() ?? null })),
    total,
    limit: filter.limit,
    offset: filter.offset,
  };
}

/** The seller's notifications (out of stock, …), newest first. */
export const listNotificationsRoute = (deps: { pool: Queryable }) =>
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
    },
    handle: async ({ auth, query: q }) => ({ status: 200, body: await listNotifications(deps.pool, auth.tenantId, q) }),
  });
