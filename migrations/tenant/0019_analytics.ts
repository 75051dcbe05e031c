import type { Knex } from 'knex';

/**
 * The analytics read models, one eventual projection of the product and listing streams:
 *
 * - `analytics_products`: each product as analytics needs it now (stock, price and cost, its
 *   category and brand, when it was created, first listed, and listed since, and the marketplaces
 *   it is live on, and its oversells not settled yet): the inventory snapshot and the stale items.
 * - `analytics_listings`: each listing's product and marketplace and whether it is live, so a
 *   product's live marketplaces and listed-since follow its listings.
 * - `analytics_sales`: one row per sale with its money (gross, fees, shipping, cost of goods,
 *   net profit; cents) and the days from first listing, or from creation, to the sale. `day` is
 *   the sale's date in the account's time zone.
 * - `analytics_daily`: per local day and marketplace, the sums the time series and the summary
 *   read. `marketplace` is '' for what belongs to no marketplace (products created).
 * - `analytics_days_to_sell`: how many sales took each number of days, per local day (`grain`
 *   'd') and per month ('m') and marketplace: the median and p90 of a period come from a few
 *   thousand rows (its whole months, and the days at its ends), not from every sale.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table analytics_products (
      product_id uuid primary key,
      sku text not null,
      title text not null,
      category text not null,
      brand text,
      status text not null check (status in ('draft', 'sold', 'archived')),
      price_cents integer not null,
      cost_price_cents integer,
      stock_quantity integer not null,
      created_at timestamptz not null,
      first_listed_at timestamptz,
      listed_since timestamptz,
      live_marketplaces text[] not null default '{}',
      pending_oversells jsonb not null default '[]',
      version integer not null
    );
    create index analytics_products_in_stock on analytics_products (listed_since) where status = 'draft' and stock_quantity > 0;

    create table analytics_listings (
      listing_id uuid primary key,
      product_id uuid not null,
      marketplace text not null,
      live boolean not null,
      live_since timestamptz,
      version integer not null
    );
    create index analytics_listings_product on analytics_listings (product_id);

    create table analytics_sales (
      product_id uuid not null,
      sale_id text not null,
      sku text not null,
      title text not null,
      category text not null,
      brand text,
      marketplace text not null,
      quantity integer not null,
      unit_price_cents integer not null,
      gross_cents bigint not null,
      fees_cents bigint not null,
      shipping_cents bigint not null,
      cost_cents bigint not null,
      cost_known boolean not null,
      profit_cents bigint not null,
      sold_at timestamptz not null,
      day date not null,
      created_at timestamptz not null,
      listed_at timestamptz,
      days_to_sell integer not null,
      primary key (product_id, sale_id)
    );
    create index analytics_sales_day on analytics_sales (day)
      include (marketplace, quantity, gross_cents, fees_cents, shipping_cents, cost_cents, cost_known, profit_cents, days_to_sell);
    -- A summary for one brand or one category reads only its sales.
    create index analytics_sales_brand on analytics_sales (lower(brand), day);
    create index analytics_sales_category on analytics_sales (category, day);

    create table analytics_daily (
      day date not null,
      marketplace text not null,
      sales integer not null default 0,
      units integer not null default 0,
      revenue_cents bigint not null default 0,
      fees_cents bigint not null default 0,
      shipping_cents bigint not null default 0,
      cost_cents bigint not null default 0,
      profit_cents bigint not null default 0,
      without_cost integer not null default 0,
      listed integer not null default 0,
      new_products integer not null default 0,
      primary key (day, marketplace)
    );

    create table analytics_days_to_sell (
      grain text not null check (grain in ('d', 'm')),
      start date not null,
      marketplace text not null,
      days_to_sell integer not null,
      sales integer not null,
      primary key (grain, start, marketplace, days_to_sell)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists analytics_days_to_sell, analytics_daily, analytics_sales, analytics_listings, analytics_products');
}
