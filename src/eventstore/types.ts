/*
 * The event store port. Two adapters implement it (PostgreSQL, the default, and EventStoreDB)
 * and both pass the same contract suite in test/eventstore.
 *
 * Numbering, identical on both backends:
 * - stream versions start at 1; an absent or empty stream is at version 0;
 * - log positions are per tenant, strictly increasing in the order readers observe them.
 */

export type TenantId = number;

export interface EventMetadata {
  /** User who caused the event (absent for system actions). */
  actor?: string;
  correlation_id?: string;
  causation_id?: string;
  request_id?: string;
  [key: string]: unknown;
}

/** What a command hands to the store. */
export interface NewEvent<T extends string = string, D = unknown> {
  id: string; // uuid chosen by the caller: re-appending the same ids is a no-op
  type: T;
  data: D;
  schemaVersion?: number;
  metadata?: EventMetadata;
}

/** What readers get back: the envelope. */
export interface RecordedEvent<T extends string = string, D = unknown> {
  id: string;
  type: T;
  data: D;
  schemaVersion: number;
  metadata: EventMetadata;
  streamId: string;
  streamVersion: number;
  position: bigint;
  recordedAt: Date;
}

export interface StreamAppend {
  stream: string;
  events: NewEvent[];
  expected: ExpectedVersion;
}

/**
 * Expected version of the stream before the append:
 * - a number: the stream must be at exactly that version (0 = must not exist);
 * - 'no_stream': must not exist; 'stream_exists': must have at least one event; 'any': no check.
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

export interface AppendResult {
  /** Version of the stream after the append. */
  nextExpectedVersion: number;
  /** Log position of the last appended event. */
  lastPosition: bigint;
  /** Log position of the first appended event. */
  firstPosition: bigint;
  /** True when every event id was already stored: nothing new was written. */
  duplicate: boolean;
}

export interface ReadStreamOptions {
  /** First version to read (forwards) or last (backwards). Default: the start (or end). */
  from?: number;
  direction?: 'forwards' | 'backwards';
  limit?: number;
}

export interface BacklogCursor {
  /** The consumer's checkpoint: events at or before it are done. */
  after: bigint;
  /** The types the consumer handles (none: nothing to count). */
  types: readonly string[];
}

export interface EventStore {
  readonly backend: 'postgres' | 'eventstoredb';
  /**
   * Whether read models declared `inline` are updated inside the append transaction
   * (PostgreSQL). When false, the projection runner applies them and commands wait for it.
   */
  readonly projectsInline: boolean;

  append(tenant: TenantId, stream: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult>;
  /**
   * Appends to several streams (each at most once) that stand or fall together: when one is
   * refused (its expected version, an inline read model), none is kept and the refusal is thrown.
   * Atomic on PostgreSQL. EventStoreDB appends one stream at a time, the last first: there a
   * refusal leaves the streams after it in place (the guards, such as a SKU reservation, taken
   * before what they guard), and the caller gives them back (see create-product).
   */
  appendMany(tenant: TenantId, appends: StreamAppend[]): Promise<AppendResult[]>;
  readStream(tenant: TenantId, stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events with position > `after`, in log order, at most `limit`. Never skips an event. */
  readLog(tenant: TenantId, after: bigint, limit: number, types?: readonly string[]): Promise<RecordedEvent[]>;
  /** Current head of the tenant's log (0n when empty). */
  head(tenant: TenantId): Promise<bigint>;
  /**
   * For each cursor, how many events of its types the tenant's log holds past its position,
   * counted up to `cap`: how far a consumer is behind (/health).
   */
  backlog(tenant: TenantId, cursors: readonly BacklogCursor[], cap: number): Promise<number[]>;
  /**
   * Calls `onWake` whenever events may have been appended for a tenant (`null` when unsure which),
   * with the types appended when the store knows them (absent: any type may have been).
   * Returns a function that stops the subscription.
   */
  watch(onWake: (tenant: TenantId | null, types?: ReadonlySet<string>) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Turns an event stored under an older schema version into the current shape. */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: unknown): unknown;
}

/**
 * Read models kept in step with the log inside the append transaction (PostgreSQL store only).
 * The store calls `project` after inserting events of a handled type, before committing, with
 * the positions the call took (`span`: every handled event in it is among `events`).
 */
export interface InlineProjector {
  handles(type: string): boolean;
  project(tx: import('../infra/db/postgres').Queryable, tenant: TenantId, events: RecordedEvent[], span?: { first: bigint; last: bigint }): Promise<void>;
}
