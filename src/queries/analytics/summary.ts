/*
 * GET /api/analytics/summary: the inventory as it is now, and the sales of a period, in total and
 * per marketplace. From the analytics read models only: the daily tables (analytics_daily,
 * analytics_days_to_sell) without a category or brand filter, the sales themselves with one, and
 * analytics_products for the stock.
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import { ANALYTICS_CURRENCY, LISTING_MARKETPLACES, SALE_CHANNELS } from '../../shared/analytics';
import { addDays, checkPeriod, euros, filterFields, parameters, percent, periodFields, productFilters, resolvePeriod, analyticsTimeZone, type AnalyticsDeps, type Period } from './period';

export const summaryQuery = z.object({ ...periodFields, ...filterFields }).strict().superRefine(checkPeriod);
export type SummaryQuery = z.output<typeof summaryQuery>;

const money = z.number().describe('Euros');

const salesFigures = {
  sales: z.number().int().describe('Sales recorded in the period (a sale may be of several units)'),
  units: z.number().int(),
  revenue: money.describe('Euros: what buyers paid for the items (quantity × unit price), shipping aside'),
  fees: money.describe('Euros: what the marketplaces and payment providers kept (eBay reports its own; Etsy’s and offline ones as the seller records them)'),
  shipping_charged: money.describe('Euros: shipping the buyers paid the seller'),
  shipping_paid: money.describe('Euros: postage the seller paid'),
  cost_of_goods: money.describe('Euros: cost price at the time of each sale × quantity (unknown cost counts 0)'),
  returns: z.number().int().describe('Sales of the period that came back (returned, or cancelled after the sale); they stay sales of their day'),
  refunds: money.describe('Euros: what the buyers of those sales got back'),
  net_profit: money.describe('Euros: revenue + shipping charged − shipping paid − fees − cost of goods − refunds (units restocked by a return cost nothing)'),
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
  marketplace: string;
  sales: number;
  units: number;
  revenue: number;
  fees: number;
  shipping_charged: number;
  shipping_paid: number;
  cost: number;
  profit: number;
  without_cost: number;
  returns: number;
  refunds: number;
}

interface DaysRow {
  marketplace: string;
  days_to_sell: number;
  n: number;
}

const NO_SALES: Omit<SalesRow, 'marketplace'> = { sales: 0, units: 0, revenue: 0, fees: 0, shipping_charged: 0, shipping_paid: 0, cost: 0, profit: 0, without_cost: 0, returns: 0, refunds: 0 };

/** percentile_cont over counted values (linear interpolation between the two nearest), one decimal; 0 without values. */
export function percentileOf(counts: readonly { days_to_sell: number; n: number }[], p: number): number {
  const sorted = [...counts].filter((c) => c.n > 0).sort((a, b) => a.days_to_sell - b.days_to_sell);
  const total = sorted.reduce((sum, c) => sum + c.n, 0);
  if (total === 0) return 0;
  const valueAt = (index: number) => {
    let seen = 0;
    for (const c of sorted) {
      seen += c.n;
      if (index < seen) return c.days_to_sell;
    }
    return sorted[sorted.length - 1]!.days_to_sell;
  };
  const at = (total - 1) * p;
  const low = valueAt(Math.floor(at));
  const value = low + (at - Math.floor(at)) * (valueAt(Math.ceil(at)) - low);
  return Math.round(value * 10) / 10;
}

function figures(s: Omit<SalesRow, 'marketplace'>, days: readonly DaysRow[], listed: { products: number; units: number }, sellsThrough: boolean) {
  return {
    sales: s.sales,
    units: s.units,
    revenue: euros(s.revenue),
    fees: euros(s.fees),
    shipping_charged: euros(s.shipping_charged),
    shipping_paid: euros(s.shipping_paid),
    cost_of_goods: euros(s.cost),
    returns: s.returns,
    refunds: euros(s.refunds),
    net_profit: euros(s.profit),
    margin_pct: percent(s.profit, s.revenue),
    average_sale_price: euros(s.units === 0 ? 0 : Math.round(s.revenue / s.units)),
    median_days_to_sell: percentileOf(days, 0.5),
    p90_days_to_sell: percentileOf(days, 0.9),
    sales_without_cost: s.without_cost,
    listed: listed.products,
    listed_units: listed.units,
    sell_through_pct: sellsThrough ? percent(s.units, s.units + listed.units) : null,
  };
}

const monthStart = (day: string) => `${day.slice(0, 8)}01`;
const monthEnd = (day: string) => addDays(monthStart(addDays(monthStart(day), 31)), -1);

/**
 * Which rows of analytics_days_to_sell make up a period: its whole months, and the days before
 * the first and after the last of them (all days when it holds no whole month).
 */
function histogramRanges(from: string, to: string, add: (v: unknown) => string): string {
  const first = from === monthStart(from) ? from : addDays(monthEnd(from), 1);
  const last = to === monthEnd(to) ? monthStart(to) : monthStart(addDays(monthStart(to), -1));
  if (first > last) return `grain = 'd' and start between ${add(from)}::date and ${add(to)}::date`;
  const parts = [`(grain = 'm' and start between ${add(first)}::date and ${add(last)}::date)`];
  if (from < first) parts.push(`(grain = 'd' and start between ${add(from)}::date and ${add(addDays(first, -1))}::date)`);
  const afterLast = addDays(monthEnd(last), 1);
  if (afterLast <= to) parts.push(`(grain = 'd' and start between ${add(afterLast)}::date and ${add(to)}::date)`);
  return `(${parts.join(' or ')})`;
}

const SUMS = `count(*)::int as sales, sum(quantity)::bigint as units, sum(gross_cents)::bigint as revenue, sum(fees_cents)::bigint as fees,
  sum(shipping_charged_cents)::bigint as shipping_charged, sum(shipping_paid_cents)::bigint as shipping_paid, sum(cost_cents)::bigint as cost,
  sum(profit_cents)::bigint as profit, (count(*) filter (where not cost_known))::int as without_cost,
  (count(*) filter (where returned_at is not null))::int as returns, sum(refund_cents)::bigint as refunds`;
const DAILY_SUMS = `sum(sales)::int as sales, sum(units)::bigint as units, sum(revenue_cents)::bigint as revenue, sum(fees_cents)::bigint as fees,
  sum(shipping_charged_cents)::bigint as shipping_charged, sum(shipping_paid_cents)::bigint as shipping_paid, sum(cost_cents)::bigint as cost,
  sum(profit_cents)::bigint as profit, sum(without_cost)::int as without_cost, sum(returns)::int as returns, sum(refunds_cents)::bigint as refunds`;

/**
 * The sales of the period per marketplace, and how many took each number of days. Without a
 * category or brand filter both come from the daily tables; with one, from the sales themselves.
 */
async function salesOfPeriod(deps: AnalyticsDeps, tenant: number, q: SummaryQuery, period: Period) {
  const { db: pools, tenancy } = deps;
  const db = pools.of(tenant);
  const s = parameters();
  const d = parameters();
  if (q.category === undefined && q.brand === undefined) {
    const where = [`day between ${s.add(period.from)}::date and ${s.add(period.to)}::date`, `marketplace <> ''`];
    const daysWhere = [histogramRanges(period.from, period.to, d.add)];
    if (q.marketplace) {
      where.push(`marketplace = ${s.add(q.marketplace)}`);
      daysWhere.push(`marketplace = ${d.add(q.marketplace)}`);
    }
    return Promise.all([
      db.query<SalesRow>(`select marketplace, ${DAILY_SUMS} from ${tenancy.table(tenant, 'analytics_daily')} where ${where.join(' and ')} group by marketplace having sum(sales) > 0`, s.values),
      db.query<DaysRow>(`select marketplace, days_to_sell, sum(sales)::int as n from ${tenancy.table(tenant, 'analytics_days_to_sell')} where ${daysWhere.join(' and ')} group by 1, 2`, d.values),
    ]);
  }
  const where = [`day between ${s.add(period.from)}::date and ${s.add(period.to)}::date`, ...(await productFilters(db, q, s.add))];
  if (q.marketplace) where.push(`marketplace = ${s.add(q.marketplace)}`);
  const sales = tenancy.table(tenant, 'analytics_sales');
  return Promise.all([
    db.query<SalesRow>(`select marketplace, ${SUMS} from ${sales} where ${where.join(' and ')} group by marketplace`, s.values),
    db.query<DaysRow>(`select marketplace, days_to_sell, count(*)::int as n from ${sales} where ${where.join(' and ')} group by 1, 2`, s.values),
  ]);
}

interface StockRow {
  count: number;
  units: number;
  value_at_cost: number;
  value_at_price: number;
  listed: number;
  listed_units: number;
  without_cost: number;
  [on: string]: number;
}

/** The stock now, and what of it is live on each marketplace, in one pass. */
async function stockNow({ db: pools, tenancy }: AnalyticsDeps, tenant: number, q: SummaryQuery): Promise<StockRow> {
  const db = pools.of(tenant);
  const p = parameters();
  const where = [`status = 'draft'`, 'stock_quantity > 0', ...(await productFilters(db, q, p.add))];
  if (q.marketplace) where.push(`${p.add(q.marketplace)} = any(live_marketplaces)`);
  const perMarketplace = LISTING_MARKETPLACES.map(
    (m) => `(count(*) filter (where '${m}' = any(live_marketplaces)))::int as ${m}_products, coalesce(sum(stock_quantity) filter (where '${m}' = any(live_marketplaces)), 0)::bigint as ${m}_units`,
  );
  const { rows } = await db.query<StockRow>(
    `select count(*)::int as count, coalesce(sum(stock_quantity), 0)::bigint as units,
            coalesce(sum(stock_quantity::bigint * coalesce(cost_price_cents, 0)), 0)::bigint as value_at_cost,
            coalesce(sum(stock_quantity::bigint * price_cents), 0)::bigint as value_at_price,
            (count(*) filter (where cardinality(live_marketplaces) > 0))::int as listed,
            coalesce(sum(stock_quantity) filter (where cardinality(live_marketplaces) > 0), 0)::bigint as listed_units,
            (count(*) filter (where cost_price_cents is null))::int as without_cost, ${perMarketplace.join(', ')}
       from ${tenancy.table(tenant, 'analytics_products')} where ${where.join(' and ')}`,
    p.values,
  );
  return rows[0]!;
}

export async function getSummary(deps: AnalyticsDeps, tenant: number, q: SummaryQuery): Promise<Summary> {
  const period: Period = resolvePeriod(q, deps.now(), await analyticsTimeZone(deps, tenant));
  const [[sales, days], stock] = await Promise.all([salesOfPeriod(deps, tenant, q, period), stockNow(deps, tenant, q)]);
  const total = sales.rows.reduce((sum, r) => {
    for (const k of Object.keys(NO_SALES) as (keyof typeof NO_SALES)[]) sum[k] += r[k];
    return sum;
  }, { ...NO_SALES });
  const channels = q.marketplace ? [q.marketplace] : SALE_CHANNELS;
  const isMarketplace = (m: string) => (LISTING_MARKETPLACES as readonly string[]).includes(m);
  const listedOn = (m: string) => (isMarketplace(m) ? { products: stock[`${m}_products`]!, units: stock[`${m}_units`]! } : { products: 0, units: 0 });
  return {
    period,
    currency: ANALYTICS_CURRENCY,
    inventory: {
      count: stock.count,
      units: stock.units,
      value_at_cost: euros(stock.value_at_cost),
      value_at_price: euros(stock.value_at_price),
      listed: stock.listed,
      listed_units: stock.listed_units,
      without_cost: stock.without_cost,
    },
    sales: figures(total, days.rows, { products: stock.listed, units: stock.listed_units }, q.marketplace === undefined || isMarketplace(q.marketplace)),
    marketplaces: channels.map((m) => ({
      marketplace: m,
      ...figures(sales.rows.find((r) => r.marketplace === m) ?? NO_SALES, days.rows.filter((r) => r.marketplace === m), listedOn(m), isMarketplace(m)),
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
