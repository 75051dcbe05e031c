import type { Knex } from 'knex';

/**
 * `marketplace_order_lines`: each order line a marketplace reported, and what became of it —
 * pending, applied (the sale recorded on the product) or refused (with the reason: a SKU or item
 * Stoflow does not know, an oversell…). A read model of the `order-*` streams, so the seller sees
 * every sale sync could not apply (GET /api/sync/unmatched) and nothing is dropped silently.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table marketplace_order_lines (
      marketplace text not null,
      order_id text not null,
      line_id text not null,
      listing_id text not null,
      quantity integer not null,
      unit_price_cents integer,
      currency text,
      via text not null,
      outcome text not null check (outcome in ('pending', 'applied', 'refused')),
      product_id uuid,
      sale_id uuid,
      reason text,
      detail text,
      reported_at timestamptz not null,
      decided_at timestamptz,
      primary key (marketplace, order_id, line_id)
    );
    create index marketplace_order_lines_outcome on marketplace_order_lines (outcome, reported_at desc);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists marketplace_order_lines');
}
