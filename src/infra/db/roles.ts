/*
 * The service's requests run as a role that can read and write rows and nothing more: no
 * superuser, no ownership of tables, no DDL. Migrations, registration's new tenant schemas and the
 * CLI's rebuilds use the owner connection (DATABASE_OWNER_URL; the embedded server's `postgres`);
 * the API and the workers use DATABASE_URL (the embedded server's `stoflow_app`). The owner grants
 * the app role what it needs on every schema, and sets default privileges so that what the owner
 * creates later (a tenant's schema at registration, a rebuilt table) is usable at once.
 */
import type { Knex } from 'knex';
import { LOCK_NAMESPACE } from './locks';

export interface AppRole {
  name: string;
  /** Given for the embedded server, whose app role Stoflow creates itself (and keeps in step). */
  password?: string;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** The user a connection URL logs in as. */
export function userOf(connectionString: string): string {
  return decodeURIComponent(new URL(connectionString).username || 'postgres');
}

/**
 * Creates the app role when asked to (embedded), then grants it rows, sequences and schema usage
 * on public and on every schema listed, and default privileges on what the owner creates next.
 * Idempotent; run by the owner after each migration.
 */
export async function grantAppRole(db: Knex, role: AppRole, schemas: readonly string[]): Promise<void> {
  // Two processes starting together would update the same catalogue rows: one at a time.
  await db.transaction(async (knex) => {
    await knex.raw('select pg_advisory_xact_lock(?, hashtext(?))', [LOCK_NAMESPACE, 'app-role']);
    await grantInTransaction(knex, role, schemas);
  });
}

async function grantInTransaction(knex: Knex.Transaction, role: AppRole, schemas: readonly string[]): Promise<void> {
  const app = quoteIdent(role.name);
  if (role.password !== undefined) {
    const { rows } = await knex.raw<{ rows: unknown[] }>('select 1 from pg_roles where rolname = ?', [role.name]);
    const verb = rows.length === 0 ? 'create' : 'alter';
    await knex.raw(`${verb} role ${app} login nosuperuser nocreatedb nocreaterole noinherit password ${quoteLiteral(role.password)}`);
  }
  // One statement for every schema: a thousand tenants are granted in a moment, at each start.
  const list = ['public', ...schemas].map(quoteLiteral).join(', ');
  await knex.raw(`do $grant$ declare s text; r text := ${quoteLiteral(role.name)}; begin
    foreach s in array array[${list}]::text[] loop
      execute format('grant usage on schema %I to %I', s, r);
      execute format('grant select, insert, update, delete on all tables in schema %I to %I', s, r);
      execute format('grant usage, select, update on all sequences in schema %I to %I', s, r);
    end loop;
  end $grant$`);
  // Tenant transactions switch to the tenant's role (tenant migration 0008): the app role may, as
  // a member of their group, and inherits none of their rights.
  await knex.raw(`do $group$ begin create role stoflow_tenants nologin noinherit; exception when duplicate_object or unique_violation then null; end $group$`);
  await knex.raw(`grant stoflow_tenants to ${app}`);
  await knex.raw(`alter default privileges grant usage on schemas to ${app}`);
  await knex.raw(`alter default privileges grant select, insert, update, delete on tables to ${app}`);
  await knex.raw(`alter default privileges grant usage, select, update on sequences to ${app}`);
}

/** Whether the role a connection logs in as is a superuser (the service warns when it is). */
export async function isSuperuser(knex: Knex, name: string): Promise<boolean> {
  const { rows } = await knex.raw<{ rows: { rolsuper: boolean }[] }>('select rolsuper from pg_roles where rolname = ?', [name]);
  return rows[0]?.rolsuper === true;
}
