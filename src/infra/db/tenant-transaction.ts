import { inTransaction, type Pool, type PoolClient } from './postgres';
import type { Tenancy } from './tenancy';

/**
 * Runs `fn` in a transaction whose `search_path` is the tenant's schema, then public. The setting
 * is transaction-local (`set_config(…, true)`): commit or rollback drops it, so the connection goes
 * back to the pool without a tenant. Unqualified table names in `fn` resolve in the tenant's schema.
 */
export async function withTenant<T>(pool: Pool, tenancy: Tenancy, tenantId: number, fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const schema = tenancy.schema(tenantId); // throws on anything but a positive integer id
  return inTransaction(pool, fn, `${schema},public`);
}
