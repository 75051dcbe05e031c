import type { Knex } from 'knex';

/**
 * The `state` of a marketplace consent in progress. The marketplace sends the seller's browser
 * back to Stoflow's callback with it and no bearer token, so the state is what names the tenant
 * and the user: only its SHA-256 is kept, it expires after ten minutes, and it is deleted as it
 * is used (single use). An Etsy consent also keeps its PKCE verifier here, sealed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table public.oauth_states (
      state_hash bytea primary key,
      tenant_id integer not null references public.tenants(id) on delete cascade,
      user_id uuid not null,
      marketplace text not null,
      verifier text,
      return_to text,
      created_at timestamptz not null,
      expires_at timestamptz not null
    );
    create index oauth_states_expiry on public.oauth_states (expires_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists public.oauth_states');
}
