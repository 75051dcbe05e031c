/*
 * GET /api/analytics/top: the brands, categories or marketplaces that made the most profit,
 * revenue or units in a period (from analytics_sales; brand and category as at each sale).
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import { ANALYTICS_CURRENCY, SALE_CHANNELS } from '../../shared/analytics';
import { checkPeriod, euros, parameters, periodFields, resolvePeriod, analyticsTimeZone, type AnalyticsDeps } from './period';

const BY = { profit: 'profit', revenue: 'revenue', units: 'units' } as const;
const DIMENSIONS = { brand: 'brand', category: 'category', marketplace: 'marketplace' } as const;
type By = keyof typeof BY;
type Dimension = keyof typeof DIMENSIONS;

export const topQuery = z
  .object({
    by: z.enum(Object.keys(BY) as [By, ...By[]]).default('profit'),
    dimension: z.enum(Object.keys(DIMENSIONS) as [Dimension, ...Dimension[]]).default('brand'),
    limit: z.coerce.number().int().min(1).max(100).default(10),
    ...periodFields,
    marketplace: z.enum(SALE_CHANNELS).optional().describe('Only the sales of this marketplace'),
  })
  .strict()
  .superRefine(checkPeriod);
export type TopQuery = z.output<typeof topQuery>;

export const topSchema = z.object({
  by: z.enum(Object.keys(BY) as [By, ...By[]]),
  dimension: z.enum(Object.keys(DIMENSIONS) as [Dimension, ...Dimension[]]),
  period: z.object({ from: z.string(), to: z.string(), time_zone: z.string() }),
  currency: z.string(),
  items: z.array(
    z.object({
      key: z.string().nullable().describe('The brand (null: products without one), category slug or marketplace'),
      sales: z.number().int(),
      units: z.number().int(),
      revenue: z.number().describe('Euros'),
      net_profit: z.number().describe('Euros'),
    }),
  ),
});

export async function getTop({ db: pools, tenancy, now }: AnalyticsDeps, tenant: number, q: TopQuery) {
  const period = resolvePeriod(q, now(), await analyticsTimeZone({ db: pools, tenancy }, tenant));
  const p = parameters();
  const where = [`day between ${p.add(period.from)}::date and ${p.add(period.to)}::date`];
  if (q.marketplace) where.push(`marketplace = ${p.add(q.marketplace)}`);
  const { rows } = await pools.of(tenant).query<{ key: string | null; sales: number; units: number; revenue: number; profit: number }>(
    `select ${DIMENSIONS[q.dimension]} as key, count(*)::int as sales, sum(quantity)::bigint as units, sum(gross_cents)::bigint as revenue, sum(profit_cents)::bigint as profit
       from ${tenancy.table(tenant, 'analytics_sales')} where ${where.join(' and ')}
      group by 1 order by ${BY[q.by]} desc, key asc nulls last limit ${p.add(q.limit)}`,
    p.values,
  );
  return {
    by: q.by,
    dimension: q.dimension,
    period,
    currency: ANALYTICS_CURRENCY,
    items: rows.map((r) => ({ key: r.key, sales: r.sales, units: r.units, revenue: euros(r.revenue), net_profit: euros(r.profit) })),
  };
}

export const topRoute = (deps: AnalyticsDeps) =>
  defineRoute({
    method: 'get',
    path: '/api/analytics/top',
    summary: 'The brands, categories or marketplaces with the most profit, revenue or units sold in a period',
    tags: ['Analytics'],
    query: topQuery,
    responses: {
      200: { description: 'The best first (ties by key)', schema: topSchema },
      400: { description: 'A parameter is malformed or unknown' },
    },
    handle: async ({ auth, query }) => ({ status: 200, body: await getTop(deps, auth.tenantId, query) }),
  });
