/*
 * GET /api/analytics/timeseries: one metric per day, week (ISO, from Monday) or month of a period,
 * every interval present (zeros where nothing happened). Read from the daily sums
 * (analytics_daily), so a year of days is a few hundred rows whatever the number of sales.
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import { ANALYTICS_CURRENCY, SALE_CHANNELS } from '../../shared/analytics';
import { checkPeriod, euros, parameters, periodFields, resolvePeriod, analyticsTimeZone, type AnalyticsDeps } from './period';

/** Each metric's column, and whether it is money (cents in, euros out). */
const METRICS = {
  sales: { column: 'sales', money: false },
  units: { column: 'units', money: false },
  revenue: { column: 'revenue_cents', money: true },
  profit: { column: 'profit_cents', money: true },
  listed: { column: 'listed', money: false },
  new_products: { column: 'new_products', money: false },
} as const;
type Metric = keyof typeof METRICS;
const INTERVALS = ['day', 'week', 'month'] as const;

export const timeseriesQuery = z
  .object({
    metric: z
      .enum(Object.keys(METRICS) as [Metric, ...Metric[]])
      .describe('sales (count), units, revenue and profit (euros, net of cost of goods), listed (listings that went live), new_products (products created)'),
    interval: z.enum(INTERVALS).default('day'),
    ...periodFields,
    marketplace: z.enum(SALE_CHANNELS).optional().describe('Only this marketplace (not for new_products, which belong to none)'),
  })
  .strict()
  .superRefine((v, ctx) => {
    checkPeriod(v, ctx);
    if (v.metric === 'new_products' && v.marketplace !== undefined) ctx.addIssue({ code: 'custom', path: ['marketplace'], message: 'new_products belong to no marketplace' });
    if (v.metric === 'listed' && v.marketplace === 'offline') ctx.addIssue({ code: 'custom', path: ['marketplace'], message: 'nothing is listed offline' });
  });
export type TimeseriesQuery = z.output<typeof timeseriesQuery>;

export const timeseriesSchema = z.object({
  metric: z.enum(Object.keys(METRICS) as [Metric, ...Metric[]]),
  interval: z.enum(INTERVALS),
  period: z.object({ from: z.string(), to: z.string(), time_zone: z.string() }),
  currency: z.string(),
  points: z.array(
    z.object({
      date: z.string().describe('First day of the interval (a Monday for weeks, the 1st for months); only days within the period are counted'),
      value: z.number().describe('A count, or euros for revenue and profit'),
    }),
  ),
  total: z.number(),
});

export async function getTimeseries({ db: pools, tenancy, now }: AnalyticsDeps, tenant: number, q: TimeseriesQuery) {
  const period = resolvePeriod(q, now(), await analyticsTimeZone({ db: pools, tenancy }, tenant));
  const metric = METRICS[q.metric];
  const p = parameters();
  const unit = p.add(q.interval);
  const from = p.add(period.from);
  const to = p.add(period.to);
  const where = [`day between ${from}::date and ${to}::date`];
  if (q.marketplace) where.push(`marketplace = ${p.add(q.marketplace)}`);
  const { rows } = await pools.of(tenant).query<{ date: string; value: number }>(
    `with sums as (
       select date_trunc(${unit}, day::timestamp)::date as start, sum(${metric.column})::bigint as value
         from ${tenancy.table(tenant, 'analytics_daily')} where ${where.join(' and ')} group by 1
     )
     select to_char(s.start, 'YYYY-MM-DD') as date, coalesce(sums.value, 0)::bigint as value
       from generate_series(date_trunc(${unit}, ${from}::timestamp), ${to}::timestamp, ('1 ' || ${unit})::interval) as s(start)
       left join sums on sums.start = s.start::date
      order by s.start`,
    p.values,
  );
  const points = rows.map((r) => ({ date: r.date, value: metric.money ? euros(r.value) : Number(r.value) }));
  const total = rows.reduce((sum, r) => sum + Number(r.value), 0);
  return { metric: q.metric, interval: q.interval, period, currency: ANALYTICS_CURRENCY, points, total: metric.money ? euros(total) : total };
}

export const timeseriesRoute = (deps: AnalyticsDeps) =>
  defineRoute({
    method: 'get',
    path: '/api/analytics/timeseries',
    summary: 'One metric per day, week or month of a period, in the account’s time zone, with every interval present',
    tags: ['Analytics'],
    query: timeseriesQuery,
    responses: {
      200: { description: 'The points, oldest first', schema: timeseriesSchema },
      400: { description: 'A parameter is malformed, unknown or does not apply to the metric' },
    },
    handle: async ({ auth, query }) => ({ status: 200, body: await getTimeseries(deps, auth.tenantId, query) }),
  });
