import type { RecordedEvent } from '../eventstore/types';
import type { Queryable } from '../infra/db/postgres';

/** Logical table name → quoted, schema-qualified identifier (live or rebuild tables). */
export type Tables = Readonly<Record<string, string>>;

/**
 * A read model: which events it handles and the SQL that applies them, always a batch at a time
 * so catching up and rebuilding write set-based. Applying must be idempotent per event (guard on
 * the stream version or use upserts): a batch can be offered again after a crash.
 */
export interface Projection {
  /** Also its checkpoint name. */
  name: string;
  /**
   * `inline`: applied inside the append transaction (PostgreSQL store), so a command's answer is
   * already visible to queries. `eventual`: applied by the runner shortly after.
   */
  consistency: 'inline' | 'eventual';
  /** The tables it owns (created by tenant migrations); rebuilt and swapped together. */
  tables: readonly string[];
  handles: readonly string[];
  apply(db: Queryable, tables: Tables, events: readonly RecordedEvent[]): Promise<void>;
}

/**
 * A rule the append transaction checks before the inline read models move (PostgreSQL store):
 * it sees the events just stored, under the tenant's append lock, and throws to refuse the whole
 * append — nothing of it is kept. What it reads are the read models as they were before these
 * events, so it answers for what they add.
 */
export interface InlineGuard {
  name: string;
  handles: readonly string[];
  check(db: Queryable, schema: string, events: readonly RecordedEvent[]): Promise<void>;
}

/** `"client_7"."products"` for every table of a projection, or their rebuild copies. */
export function tablesOf(projection: Projection, schema: string, suffix = ''): Tables {
  return Object.fromEntries(projection.tables.map((t) => [t, `"${schema}"."${t}${suffix}"`]));
}

export function handledBy(projection: { handles: readonly string[] }, events: readonly RecordedEvent[]): RecordedEvent[] {
  return events.filter((e) => projection.handles.includes(e.type));
}
