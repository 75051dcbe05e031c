/*
 * Where each tenant's data lives: schema `<prefix><tenant id>` (`client_7`). The prefix comes
 * from the configuration and is handed to whoever builds tenant SQL as a `Tenancy`, built once
 * by the composition root. Names are built from integer ids only, never from input text, so a
 * name can always be interpolated into SQL as an identifier.
 */
import type { TenantPools } from './tenant-pools';

export const DEFAULT_SCHEMA_PREFIX = 'client_';

export interface Tenancy {
  readonly prefix: string;
  /** `client_7` */
  schema(tenantId: number): string;
  /** `"client_7"."products"` — a schema-qualified, quoted identifier for tenant SQL. */
  table(tenantId: number, table: string): string;
  /** The tenant id a schema name stands for, or null when it is not a tenant schema. */
  tenantOf(schema: string): number | null;
}

export function createTenancy(prefix: string = DEFAULT_SCHEMA_PREFIX): Tenancy {
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(prefix)) throw new Error(`Invalid tenant schema prefix: ${prefix}`);
  const schema = (tenantId: number): string => {
    if (!Number.isSafeInteger(tenantId) || tenantId <= 0) throw new Error(`Invalid tenant id: ${String(tenantId)}`);
    return `${prefix}${tenantId}`;
  };
  return {
    prefix,
    schema,
    table(tenantId, table) {
      if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`Invalid table name: ${table}`);
      return `"${schema(tenantId)}"."${table}"`;
    },
    tenantOf(name) {
      if (!name.startsWith(prefix)) return null;
      const rest = name.slice(prefix.length);
      return /^[1-9][0-9]*$/.test(rest) ? Number(rest) : null;
    },
  };
}

/** What reading or writing a tenant's tables takes: its connections and where the tables are. */
export interface TenantDb {
  /** `db.of(tenant)`: the connections for that tenant's tables; `db` itself for shared tables. */
  db: TenantPools;
  tenancy: Tenancy;
}
