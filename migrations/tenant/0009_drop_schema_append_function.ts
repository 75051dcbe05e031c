import type { Knex } from 'knex';

/**
 * The tenant's own append_events gives way to the shared public.append_events (public migration
 * 0005), which every connection compiles once instead of once per tenant.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`drop function if exists append_events(text[], bigint[], integer[], uuid[], text[], integer[], jsonb[], jsonb[], text)`);
}

/** The schema's copy comes back only with tenant migration 0001; the shared one keeps serving. */
export async function down(): Promise<void> {}
