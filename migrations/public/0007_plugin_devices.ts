import type { Knex } from 'knex';

/**
 * The seller's browser-extension installs (devices). An extension calls the plugin routes with
 * `Authorization: Device <token>` and no bearer token, so the device row is what names the tenant
 * (like `oauth_states`, it lives in public): only the token's SHA-256 is kept, the token itself
 * is shown once, when the device is created. Revoking keeps the row, for the list's history.
 * `vinted_member_id` is the Vinted member the extension last said it is signed in as: tasks go
 * only to a device signed in as the connected member.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table public.plugin_devices (
      id uuid primary key,
      tenant_id integer not null references public.tenants(id) on delete cascade,
      user_id uuid not null references public.users(id) on delete cascade,
      name text not null,
      token_hash bytea not null unique,
      created_at timestamptz not null,
      last_seen_at timestamptz,
      revoked_at timestamptz,
      vinted_member_id text
    );
    create index plugin_devices_by_tenant on public.plugin_devices (tenant_id, created_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists public.plugin_devices');
}
