/*
 * GET /api/sync/orders and GET /api/sync/unmatched: the order lines the marketplaces reported
 * and what sync made of them (the marketplace_order_lines read model). `unmatched` is what needs
 * the seller: sales sync could not apply — an item Stoflow does not know, an oversell, a product
 * already sold or archived.
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { TenantDb } from '../../infra/db/tenancy';

const MARKETPLACES = ['ebay', 'etsy', 'vinted'] as const;
const OUTCOMES = ['pending', 'applied', 'refused'] as const;

const lineSchema = z.object({
  marketplace: z.enum(MARKETPLACES),
  order_id: z.string(),
  line_id: z.string(),
  listing_id: z.string().describe("The marketplace's listing the buyer bought from"),
  quantity: z.number().int(),
  unit_price: z.number().nullable().describe('As the report said it, when it did (the marketplace order is read for eBay)'),
  currency: z.string().nullable(),
  via: z.enum(['webhook', 'poll', 'extension']),
  outcome: z.enum(OUTCOMES),
  product_id: z.string().nullable(),
  sale_id: z.string().nullable(),
  reason: z.string().nullable().describe('Why it was refused: oversold (see GET /api/sync/oversells), unknown_listing, product_archived, order_unreadable…'),
  detail: z.string().nullable(),
  reported_at: z.string(),
  decided_at: z.string().nullable(),
});

const page = z.object({
  marketplace: z.enum(MARKETPLACES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

interface Row {
  marketplace: (typeof MARKETPLACES)[number];
  order_id: string;
  line_id: string;
  listing_id: string;
  quantity: number;
  unit_price_cents: number | null;
  currency: string | null;
  via: 'webhook' | 'poll' | 'extension';
  outcome: (typeof OUTCOMES)[number];
  product_id: string | null;
  sale_id: string | null;
  reason: string | null;
  detail: string | null;
  reported_at: Date;
  decided_at: Date | null;
  total: number;
}

async function listLines({ db, tenancy }: TenantDb, tenant: number, q: z.output<typeof page> & { outcome?: (typeof OUTCOMES)[number] }) {
  const { rows } = await db.query<Row>(
    `select *, count(*) over ()::int as total from ${tenancy.table(tenant, 'marketplace_order_lines')}
      where ($1::text is null or marketplace = $1) and ($2::text is null or outcome = $2)
      order by reported_at desc, order_id, line_id limit $3 offset $4`,
    [q.marketplace ?? null, q.outcome ?? null, q.limit, q.offset],
  );
  return {
    items: rows.map(({ total: _total, unit_price_cents, reported_at, decided_at, ...r }) => ({
      ...r,
      unit_price: unit_price_cents === null ? null : unit_price_cents / 100,
      reported_at: reported_at.toISOString(),
      decided_at: decided_at?.toISOString() ?? null,
    })),
    total: rows[0]?.total ?? 0,
    limit: q.limit,
    offset: q.offset,
  };
}

const listSchema = z.object({ items: z.array(lineSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

export function syncRoutes(deps: TenantDb) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/sync/orders',
      summary: 'The order lines the marketplaces reported, newest first, and what became of each',
      tags: ['Sync'],
      query: page.extend({ outcome: z.enum(OUTCOMES).optional() }).strict(),
      responses: { 200: { description: 'A page of order lines', schema: listSchema } },
      handle: async ({ auth, query }) => ({ status: 200, body: await listLines(deps, auth.tenantId, query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/sync/unmatched',
      summary: 'Marketplace sales sync could not apply (an unknown item, an oversell…): what needs the seller',
      tags: ['Sync'],
      query: page.strict(),
      responses: { 200: { description: 'A page of refused order lines, with the reason', schema: listSchema } },
      handle: async ({ auth, query }) => ({ status: 200, body: await listLines(deps, auth.tenantId, { ...query, outcome: 'refused' }) }),
    }),
  ];
}
