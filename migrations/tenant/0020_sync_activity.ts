import type { Knex } from 'knex';

/**
 * The sync activity read model (GET /api/sync/activity): every sale, and for each other
 * marketplace what sync did about it — delisted, quantity updated, not listed, failed with its
 * next retry… — with the events that settled it. `sync_activity_listings` is the projection's own
 * view of each listing's state, so a sale's first outcome follows from the log alone.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table sync_activity_listings (
      listing_id uuid primary key,
      product_id uuid not null,
      marketplace text not null,
      status text not null,
      product_version integer not null,
      version integer not null
    );
    create index sync_activity_listings_product on sync_activity_listings (product_id);
    create table sync_activity_sales (
      sale_id uuid primary key,
      product_id uuid not null,
      channel text not null,
      quantity integer not null,
      remaining_stock integer not null,
      oversold boolean not null,
      order_id text,
      line_id text,
      sold_at timestamptz not null,
      product_version integer not null,
      event_id uuid not null,
      correlation_id text
    );
    create index sync_activity_sales_recent on sync_activity_sales (sold_at desc, sale_id);
    create index sync_activity_sales_product on sync_activity_sales (product_id, sold_at desc);
    create table sync_activity_outcomes (
      sale_id uuid not null,
      marketplace text not null,
      product_id uuid not null,
      listing_id uuid,
      action text check (action in ('delist', 'update')),
      product_version integer not null,
      outcome text not null,
      reason text,
      next_retry_at timestamptz,
      decided_at timestamptz,
      event_id uuid,
      primary key (sale_id, marketplace)
    );
    create index sync_activity_outcomes_open on sync_activity_outcomes (product_id, marketplace) where outcome in ('pending', 'failed');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists sync_activity_outcomes; drop table if exists sync_activity_sales; drop table if exists sync_activity_listings');
}
