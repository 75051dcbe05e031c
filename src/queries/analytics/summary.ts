/*
 * GET /api/analytics/summary: the inventory as it is now, and the sales of a period, in total and
 * per marketplace. From the analytics read models only (analytics_sales, analytics_products).
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import { ANALYTICS_CURRENCY, LISTING_MARKETPLACES, SALE_CHANNELS } from '../../shared/analytics';
import { checkPeriod, euros, filterFields, parameters, percent, periodFields, productFilters, resolvePeriod, type AnalyticsDeps, type Period } from './period';

export const summaryQuery = z.object({ ...periodFields, ...filterFields }).strict().superRefine(checkPeriod);
export type SummaryQuery = z.output<typeof summaryQuery>;

const money = z.number().describe('Euros');

const salesFigures = {
  sales: z.number().int().describe('Sales recorded in the period (a sale may be of several units)'),
  units: z.number().int(),
  revenue: money.describe('Euros: what buyers paid (quantity × unit price)'),
  fees: money.describe('Euros: marketplace fees. The events record none yet: always 0'),
  shipping: money.describe('Euros: shipping paid by the seller. The events record none yet: always 0'),
  cost_of_goods: money.describe('Euros: cost price at the time of each sale × quantity (unknown cost counts 0)'),
  net_profit: money.describe('Euros: revenue − fees − shipping − cost of goods'),
  margin_pct: z.number().describe('Net profit ÷ revenue, in %, one decimal'),
  average_sale_price: money.describe('Euros: revenue ÷ units, to the cent'),
  median_days_to_sell: z.number().describe('Whole days from first listing (or from creation, if never listed before) to the sale; median over the sales, one decimal'),
  p90_days_to_sell: z.number().describe('90th percentile of the same (linear interpolation), one decimal'),
  sales_without_cost: z.number().int().describe('Sales of products that had no cost price: their cost of goods counts 0'),
  listed: z.number().int().describe('Products in stock live on the marketplace now'),
  listed_units: z.number().int(),
  sell_through_pct: z.number().nullable().describe('Units sold in the period ÷ (units sold + units in stock listed now), in %; null for offline (nothing is listed there)'),
};

export const summarySchema = z.object({
  period: z.object({ from: z.string(), to: z.string(), time_zone: z.string() }),
  currency: z.string(),
  inventory: z.object({
    count: z.number().int().describe('Products in stock now (not sold out, not archived)'),
    units: z.number().int(),
    value_at_cost: money.describe('Euros: stock × cost price (unknown cost counts 0)'),
    value_at_price: money.describe('Euros: stock × price'),
    listed: z.number().int().describe('Of them, live on at least one marketplace'),
    listed_units: z.number().int(),
    without_cost: z.number().int().describe('Products in stock with no cost price'),
  }),
  sales: z.object(salesFigures),
  marketplaces: z.array(z.object({ marketplace: z.enum(SALE_CHANNELS), ...salesFigures })),
});
export type Summary = z.infer<typeof summarySchema>;

interface SalesRow {
  marketplace: string | null;
  sales: number;
  units: number;
  revenue: number;
  fees: number;
  shipping: number;
  cost: number;
  profit: number;
  without_cost: number;
  median: number | null;
  p90: number | null;
}

const NO_SALES: SalesRow = { marketplace: null, sales: 0, units: 0, revenue: 0, fees: 0, shipping: 0, cost: 0, profit: 0, without_cost: 0, median: 0, p90: 0 };
const oneDecimal = (n: number | null) => Math.round((n ?? 0) * 10) / 10;

function figures(s: SalesRow, listed: { products: number; units: number }, sellsThrough: boolean) {
  return {
    sales: s.sales,
    units: s.units,
    revenue: euros(s.revenue),
    fees: euros(s.fees),
    shipping: euros(s.shipping),
    cost_of_goods: euros(s.cost),
    net_profit: euros(s.profit),
    margin_pct: percent(s.profit, s.revenue),
    average_sale_price: euros(s.units === 0 ? 0 : Math.round(s.revenue / s.units)),
    median_days_to_sell: oneDecimal(s.median),
    p90_days_to_sell: oneDecimal(s.p90),
    sales_without_cost: s.without_cost,
    listed: listed.products,
    listed_units: listed.units,
    sell_through_pct: sellsThrough ? percent(s.units, s.units + listed.units) : null,
  };
}

export async function getSummary({ db: pools, tenancy, now }: AnalyticsDeps, tenant: number, q: SummaryQuery): Promise<Summary> {
  const db = pools.of(tenant);
  const period: Period = resolvePeriod(q, now());
  const s = parameters();
  const salesWhere = [`day between ${s.add(period.from)}::date and ${s.add(period.to)}::date`, ...(await productFilters(db, q, s.add))];
  if (q.marketplace) salesWhere.push(`marketplace = ${s.add(q.marketplace)}`);
  const p = parameters();
  const stockWhere = [`status = 'draft'`, 'stock_quantity > 0', ...(await productFilters(db, q, p.add))];
  if (q.marketplace) stockWhere.push(`${p.add(q.marketplace)} = any(live_marketplaces)`);

  const [sales, stock, live] = await Promise.all([
    db.query<SalesRow>(
      `select marketplace, count(*)::int as sales, coalesce(sum(quantity), 0)::bigint as units, coalesce(sum(gross_cents), 0)::bigint as revenue,
              coalesce(sum(fees_cents), 0)::bigint as fees, coalesce(sum(shipping_cents), 0)::bigint as shipping, coalesce(sum(cost_cents), 0)::bigint as cost,
              coalesce(sum(profit_cents), 0)::bigint as profit, (count(*) filter (where not cost_known))::int as without_cost,
              percentile_cont(0.5) within group (order by days_to_sell) as median, percentile_cont(0.9) within group (order by days_to_sell) as p90
         from ${tenancy.table(tenant, 'analytics_sales')} where ${salesWhere.join(' and ')}
        group by rollup (marketplace)`,
      s.values,
    ),
    db.query<{ count: number; units: number; value_at_cost: number; value_at_price: number; listed: number; listed_units: number; without_cost: number }>(
      `select count(*)::int as count, coalesce(sum(stock_quantity), 0)::bigint as units,
              coalesce(sum(stock_quantity::bigint * coalesce(cost_price_cents, 0)), 0)::bigint as value_at_cost,
              coalesce(sum(stock_quantity::bigint * price_cents), 0)::bigint as value_at_price,
              (count(*) filter (where cardinality(live_marketplaces) > 0))::int as listed,
              coalesce(sum(stock_quantity) filter (where cardinality(live_marketplaces) > 0), 0)::bigint as listed_units,
              (count(*) filter (where cost_price_cents is null))::int as without_cost
         from ${tenancy.table(tenant, 'analytics_products')} where ${stockWhere.join(' and ')}`,
      p.values,
    ),
    db.query<{ marketplace: string; products: number; units: number }>(
      `select m as marketplace, count(*)::int as products, sum(stock_quantity)::bigint as units
         from ${tenancy.table(tenant, 'analytics_products')}, unnest(live_marketplaces) m
        where ${stockWhere.join(' and ')} group by m`,
      p.values,
    ),
  ]);
  const total = sales.rows.find((r) => r.marketplace === null) ?? NO_SALES;
  const inventory = stock.rows[0]!;
  const channels = q.marketplace ? [q.marketplace] : SALE_CHANNELS;
  const listedOn = (m: string) => live.rows.find((r) => r.marketplace === m) ?? { products: 0, units: 0 };
  const isMarketplace = (m: string) => (LISTING_MARKETPLACES as readonly string[]).includes(m);
  return {
    period,
    currency: ANALYTICS_CURRENCY,
    inventory: {
      count: inventory.count,
      units: inventory.units,
      value_at_cost: euros(inventory.value_at_cost),
      value_at_price: euros(inventory.value_at_price),
      listed: inventory.listed,
      listed_units: inventory.listed_units,
      without_cost: inventory.without_cost,
    },
    sales: figures(total, { products: inventory.listed, units: inventory.listed_units }, q.marketplace === undefined || isMarketplace(q.marketplace)),
    marketplaces: channels.map((m) => ({
      marketplace: m,
      ...figures(sales.rows.find((r) => r.marketplace === m) ?? NO_SALES, listedOn(m), isMarketplace(m)),
    })),
  };
}

export const summaryRoute = (deps: AnalyticsDeps) =>
  defineRoute({
    method: 'get',
    path: '/api/analytics/summary',
    summary: 'The inventory now and the sales of a period: revenue, costs, net profit, margin, sell-through, days to sell; in total and per marketplace',
    tags: ['Analytics'],
    query: summaryQuery,
    responses: {
      200: { description: 'The figures (zeros for a period without sales); money in euros', schema: summarySchema },
      400: { description: 'A parameter is malformed or unknown, or the period is reversed or too long' },
    },
    handle: async ({ auth, query }) => ({ status: 200, body: await getSummary(deps, auth.tenantId, query) }),
  });
