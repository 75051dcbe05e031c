/*
 * Applies knex migrations to `public` and to every tenant schema. Each schema migrates in one
 * transaction of its own (all its pending migrations or none), under a transaction-scoped advisory
 * lock so two processes starting together never migrate the same schema twice.
 */
import type { Knex } from 'knex';
import type { Migration } from '../../../migrations/types';
import { publicMigrations } from '../../../migrations/public';
import { tenantMigrations } from '../../../migrations/tenant';
import type { Tenancy } from './tenancy';
import { LOCK_NAMESPACE } from './locks';
import { scopeToSchema } from './tenant-transaction';

export interface SchemaStatus {
  schema: string;
  applied: string[];
  pending: string[];
}

export interface TenantMigrationFailure {
  tenantId: number;
  schema: string;
  error: string;
}

export interface MigrateAllResult {
  publicApplied: string[];
  tenants: number;
  tenantsApplied: number;
  failures: TenantMigrationFailure[];
}

export interface MigrateOptions {
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  /** Migrations to use instead of the shipped ones (tests). */
  tenantMigrations?: Migration[];
  /** Migrate only these tenants (default: every tenant). */
  tenants?: number[];
}

async function appliedNames(trx: Knex.Transaction, schema: string): Promise<string[]> {
  await trx.raw(
    `create table if not exists "${schema}".schema_migrations (name text primary key, applied_at timestamptz not null default now())`,
  );
  const rows = await trx.withSchema(schema).select('name').from('schema_migrations').orderBy('name');
  return rows.map((r: { name: string }) => r.name);
}

/** Applies the pending migrations of one schema inside the caller's transaction. */
export async function migrateSchemaInTransaction(
  trx: Knex.Transaction,
  schema: string,
  migrations: Migration[],
): Promise<string[]> {
  await trx.raw('select pg_advisory_xact_lock(?, hashtext(?))', [LOCK_NAMESPACE, schema]);
  await trx.raw(`create schema if not exists "${schema}"`);
  const done = new Set(await appliedNames(trx, schema));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.name)) continue;
    // Unqualified names land in the schema being migrated.
    await scopeToSchema(trx, schema);
    await migration.up(trx);
    await trx.withSchema(schema).insert({ name: migration.name }).into('schema_migrations');
    applied.push(migration.name);
  }
  await scopeToSchema(trx, 'public');
  return applied;
}

export async function migratePublic(knex: Knex): Promise<string[]> {
  return knex.transaction((trx) => migrateSchemaInTransaction(trx, 'public', publicMigrations));
}

/** Creates a tenant's schema with every tenant migration, inside the caller's transaction. */
export async function createTenantSchema(trx: Knex.Transaction, tenancy: Tenancy, tenantId: number): Promise<string> {
  const schema = tenancy.schema(tenantId);
  await migrateSchemaInTransaction(trx, schema, tenantMigrations);
  return schema;
}

export interface TenantFields {
  business_name?: string | null;
  account_type?: 'individual' | 'business';
  business_type?: string | null;
  /** A size band (`0_50` … `1000_plus`); the column's check constraint lists them. */
  estimated_products?: string | null;
  /** IANA zone; the column's default (Europe/Paris) otherwise. */
  time_zone?: string;
  created_at?: Date;
}

/**
 * A tenant row and its schema with every tenant migration, inside the caller's transaction. The
 * id is drawn first, so the row is written once with its final schema name.
 */
export async function createTenant(trx: Knex.Transaction, tenancy: Tenancy, fields: TenantFields = {}): Promise<number> {
  const { rows } = await trx.raw<{ rows: { id: number }[] }>(`select nextval(pg_get_serial_sequence('public.tenants', 'id'))::int as id`);
  const tenantId = rows[0]!.id;
  await trx('public.tenants').insert({
    id: tenantId,
    business_name: fields.business_name ?? null,
    account_type: fields.account_type ?? 'individual',
    business_type: fields.business_type ?? null,
    estimated_products: fields.estimated_products ?? null,
    schema_name: tenancy.schema(tenantId),
    ...(fields.time_zone ? { time_zone: fields.time_zone } : {}),
    ...(fields.created_at ? { created_at: fields.created_at } : {}),
  });
  await createTenantSchema(trx, tenancy, tenantId);
  return tenantId;
}

export async function listTenantIds(knex: Knex): Promise<number[]> {
  const rows = await knex('public.tenants').select('id').orderBy('id');
  return rows.map((r: { id: number }) => r.id);
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** Migrates public, then every tenant in parallel; a failing tenant is reported, the rest go on. */
export async function migrateAll(knex: Knex, tenancy: Tenancy, options: MigrateOptions = {}): Promise<MigrateAllResult> {
  const publicApplied = await migratePublic(knex);
  const all = await listTenantIds(knex);
  const ids = options.tenants ? all.filter((id) => options.tenants!.includes(id)) : all;
  const migrations = options.tenantMigrations ?? tenantMigrations;
  const failures: TenantMigrationFailure[] = [];
  let done = 0;
  let tenantsApplied = 0;
  await pool(ids, options.concurrency ?? 4, async (tenantId) => {
    const schema = tenancy.schema(tenantId);
    try {
      const applied = await knex.transaction((trx) => migrateSchemaInTransaction(trx, schema, migrations));
      if (applied.length > 0) tenantsApplied++;
    } catch (err) {
      failures.push({ tenantId, schema, error: err instanceof Error ? err.message : String(err) });
    }
    options.onProgress?.(++done, ids.length);
  });
  return { publicApplied, tenants: ids.length, tenantsApplied, failures };
}

export async function migrationStatus(knex: Knex, tenancy: Tenancy): Promise<SchemaStatus[]> {
  const statusOf = async (schema: string, migrations: Migration[]): Promise<SchemaStatus> => {
    const exists = await knex('information_schema.tables')
      .where({ table_schema: schema, table_name: 'schema_migrations' })
      .first();
    const applied = exists
      ? (await knex.withSchema(schema).select('name').from('schema_migrations').orderBy('name')).map(
          (r: { name: string }) => r.name,
        )
      : [];
    const done = new Set(applied);
    return { schema, applied, pending: migrations.map((m) => m.name).filter((n) => !done.has(n)) };
  };
  const result = [await statusOf('public', publicMigrations)];
  const hasTenants = await knex('information_schema.tables').where({ table_schema: 'public', table_name: 'tenants' }).first();
  if (hasTenants) {
    for (const id of await listTenantIds(knex)) result.push(await statusOf(tenancy.schema(id), tenantMigrations));
  }
  return result;
}
