import type { Knex } from 'knex';

/**
 * A product is shown `published` while one of its listings is live (active, or being updated):
 * the product queries ask the listings read model that for each product they show, and count the
 * published ones, through this index of the live listings only (few beside the ended ones).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index listings_live on listings (product_id) where status in ('active', 'updating')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists listings_live');
}
