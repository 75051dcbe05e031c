/*
 * GET /api/analytics/inventory: the stock now (products not sold out nor archived), counted and
 * valued at cost and at price, grouped by status (draft: not live anywhere; published: live on
 * at least one marketplace), category, brand or marketplace (a product live on two counts in
 * both; null: live nowhere).
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import { ANALYTICS_CURRENCY, LISTING_MARKETPLACES } from '../../shared/analytics';
import { euros, filterFields, parameters, productFilters, type AnalyticsDeps } from './period';

const GROUPS = {
  status: `case when cardinality(live_marketplaces) > 0 then 'published' else 'draft' end`,
  category: 'category',
  brand: 'brand',
  marketplace: 'm',
} as const;
type Group = keyof typeof GROUPS;

export const inventoryQuery = z
  .object({
    by: z.enum(Object.keys(GROUPS) as [Group, ...Group[]]).default('status'),
    category: filterFields.category,
    brand: filterFields.brand,
    marketplace: z.enum(LISTING_MARKETPLACES).optional().describe('Only products live on this marketplace'),
  })
  .strict();
export type InventoryQuery = z.output<typeof inventoryQuery>;

export const inventorySchema = z.object({
  by: z.enum(Object.keys(GROUPS) as [Group, ...Group[]]),
  currency: z.string(),
  groups: z.array(
    z.object({
      key: z.string().nullable(),
      count: z.number().int().describe('Products'),
      units: z.number().int(),
      value_at_cost: z.number().describe('Euros: stock × cost price (unknown cost counts 0)'),
      value_at_price: z.number().describe('Euros: stock × price'),
      without_cost: z.number().int(),
    }),
  ),
});

export async function getInventory({ db: pools, tenancy }: AnalyticsDeps, tenant: number, q: InventoryQuery) {
  const db = pools.of(tenant);
  const p = parameters();
  const where = [`status = 'draft'`, 'stock_quantity > 0', ...(await productFilters(db, q, p.add))];
  if (q.marketplace) where.push(`${p.add(q.marketplace)} = any(live_marketplaces)`);
  const from = q.by === 'marketplace' ? `${tenancy.table(tenant, 'analytics_products')} left join lateral unnest(live_marketplaces) m on true` : tenancy.table(tenant, 'analytics_products');
  const { rows } = await db.query<{ key: string | null; count: number; units: number; value_at_cost: number; value_at_price: number; without_cost: number }>(
    `select ${GROUPS[q.by]} as key, count(*)::int as count, sum(stock_quantity)::bigint as units,
            sum(stock_quantity::bigint * coalesce(cost_price_cents, 0))::bigint as value_at_cost, sum(stock_quantity::bigint * price_cents)::bigint as value_at_price,
            (count(*) filter (where cost_price_cents is null))::int as without_cost
       from ${from} where ${where.join(' and ')}
      group by 1 order by value_at_price desc, key asc nulls last`,
    p.values,
  );
  return {
    by: q.by,
    currency: ANALYTICS_CURRENCY,
    groups: rows.map((r) => ({ key: r.key, count: r.count, units: r.units, value_at_cost: euros(r.value_at_cost), value_at_price: euros(r.value_at_price), without_cost: r.without_cost })),
  };
}

export const inventoryRoute = (deps: AnalyticsDeps) =>
  defineRoute({
    method: 'get',
    path: '/api/analytics/inventory',
    summary: 'The stock now, counted and valued at cost and at price, by status, category, brand or marketplace',
    tags: ['Analytics'],
    query: inventoryQuery,
    responses: {
      200: { description: 'One group per key, most valuable first', schema: inventorySchema },
      400: { description: 'A parameter is malformed or unknown' },
    },
    handle: async ({ auth, query }) => ({ status: 200, body: await getInventory(deps, auth.tenantId, query) }),
  });
