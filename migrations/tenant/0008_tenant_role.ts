import type { Knex } from 'knex';

/**
 * Each tenant gets a role of its own, named like its schema (`client_7`), that can read and
 * write that schema's rows and nothing else. A tenant transaction switches to it
 * (src/infra/db/tenant-transaction.ts), so a query that names another tenant's schema fails with
 * "permission denied" instead of reading someone else's data. The app role reaches the tenant
 * roles through the group `stoflow_tenants` (it may SET ROLE to them, and inherits nothing).
 * Roles are cluster-wide and may already exist (another database, a rerun): created only when
 * missing, and two tenants created at once do not trip over the group.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    do $role$
    declare
      s text := current_schema();
    begin
      begin
        create role stoflow_tenants nologin noinherit;
      exception when duplicate_object or unique_violation then null;
      end;
      begin
        execute format('create role %I nologin noinherit', s);
      exception when duplicate_object or unique_violation then null;
      end;
      execute format('grant usage on schema %I to %I', s, s);
      execute format('grant select, insert, update, delete on all tables in schema %I to %I', s, s);
      execute format('grant usage, select, update on all sequences in schema %I to %I', s, s);
      execute format('alter default privileges in schema %I grant select, insert, update, delete on tables to %I', s, s);
      execute format('alter default privileges in schema %I grant usage, select, update on sequences to %I', s, s);
      execute format('grant %I to stoflow_tenants', s);
    end
    $role$;
  `);
}

/** The role may serve the same schema name in another database: it stays. */
export async function down(): Promise<void> {}
