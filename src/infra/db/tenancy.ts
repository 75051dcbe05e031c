/*
 * Tenant schema names are built from integer ids only, never from input text, so a name can
 * always be interpolated into SQL as an identifier.
 */

let prefix = 'client_';

export function setSchemaPrefix(value: string): void {
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(value)) throw new Error(`Invalid tenant schema prefix: ${value}`);
  prefix = value;
}

export function schemaPrefix(): string {
  return prefix;
}

export function tenantSchema(tenantId: number): string {
  if (!Number.isSafeInteger(tenantId) || tenantId <= 0) throw new Error(`Invalid tenant id: ${String(tenantId)}`);
  return `${prefix}${tenantId}`;
}

/** `"client_7"."products"` — a schema-qualified, quoted identifier for tenant SQL. */
export function tenantTable(tenantId: number, table: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`Invalid table name: ${table}`);
  return `"${tenantSchema(tenantId)}"."${table}"`;
}

/** The tenant id a schema name stands for, or null when it is not a tenant schema. */
export function tenantIdOfSchema(schema: string): number | null {
  if (!schema.startsWith(prefix)) return null;
  const rest = schema.slice(prefix.length);
  return /^[1-9][0-9]*$/.test(rest) ? Number(rest) : null;
}
