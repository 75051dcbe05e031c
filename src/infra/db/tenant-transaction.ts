/*
 * The one place that scopes a transaction to a schema: tenant transactions and the migrator both
 * come here, and a lint rule keeps `search_path` and role changes out of every other file, so a
 * connection can never go back to the pool still pointing at a tenant. Settings are
 * transaction-local (`set_config(…, true)`): commit or rollback drops them.
 *
 * A tenant transaction also runs as the tenant's own role (tenant migration 0008), which holds
 * rows in that schema and nothing else: a query naming another tenant's schema, by a bug in a
 * query builder or a wrong id, fails with "permission denied" rather than answering.
 */
import type { Knex } from 'knex';
import { inTransaction, type Connections, type PoolClient } from './postgres';
import type { Tenancy } from './tenancy';
import { perTenant, type TenantPools } from './tenant-pools';

const SCOPE = `select set_config('search_path', $1, true)`;
const TENANT = `select set_config('search_path', $1, true), set_config('role', $2, true)`;

/** `client_7,public`, or `public` alone. */
function pathOf(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid schema name: ${schema}`);
  return schema === 'public' ? 'public' : `${schema},public`;
}

/**
 * Runs `fn` in a transaction as the tenant's role, with `search_path` the tenant's schema, then
 * public: unqualified table names in `fn` resolve in the tenant's schema, and other tenants'
 * schemas are out of reach. Given tenant-affine connections, it runs on the tenant's own.
 */
export async function withTenant<T>(pool: Connections | TenantPools, tenancy: Tenancy, tenantId: number, fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const schema = tenancy.schema(tenantId); // throws on anything but a positive integer id
  return inTransaction(perTenant(pool).of(tenantId), async (tx) => {
    await tx.query(TENANT, [pathOf(schema), schema]);
    return fn(tx);
  });
}

/** Points the rest of a knex transaction at one schema (then public): what migrations run under. */
export async function scopeToSchema(trx: Knex.Transaction, schema: string): Promise<void> {
  await trx.raw(SCOPE.replace('$1', '?'), [pathOf(schema)]);
}
