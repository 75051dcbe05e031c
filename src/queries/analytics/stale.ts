/*
 * GET /api/analytics/stale: products in stock that have been live on a marketplace, without
 * selling out, for at least `days` days (since their oldest live listing went live), oldest first.
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import { ANALYTICS_CURRENCY, LISTING_MARKETPLACES } from '../../shared/analytics';
import { euros, parameters, type AnalyticsDeps } from './period';

const DAY_MS = 86_400_000;

export const staleQuery = z
  .object({
    days: z.coerce.number().int().min(0).max(3650).default(60).describe('Listed for at least this many days'),
    marketplace: z.enum(LISTING_MARKETPLACES).optional().describe('Only products live on this marketplace'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type StaleQuery = z.output<typeof staleQuery>;

const staleItem = z.object({
  product_id: z.uuid(),
  sku: z.string(),
  title: z.string(),
  category: z.string(),
  brand: z.string().nullable(),
  price: z.number().describe('Euros'),
  cost_price: z.number().nullable().describe('Euros'),
  stock_quantity: z.number().int(),
  listed_since: z.string().describe('When its oldest live listing went live'),
  days_listed: z.number().int().describe('Whole days since then'),
  marketplaces: z.array(z.enum(LISTING_MARKETPLACES)),
});

export const staleSchema = z.object({ days: z.number().int(), currency: z.string(), items: z.array(staleItem), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

interface Row {
  product_id: string;
  sku: string;
  title: string;
  category: string;
  brand: string | null;
  price_cents: number;
  cost_price_cents: number | null;
  stock_quantity: number;
  listed_since: Date;
  live_marketplaces: (typeof LISTING_MARKETPLACES)[number][];
  total: number;
}

export async function getStale({ db: pools, tenancy, now }: AnalyticsDeps, tenant: number, q: StaleQuery) {
  const at = now();
  const p = parameters();
  const where = [`status = 'draft'`, 'stock_quantity > 0', `listed_since <= ${p.add(new Date(at.getTime() - q.days * DAY_MS))}`];
  if (q.marketplace) where.push(`${p.add(q.marketplace)} = any(live_marketplaces)`);
  const { rows } = await pools.of(tenant).query<Row>(
    `select product_id, sku, title, category, brand, price_cents, cost_price_cents, stock_quantity, listed_since, live_marketplaces, count(*) over ()::int as total
       from ${tenancy.table(tenant, 'analytics_products')} where ${where.join(' and ')}
      order by listed_since, product_id limit ${p.add(q.limit)} offset ${p.add(q.offset)}`,
    p.values,
  );
  return {
    days: q.days,
    currency: ANALYTICS_CURRENCY,
    items: rows.map((r) => ({
      product_id: r.product_id,
      sku: r.sku,
      title: r.title,
      category: r.category,
      brand: r.brand,
      price: euros(r.price_cents),
      cost_price: r.cost_price_cents === null ? null : euros(r.cost_price_cents),
      stock_quantity: r.stock_quantity,
      listed_since: r.listed_since.toISOString(),
      days_listed: Math.floor((at.getTime() - r.listed_since.getTime()) / DAY_MS),
      marketplaces: r.live_marketplaces,
    })),
    total: rows[0]?.total ?? 0,
    limit: q.limit,
    offset: q.offset,
  };
}

export const staleRoute = (deps: AnalyticsDeps) =>
  defineRoute({
    method: 'get',
    path: '/api/analytics/stale',
    summary: 'Products in stock listed for at least N days without selling out, oldest listing first',
    tags: ['Analytics'],
    query: staleQuery,
    responses: {
      200: { description: 'A page of stale products', schema: staleSchema },
      400: { description: 'A parameter is malformed or unknown' },
    },
    handle: async ({ auth, query }) => ({ status: 200, body: await getStale(deps, auth.tenantId, query) }),
  });
