import type { Pool } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import type { TenantPools } from '../infra/db/tenant-pools';
import { createEsdbEventStore } from './esdb-event-store';
import { createPostgresEventStore } from './postgres-event-store';
import type { EventStore, InlineProjector, Upcaster } from './types';

export type * from './types';
export { createUpcasterRegistry, type UpcasterRegistry } from './upcasters';
export { subscribe, type EventHandler, type SubscribeOptions, type Subscription } from './subscribe';
export { createPostgresEventStore, DEFAULT_EVENTS_CHANNEL } from './postgres-event-store';
export { createEsdbEventStore } from './esdb-event-store';

export interface EventStoreOptions {
  pool: Pool | TenantPools;
  tenancy: Tenancy;
  /** EVENTSTORE_CONNECTION_STRING: when set, the log lives in EventStoreDB / KurrentDB. */
  connectionString?: string;
  /** Read models projected in the append transaction (PostgreSQL only; ignored otherwise). */
  inline?: InlineProjector;
  upcasters?: readonly Upcaster[];
  /** NOTIFY channel of the PostgreSQL store. */
  channel?: string;
  pollIntervalMs?: number;
  crossTenant?: import('./postgres-commit-groups').CommitGroupLimits & { inFlight?: number };
}

/**
 * The event store the configuration asks for: PostgreSQL by default, EventStoreDB when a
 * connection string is given. Read models stay in PostgreSQL either way; with EventStoreDB
 * `projectsInline` is false and commands wait for the projection runner instead.
 */
export function createEventStore(options: EventStoreOptions): EventStore {
  const { pool, tenancy, connectionString, inline, upcasters, channel, pollIntervalMs, crossTenant } = options;
  if (connectionString) return createEsdbEventStore({ connectionString, tenancy, upcasters, pollIntervalMs });
  return createPostgresEventStore({ pool, tenancy, inline, upcasters, channel, pollIntervalMs, crossTenant });
}
