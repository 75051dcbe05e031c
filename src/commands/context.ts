import type { AppendResult, EventMetadata, EventStore } from '../eventstore/types';
import type { Clock, IdGenerator } from '../infra/clock';

/** What every command handler gets: the store, time, ids, who is acting, and consistency. */
export interface CommandContext {
  store: EventStore;
  clock: Clock;
  ids: IdGenerator;
  metadata: EventMetadata;
  /** Resolves once the read models include this append (immediately with inline projections). */
  readYourWrites(tenant: number, append: AppendResult, types: readonly string[]): Promise<void>;
}
