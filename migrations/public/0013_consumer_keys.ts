import type { Knex } from 'knex';

/**
 * Consumer API keys: read-only credentials for the event feed (an analytics tool, a data
 * warehouse loader), sent as `Authorization: Bearer sfk_…`. Like `plugin_devices`, the row names
 * the tenant (the key arrives without a user token), and only the SHA-256 of the key is kept: the
 * key itself is shown once, when it is created. Revoking keeps the row, for the list's history.
 * `last_used_at` is a hint, written at most about once a minute per key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table public.consumer_keys (
      id uuid primary key,
      tenant_id integer not null references public.tenants(id) on delete cascade,
      name text not null,
      key_hash bytea not null unique,
      created_by uuid not null references public.users(id) on delete cascade,
      created_at timestamptz not null,
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index consumer_keys_by_tenant on public.consumer_keys (tenant_id, created_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists public.consumer_keys');
}
