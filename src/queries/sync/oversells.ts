/*
 * GET /api/sync/oversells: marketplace sales the stock could not cover (the same last unit sold
 * on two marketplaces), each with the sales that took the units first and the product, open
 * until the seller says how it was settled (the oversells read model).
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { TenantDb } from '../../infra/db/tenancy';

const MARKETPLACES = ['ebay', 'etsy', 'vinted'] as const;
const CHANNELS = ['offline', ...MARKETPLACES] as const;

const competingSchema = z.object({
  sale_id: z.string(),
  channel: z.enum(CHANNELS),
  quantity: z.number().int(),
  order_id: z.string().nullable(),
  line_id: z.string().nullable(),
  sold_at: z.string(),
});

const oversellSchema = z.object({
  sale_id: z.string().describe('The oversold sale (resolve it at POST /api/products/{product_id}/oversells/{sale_id}/resolve)'),
  product: z.object({ id: z.string(), sku: z.string().nullable(), title: z.string().nullable() }),
  marketplace: z.enum(MARKETPLACES),
  order_id: z.string().nullable(),
  line_id: z.string().nullable(),
  quantity: z.number().int(),
  unit_price: z.number(),
  stock_before: z.number().int().describe('What was in stock when the sale came in'),
  competing_sales: z.array(competingSchema).describe('The sales that took the units first'),
  detected_at: z.string(),
  status: z.enum(['open', 'resolved']),
  resolution: z.string().nullable(),
  note: z.string().nullable(),
  resolved_at: z.string().nullable(),
});

const query = z
  .object({
    status: z.enum(['open', 'resolved', 'all']).default('open'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

interface Row {
  sale_id: string;
  product_id: string;
  sku: string | null;
  title: string | null;
  marketplace: (typeof MARKETPLACES)[number];
  order_id: string | null;
  line_id: string | null;
  quantity: number;
  unit_price_cents: number;
  stock_before: number;
  competing_sales: { sale_id: string; channel: (typeof CHANNELS)[number]; quantity: number; order_id?: string; line_id?: string; sold_at: string }[];
  detected_at: Date;
  resolution: string | null;
  note: string | null;
  resolved_at: Date | null;
  total: number;
}

export function oversellRoutes({ db, tenancy }: TenantDb) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/sync/oversells',
      summary: 'Sales the stock could not cover (sold on two marketplaces at once), newest first: open ones need the seller',
      tags: ['Sync'],
      query,
      responses: { 200: { description: 'A page of oversells', schema: z.object({ items: z.array(oversellSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }) } },
      handle: async ({ auth, query: q }) => {
        const { rows } = await db.query<Row>(
          `select o.*, p.sku, p.title, count(*) over ()::int as total
             from ${tenancy.table(auth.tenantId, 'oversells')} o
             left join ${tenancy.table(auth.tenantId, 'products')} p on p.id = o.product_id
            where $1 = 'all' or ($1 = 'open') = (o.resolved_at is null)
            order by o.detected_at desc, o.sale_id limit $2 offset $3`,
          [q.status, q.limit, q.offset],
        );
        return {
          status: 200,
          body: {
            items: rows.map((r) => ({
              sale_id: r.sale_id,
              product: { id: r.product_id, sku: r.sku, title: r.title },
              marketplace: r.marketplace,
              order_id: r.order_id,
              line_id: r.line_id,
              quantity: r.quantity,
              unit_price: r.unit_price_cents / 100,
              stock_before: r.stock_before,
              competing_sales: r.competing_sales.map((c) => ({ sale_id: c.sale_id, channel: c.channel, quantity: c.quantity, order_id: c.order_id ?? null, line_id: c.line_id ?? null, sold_at: c.sold_at })),
              detected_at: r.detected_at.toISOString(),
              status: r.resolved_at === null ? ('open' as const) : ('resolved' as const),
              resolution: r.resolution,
              note: r.note,
              resolved_at: r.resolved_at?.toISOString() ?? null,
            })),
            total: rows[0]?.total ?? 0,
            limit: q.limit,
            offset: q.offset,
          },
        };
      },
    }),
  ];
}
