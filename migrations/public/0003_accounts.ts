import type { Knex } from 'knex';

/**
 * Sign-in sessions. A session is one refresh-token family: every rotation adds a token to it, and
 * ending it (logout, or a used token presented again) revokes the whole family and the access
 * tokens issued for it, which carry its id in their `sid` claim.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table auth_sessions (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      tenant_id integer not null references tenants (id) on delete cascade,
      created_at timestamptz not null,
      last_refreshed_at timestamptz,
      revoked_at timestamptz,
      revoked_reason text check (revoked_reason in ('logout', 'refresh_token_reused'))
    );
    create index auth_sessions_user_idx on auth_sessions (user_id);

    alter table refresh_tokens
      add constraint refresh_tokens_family_fk foreign key (family_id) references auth_sessions (id) on delete cascade;
    create index refresh_tokens_user_idx on refresh_tokens (user_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index if exists refresh_tokens_user_idx;
    alter table refresh_tokens drop constraint if exists refresh_tokens_family_fk;
    drop table if exists auth_sessions;
  `);
}
