/*
 * Stream names on EventStoreDB / KurrentDB: `<tenant schema>.<stream id>`, e.g.
 * `client_7.product-3f2a…`.
 *
 * - The tenant comes first, so a tenant's log is `$all` filtered by the prefix `client_7.`
 *   (the dot keeps `client_7.` from matching `client_70.`).
 * - The `$by_category` projection cuts a name at its FIRST dash, and the tenant part never holds
 *   one (schema names are `[a-z0-9_]`), so the category of `client_7.product-3f2a…` is
 *   `client_7.product` and `$ce-client_7.product` lists one tenant's products: categories stay
 *   meaningful and never mix tenants.
 * - Our own stream ids keep their `<category>-<id>` shape; the mapping is reversible.
 */
import type { Tenancy } from '../infra/db/tenancy';
import type { TenantId } from './types';

export interface EsdbNaming {
  streamName(tenant: TenantId, stream: string): string;
  /** The `$all` prefix of one tenant's streams. */
  tenantPrefix(tenant: TenantId): string;
  /** Matches the stream names of every tenant (for one subscription that wakes them all). */
  anyTenantRegex(): string;
  /** The tenant and our stream id behind an ESDB stream name, or null for foreign streams. */
  parse(name: string): { tenant: TenantId; stream: string } | null;
}

export function esdbNaming(tenancy: Tenancy): EsdbNaming {
  return {
    streamName(tenant, stream) {
      if (stream.length === 0 || stream.startsWith('$')) throw new Error(`Invalid stream id: ${stream}`);
      return `${tenancy.schema(tenant)}.${stream}`;
    },
    tenantPrefix: (tenant) => `${tenancy.schema(tenant)}.`,
    anyTenantRegex: () => `^${tenancy.prefix}[1-9][0-9]*\\.`,
    parse(name) {
      const dot = name.indexOf('.');
      if (dot < 0) return null;
      const tenant = tenancy.tenantOf(name.slice(0, dot));
      return tenant === null ? null : { tenant, stream: name.slice(dot + 1) };
    },
  };
}
