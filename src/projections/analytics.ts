/*
 * The analytics read models (tables in tenant migrations 0019 and 0024): products and listings as analytics
 * sees them, one row per sale, and daily sums per marketplace. Eventual: the processor applies a
 * batch a time with its checkpoint; a sale shows in the figures a moment after it is recorded.
 *
 * A batch loads the rows it touches (the listings named, then every product concerned with all
 * its listings), folds the events in memory (analytics-fold.ts), and writes with a few statements.
 * Sales are inserted once (their key is the product and the sale id) and only the sales inserted
 * add to the daily sums and to the days-to-sell counts; new fees and shipping of a stored sale,
 * or its return, replace its own and move its day by the difference; days are the shop's, cut by PostgreSQL in
 * the zone kept in `analytics_settings` (migration 0024; none: ANALYTICS_TIME_ZONE). A
 * ShopTimeZoneChanged splits its batch: the events before it are counted in the old zone, then
 * every day is re-bucketed from the sales, the products' creations and the publications
 * (`analytics_publications`, one row per ListingPublished) in the new one.
 */
import { PRODUCT_EVENT_TYPES } from '../domain/product/events';
import type { ShopTimeZoneChanged } from '../domain/shop/shop';
import type { Projection, Tables } from '../engine/projection';
import type { RecordedEvent } from '../eventstore/types';
import type { Queryable } from '../infra/db/postgres';
import { ANALYTICS_TIME_ZONE } from '../shared/analytics';
import { batchKeys, foldAnalytics, type AnalyticsListing, type AnalyticsProduct, type FoldResult } from './analytics-fold';

/** Image events change no figure: they are not read. */
const IMAGE_EVENTS: readonly string[] = ['ProductImageAdded', 'ProductImageRemoved', 'ProductImagesReordered'];
const PRODUCT_EVENTS = PRODUCT_EVENT_TYPES.filter((type) => !IMAGE_EVENTS.includes(type));

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

/**
 * The money a day of a marketplace sums from its sales, once: daily column ← sale column. The
 * incremental write and the re-count after a time-zone change both follow it (a new money
 * column is one line here, with its columns in SALE_COLUMNS and the tables).
 */
const MONEY: readonly (readonly [daily: string, sale: string])[] = [
  ['revenue_cents', 'gross_cents'],
  ['fees_cents', 'fees_cents'],
  ['shipping_charged_cents', 'shipping_charged_cents'],
  ['shipping_paid_cents', 'shipping_paid_cents'],
  ['cost_cents', 'cost_cents'],
  ['refunds_cents', 'refund_cents'],
  ['profit_cents', 'profit_cents'],
];
/** Everything a day of a marketplace sums from its sales: daily column ← aggregate over the sales. */
const SALE_SUMS: readonly (readonly [daily: string, aggregate: string])[] = [
  ['sales', 'count(*)'],
  ['units', 'sum(quantity)'],
  ...MONEY.map(([daily, sale]) => [daily, `sum(${sale})`] as const),
  ['without_cost', 'count(*) filter (where not cost_known)'],
  ['returns', 'count(*) filter (where returned_at is not null)'],
];
/** The sale columns those sums read. */
const SUMMED_SALE_COLUMNS = ['quantity', 'cost_known', 'returned_at', ...MONEY.map(([, sale]) => sale)].join(', ');
const PUBLICATION_COLUMNS = 'listing_id uuid, version integer, marketplace text, published_at timestamptz';

const dailyColumns = SALE_SUMS.map(([c]) => c).join(', ');
const dailyAggregates = SALE_SUMS.map(([, a]) => a).join(', ');

/** Days-to-sell counts per local day ('d') and month ('m'), grouped from `source` (sales rows with day, marketplace, days_to_sell). */
const histogram = (table: string, grain: 'd' | 'm', source: string, merge: boolean) => `
  insert into ${table} as h (grain, start, marketplace, days_to_sell, sales)
  select '${grain}', ${grain === 'd' ? 'day' : "date_trunc('month', day)::date"}, marketplace, days_to_sell, count(*) from ${source} group by 2, 3, 4
  ${merge ? 'on conflict (grain, start, marketplace, days_to_sell) do update set sales = h.sales + excluded.sales' : ''}`;

async function write(db: Queryable, tables: Tables, result: FoldResult, timeZone: string): Promise<void> {
  if (result.products.length > 0) await db.query(upsert(tables.analytics_products!, PRODUCT_COLUMNS, 'product_id'), [JSON.stringify(result.products)]);
  if (result.listings.length > 0) await db.query(upsert(tables.analytics_listings!, LISTING_COLUMNS, 'listing_id'), [JSON.stringify(result.listings)]);
  if (result.publications.length > 0) {
    await db.query(
      `insert into ${tables.analytics_publications} (${names(PUBLICATION_COLUMNS).join(', ')})
       select ${names(PUBLICATION_COLUMNS).join(', ')} from jsonb_to_recordset($1::jsonb) as r(${PUBLICATION_COLUMNS})
       on conflict (listing_id, version) do nothing`,
      [JSON.stringify(result.publications)],
    );
  }
  const daily = tables.analytics_daily!;
  if (result.sales.length > 0) {
    const all = names(SALE_COLUMNS);
    const days = tables.analytics_days_to_sell!;
    await db.query(
      `with inserted as (
         insert into ${tables.analytics_sales} (${all.join(', ')}, day)
         select ${all.join(', ')}, (sold_at at time zone $2)::date from jsonb_to_recordset($1::jsonb) as r(${SALE_COLUMNS})
         on conflict (product_id, sale_id) do nothing
         returning day, marketplace, days_to_sell, ${SUMMED_SALE_COLUMNS}
       ),
       by_day as (${histogram(days, 'd', 'inserted', true)}),
       by_month as (${histogram(days, 'm', 'inserted', true)})
       insert into ${daily} as d (day, marketplace, ${dailyColumns})
       select day, marketplace, ${dailyAggregates} from inserted group by day, marketplace
       on conflict (day, marketplace) do update set ${SALE_SUMS.map(([c]) => `${c} = d.${c} + excluded.${c}`).join(', ')}`,
      [JSON.stringify(result.sales), timeZone],
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
      [JSON.stringify(result.counts), timeZone],
    );
  }
}

/** The zone the tables are bucketed in, and the `shop` stream version it came from (none yet: the default). */
async function settings(db: Queryable, tables: Tables): Promise<{ time_zone: string; version: number }> {
  const { rows } = await db.query<{ time_zone: string; version: number }>(`select time_zone, version from ${tables.analytics_settings}`);
  return rows[0] ?? { time_zone: ANALYTICS_TIME_ZONE, version: 0 };
}

/**
 * The seller chose another zone: every sale's day is cut again, and the daily tables are counted
 * again from what they sum (the sales, the products' creations, the publications) in the new zone.
 */
async function rebucket(db: Queryable, tables: Tables, timeZone: string): Promise<void> {
  const daily = tables.analytics_daily!;
  const days = tables.analytics_days_to_sell!;
  await db.query(`update ${tables.analytics_sales} set day = (sold_at at time zone $1)::date where day <> (sold_at at time zone $1)::date`, [timeZone]);
  await db.query(`delete from ${daily}`);
  await db.query(`delete from ${days}`);
  await db.query(`insert into ${daily} (day, marketplace, ${dailyColumns}) select day, marketplace, ${dailyAggregates} from ${tables.analytics_sales} group by day, marketplace`);
  await db.query(
    `insert into ${daily} as d (day, marketplace, listed)
     select (published_at at time zone $1)::date, marketplace, count(*) from ${tables.analytics_publications} group by 1, 2
     on conflict (day, marketplace) do update set listed = excluded.listed`,
    [timeZone],
  );
  await db.query(
    `insert into ${daily} as d (day, marketplace, new_products)
     select (created_at at time zone $1)::date, '', count(*) from ${tables.analytics_products} group by 1
     on conflict (day, marketplace) do update set new_products = excluded.new_products`,
    [timeZone],
  );
  await db.query(histogram(days, 'd', tables.analytics_sales!, false));
  await db.query(histogram(days, 'm', tables.analytics_sales!, false));
}

/** Applies a zone change once (guarded by the `shop` stream's version); returns the zone in force after it. */
async function changeZone(db: Queryable, tables: Tables, current: { time_zone: string; version: number }, event: RecordedEvent): Promise<{ time_zone: string; version: number }> {
  if (event.streamVersion <= current.version) return current;
  const { time_zone } = event.data as ShopTimeZoneChanged['data'];
  await db.query(
    `insert into ${tables.analytics_settings} (time_zone, version) values ($1, $2)
     on conflict (id) do update set time_zone = excluded.time_zone, version = excluded.version`,
    [time_zone, event.streamVersion],
  );
  if (time_zone !== current.time_zone) await rebucket(db, tables, time_zone);
  return { time_zone, version: event.streamVersion };
}

async function applyInZone(db: Queryable, tables: Tables, events: readonly RecordedEvent[], timeZone: string): Promise<void> {
  if (events.length === 0) return;
  const { products, listings } = await load(db, tables, batchKeys(events));
  await write(db, tables, foldAnalytics(events, products, listings), timeZone);
}

export const analyticsProjection: Projection = {
  name: 'analytics',
  consistency: 'eventual',
  tables: ['analytics_products', 'analytics_listings', 'analytics_sales', 'analytics_daily', 'analytics_days_to_sell', 'analytics_publications', 'analytics_settings'],
  handles: [...PRODUCT_EVENTS, ...LISTING_EVENTS, 'ShopTimeZoneChanged'],
  async apply(db, tables, events) {
    // In log order: what comes before a zone change is counted in the zone before it.
    let zone = await settings(db, tables);
    let from = 0;
    for (let i = 0; i < events.length; i++) {
      if (events[i]!.type !== 'ShopTimeZoneChanged') continue;
      await applyInZone(db, tables, events.slice(from, i), zone.time_zone);
      zone = await changeZone(db, tables, zone, events[i]!);
      from = i + 1;
    }
    await applyInZone(db, tables, events.slice(from), zone.time_zone);
  },
};
