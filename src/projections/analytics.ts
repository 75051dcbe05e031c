/*
 * The analytics read models (tables in tenant migration 0019): products and listings as analytics
 * sees them, one row per sale, and daily sums per marketplace. Eventual: the processor applies a
 * batch a time with its checkpoint; a sale shows in the figures a moment after it is recorded.
 *
 * A batch loads the rows it touches (the listings named, then every product concerned with all
 * its listings), folds the events in memory (analytics-fold.ts), and writes with at most five
 * statements. Sales are inserted once (their key is the product and the sale id) and only the
 * sales inserted add to the daily sums and to the days-to-sell counts; new fees and shipping of a
 * stored sale replace its own and move its day by the difference; days are the account's
 * (ANALYTICS_TIME_ZONE), cut by PostgreSQL.
 */
import type { Projection, Tables } from '../engine/projection';
import type { Queryable } from '../infra/db/postgres';
import { ANALYTICS_TIME_ZONE } from '../shared/analytics';
import { batchKeys, foldAnalytics, type AnalyticsListing, type AnalyticsProduct, type FoldResult } from './analytics-fold';

/** Image events change no figure: they are not read. */
const PRODUCT_EVENTS = [
  'ProductCreated',
  'ProductDetailsUpdated',
  'ProductPriceChanged',
  'ProductStockAdjusted',
  'ProductSold',
  'OversoldDetected',
  'OversellResolved',
  'SaleCostsRecorded',
  'SaleReturned',
  'ProductArchived',
];

const LISTING_EVENTS = [
  'ListingQueued',
  'ListingPublishStarted',
  'ListingPublishProgressed',
  'ListingPublished',
  'ListingPublishFailed',
  'ListingUpdateStarted',
  'ListingUpdated',
  'ListingUpdateFailed',
  'ListingRetryRequested',
  'ListingDelistRequested',
  'ListingDelisted',
  'ListingDelistFailed',
  'ListingSoldHere',
  'ListingEndedExternally',
  'ListingDisconnected',
];

const PRODUCT_COLUMNS =
  'product_id uuid, sku text, title text, category text, brand text, status text, price_cents integer, cost_price_cents integer, stock_quantity integer, created_at timestamptz, first_listed_at timestamptz, listed_since timestamptz, live_marketplaces text[], pending_oversells jsonb, version integer';
const LISTING_COLUMNS = 'listing_id uuid, product_id uuid, marketplace text, live boolean, live_since timestamptz, version integer';
const SALE_COLUMNS =
  'product_id uuid, sale_id text, sku text, title text, category text, brand text, marketplace text, quantity integer, unit_price_cents integer, gross_cents bigint, fees_cents bigint, shipping_charged_cents bigint, shipping_paid_cents bigint, cost_cents bigint, cost_known boolean, refund_cents bigint, restocked boolean, returned_at timestamptz, profit_cents bigint, sold_at timestamptz, created_at timestamptz, listed_at timestamptz, days_to_sell integer';

const names = (columns: string) => columns.split(', ').map((c) => c.split(' ')[0]!);
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

type Stored<T, K extends keyof T> = Omit<T, K> & { [P in K]: Date | null };

async function load(db: Queryable, tables: Tables, keys: ReturnType<typeof batchKeys>) {
  const named = keys.listingIds.size === 0 ? [] : (await db.query<{ product_id: string }>(`select product_id from ${tables.analytics_listings} where listing_id = any($1::uuid[])`, [[...keys.listingIds]])).rows;
  const productIds = [...new Set([...keys.productIds, ...named.map((r) => r.product_id)])];
  const products = new Map<string, AnalyticsProduct>();
  const listings = new Map<string, AnalyticsListing>();
  if (productIds.length === 0) return { products, listings };
  // One connection: one statement after another.
  const p = await db.query<Stored<AnalyticsProduct, 'created_at' | 'first_listed_at' | 'listed_since'>>(`select ${names(PRODUCT_COLUMNS).join(', ')} from ${tables.analytics_products} where product_id = any($1::uuid[])`, [productIds]);
  const l = await db.query<Stored<AnalyticsListing, 'live_since'>>(`select ${names(LISTING_COLUMNS).join(', ')} from ${tables.analytics_listings} where product_id = any($1::uuid[])`, [productIds]);
  for (const r of p.rows) products.set(r.product_id, { ...r, created_at: r.created_at!.toISOString(), first_listed_at: iso(r.first_listed_at), listed_since: iso(r.listed_since) });
  for (const r of l.rows) listings.set(r.listing_id, { ...r, live_since: iso(r.live_since) });
  return { products, listings };
}

function upsert(table: string, columns: string, key: string): string {
  const all = names(columns);
  return `insert into ${table} (${all.join(', ')})
          select ${all.join(', ')} from jsonb_to_recordset($1::jsonb) as r(${columns})
          on conflict (${key}) do update set ${all.filter((n) => n !== key).map((n) => `${n} = excluded.${n}`).join(', ')}`;
}

async function write(db: Queryable, tables: Tables, result: FoldResult): Promise<void> {
  if (result.products.length > 0) await db.query(upsert(tables.analytics_products!, PRODUCT_COLUMNS, 'product_id'), [JSON.stringify(result.products)]);
  if (result.listings.length > 0) await db.query(upsert(tables.analytics_listings!, LISTING_COLUMNS, 'listing_id'), [JSON.stringify(result.listings)]);
  const daily = tables.analytics_daily!;
  if (result.sales.length > 0) {
    const all = names(SALE_COLUMNS);
    const days = tables.analytics_days_to_sell!;
    const histogram = (grain: string, start: string) => `
         insert into ${days} as h (grain, start, marketplace, days_to_sell, sales)
         select '${grain}', ${start}, marketplace, days_to_sell, count(*) from inserted group by 2, 3, 4
         on conflict (grain, start, marketplace, days_to_sell) do update set sales = h.sales + excluded.sales`;
    await db.query(
      `with inserted as (
         insert into ${tables.analytics_sales} (${all.join(', ')}, day)
         select ${all.join(', ')}, (sold_at at time zone $2)::date from jsonb_to_recordset($1::jsonb) as r(${SALE_COLUMNS})
         on conflict (product_id, sale_id) do nothing
         returning day, marketplace, quantity, gross_cents, fees_cents, shipping_charged_cents, shipping_paid_cents, cost_cents, cost_known, refund_cents, returned_at, profit_cents, days_to_sell
       ),
       by_day as (${histogram('d', 'day')}),
       by_month as (${histogram('m', "date_trunc('month', day)::date")})
       insert into ${daily} as d (day, marketplace, sales, units, revenue_cents, fees_cents, shipping_charged_cents, shipping_paid_cents, cost_cents, profit_cents, without_cost, returns, refunds_cents)
       select day, marketplace, count(*), sum(quantity), sum(gross_cents), sum(fees_cents), sum(shipping_charged_cents), sum(shipping_paid_cents), sum(cost_cents), sum(profit_cents),
              count(*) filter (where not cost_known), count(*) filter (where returned_at is not null), sum(refund_cents)
         from inserted group by day, marketplace
       on conflict (day, marketplace) do update set
         sales = d.sales + excluded.sales, units = d.units + excluded.units, revenue_cents = d.revenue_cents + excluded.revenue_cents,
         fees_cents = d.fees_cents + excluded.fees_cents, shipping_charged_cents = d.shipping_charged_cents + excluded.shipping_charged_cents,
         shipping_paid_cents = d.shipping_paid_cents + excluded.shipping_paid_cents, cost_cents = d.cost_cents + excluded.cost_cents, profit_cents = d.profit_cents + excluded.profit_cents, without_cost = d.without_cost + excluded.without_cost,
         returns = d.returns + excluded.returns, refunds_cents = d.refunds_cents + excluded.refunds_cents`,
      [JSON.stringify(result.sales), ANALYTICS_TIME_ZONE],
    );
  }
  if (result.adjustments.length > 0) {
    // What changed of stored sales (new fees and shipping, a return): the sale's row takes it, and
    // its day the difference. Sales this batch inserted took theirs in the fold; the same values
    // again move nothing. Units back in stock take their cost of goods off the sale.
    const cost = 'case when coalesce(r.restocked, s.restocked) then 0 else s.cost_cents end';
    const value = (column: string) => `coalesce(r.${column}, s.${column})`;
    await db.query(
      `with r as (
         select * from jsonb_to_recordset($1::jsonb) as r(product_id uuid, sale_id text, fees_cents bigint, shipping_charged_cents bigint, shipping_paid_cents bigint,
                                                         refund_cents bigint, restocked boolean, returned_at timestamptz)
       ),
       old as (
         select s.product_id, s.sale_id, s.day, s.marketplace, s.fees_cents, s.shipping_charged_cents, s.shipping_paid_cents, s.cost_cents, s.refund_cents, s.returned_at, s.profit_cents
           from ${tables.analytics_sales} s join r using (product_id, sale_id)
       ),
       changed as (
         update ${tables.analytics_sales} s
            set fees_cents = ${value('fees_cents')}, shipping_charged_cents = ${value('shipping_charged_cents')}, shipping_paid_cents = ${value('shipping_paid_cents')},
                refund_cents = ${value('refund_cents')}, restocked = ${value('restocked')}, returned_at = ${value('returned_at')}, cost_cents = ${cost},
                profit_cents = s.gross_cents + ${value('shipping_charged_cents')} - ${value('shipping_paid_cents')} - ${value('fees_cents')} - ${cost} - ${value('refund_cents')}
           from r where s.product_id = r.product_id and s.sale_id = r.sale_id
         returning s.product_id, s.sale_id, s.fees_cents, s.shipping_charged_cents, s.shipping_paid_cents, s.cost_cents, s.refund_cents, s.returned_at, s.profit_cents
       )
       update ${daily} d
          set fees_cents = d.fees_cents + x.fees, shipping_charged_cents = d.shipping_charged_cents + x.charged, shipping_paid_cents = d.shipping_paid_cents + x.paid,
              cost_cents = d.cost_cents + x.cost, refunds_cents = d.refunds_cents + x.refunds, returns = d.returns + x.returns, profit_cents = d.profit_cents + x.profit
         from (select old.day, old.marketplace, sum(c.fees_cents - old.fees_cents) as fees, sum(c.shipping_charged_cents - old.shipping_charged_cents) as charged,
                      sum(c.shipping_paid_cents - old.shipping_paid_cents) as paid, sum(c.cost_cents - old.cost_cents) as cost, sum(c.refund_cents - old.refund_cents) as refunds,
                      count(*) filter (where old.returned_at is null and c.returned_at is not null) as returns, sum(c.profit_cents - old.profit_cents) as profit
                 from changed c join old using (product_id, sale_id) group by old.day, old.marketplace) x
        where d.day = x.day and d.marketplace = x.marketplace`,
      [JSON.stringify(result.adjustments)],
    );
  }
  if (result.counts.length > 0) {
    await db.query(
      `insert into ${daily} as d (day, marketplace, listed, new_products)
       select (at at time zone $2)::date, marketplace, sum(listed), sum(new_products)
         from jsonb_to_recordset($1::jsonb) as r(at timestamptz, marketplace text, listed integer, new_products integer)
        group by 1, 2
       on conflict (day, marketplace) do update set listed = d.listed + excluded.listed, new_products = d.new_products + excluded.new_products`,
      [JSON.stringify(result.counts), ANALYTICS_TIME_ZONE],
    );
  }
}

export const analyticsProjection: Projection = {
  name: 'analytics',
  consistency: 'eventual',
  tables: ['analytics_products', 'analytics_listings', 'analytics_sales', 'analytics_daily', 'analytics_days_to_sell'],
  handles: [...PRODUCT_EVENTS, ...LISTING_EVENTS],
  async apply(db, tables, events) {
    const { products, listings } = await load(db, tables, batchKeys(events));
    await write(db, tables, foldAnalytics(events, products, listings));
  },
};
