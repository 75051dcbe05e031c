import type { Knex } from 'knex';

/**
 * The marketplace site a consent connects (`GET /api/integrations/ebay/connect?site=EBAY_DE`),
 * kept with the state until the callback: null for the server's default (EBAY_MARKETPLACE_ID).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table public.oauth_states add column site text');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table public.oauth_states drop column if exists site');
}
