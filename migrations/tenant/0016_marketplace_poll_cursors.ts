import type { Knex } from 'knex';

/**
 * How far each marketplace's orders have been polled: the next poll asks from a little before
 * `polled_until` (the window overlaps; reports are deduplicated by line), so an order modified
 * while a poll ran is never missed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table marketplace_poll_cursors (
      marketplace text primary key,
      polled_until timestamptz not null,
      polled_at timestamptz not null
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists marketplace_poll_cursors');
}
