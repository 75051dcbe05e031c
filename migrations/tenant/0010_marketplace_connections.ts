import type { Knex } from 'knex';

/**
 * Marketplace connections. `marketplace_connections` is the read model of the connection
 * streams (projection src/projections/marketplace-connections.ts). `marketplace_credentials`
 * is not a projection: it holds the grant's tokens, sealed with TOKEN_ENCRYPTION_KEY, which must
 * never enter the log, and what the last calls with them did; disconnecting deletes the row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table marketplace_connections (
      marketplace text primary key,
      status text not null check (status in ('connected', 'revoked', 'disconnected')),
      account_id text,
      account_name text,
      shop_id text,
      scopes text[] not null default '{}',
      site text,
      settings jsonb not null default '{}',
      options jsonb not null default '{}',
      connected_at timestamptz,
      status_reason text,
      updated_at timestamptz not null,
      version integer not null
    );
    create table marketplace_credentials (
      marketplace text primary key,
      account_id text not null,
      access_token text not null,
      access_expires_at timestamptz not null,
      refresh_token text,
      refresh_expires_at timestamptz,
      scopes text[] not null default '{}',
      refreshed_at timestamptz not null,
      last_success_at timestamptz,
      last_error jsonb,
      revision integer not null default 1
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists marketplace_credentials; drop table if exists marketplace_connections;');
}
