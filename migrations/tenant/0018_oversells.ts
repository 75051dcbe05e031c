import type { Knex } from 'knex';

/**
 * `oversells`: each marketplace sale the stock could not cover (OversoldDetected on the product),
 * with the sales that took the units first, until the seller settles it (OversellResolved). A
 * read model of the product streams, listed at GET /api/sync/oversells.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table oversells (
      sale_id uuid primary key,
      product_id uuid not null,
      marketplace text not null,
      order_id text,
      line_id text,
      quantity integer not null,
      unit_price_cents integer not null,
      stock_before integer not null,
      competing_sales jsonb not null,
      detected_at timestamptz not null,
      resolution text,
      note text,
      resolved_at timestamptz
    );
    create index oversells_open on oversells (detected_at desc) where resolved_at is null;
    create index oversells_product on oversells (product_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists oversells');
}
