import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  isCommandError,
  jsonEvent,
  type AppendExpectedRevision,
  type CurrentRevision,
  type JSONType,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type { Tenancy } from '../infra/db/tenancy';
import { ConcurrencyError, UnavailableError } from '../shared/errors';
import { readTenantLog, tenantHead, watchTenants } from './esdb-log';
import { esdbNaming, type EsdbNaming } from './esdb-naming';
import type { AppendResult, BacklogCursor, EventMetadata, EventStore, ExpectedVersion, NewEvent, RecordedEvent, TenantId, Upcaster } from './types';
import { createUpcasterRegistry } from './upcasters';

export interface EsdbEventStoreOptions {
  /** `esdb://…` or `kurrentdb://…` (EVENTSTORE_CONNECTION_STRING). */
  connectionString: string;
  tenancy: Tenancy;
  upcasters?: readonly Upcaster[];
  /** Watchers are also woken this often, in case the live subscription missed something. */
  pollIntervalMs?: number;
}

/**
 * Numbering: ESDB revisions start at 0 and a missing stream is `no_stream`; ours start at 1 and a
 * missing stream is version 0. So version = revision + 1 both ways, and the API reads the same
 * numbers on both backends. The schema version travels in the event metadata; correlation and
 * causation ids are also copied to ESDB's own `$correlationId`/`$causationId` so its built-in
 * `$bc-` projections work.
 */
const SCHEMA_KEY = '$schemaVersion';
const ESDB_KEYS = [SCHEMA_KEY, '$correlationId', '$causationId'];

function toRevision(expected: ExpectedVersion): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  if (expected === 'no_stream' || expected === 0) return NO_STREAM;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new Error(`Invalid expected version: ${String(expected)}`);
  return BigInt(expected - 1);
}

const versionOf = (revision: CurrentRevision): number => (revision === NO_STREAM ? 0 : Number(revision) + 1);

function metadataOf(raw: unknown): { metadata: EventMetadata; schemaVersion: number } {
  const stored = raw && typeof raw === 'object' && !(raw instanceof Uint8Array) ? (raw as Record<string, unknown>) : {};
  const metadata: EventMetadata = {};
  for (const [key, value] of Object.entries(stored)) if (!ESDB_KEYS.includes(key)) metadata[key] = value;
  const schemaVersion = typeof stored[SCHEMA_KEY] === 'number' ? stored[SCHEMA_KEY] : 1;
  return { metadata, schemaVersion };
}

function toEsdbEvent(event: NewEvent, schemaVersion: number) {
  const metadata: Record<string, unknown> = { ...(event.metadata ?? {}), [SCHEMA_KEY]: schemaVersion };
  if (event.metadata?.correlation_id) metadata.$correlationId = event.metadata.correlation_id;
  if (event.metadata?.causation_id) metadata.$causationId = event.metadata.causation_id;
  return jsonEvent({ id: event.id, type: event.type, data: (event.data ?? null) as JSONType, metadata });
}

function toRecorded(naming: EsdbNaming, event: EsdbRecordedEvent): RecordedEvent {
  const { metadata, schemaVersion } = metadataOf(event.metadata);
  const parsed = naming.parse(event.streamId);
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    schemaVersion,
    metadata,
    streamId: parsed ? parsed.stream : event.streamId,
    streamVersion: Number(event.revision) + 1,
    position: event.position?.commit ?? 0n,
    recordedAt: event.created,
  };
}

/**
 * KurrentDB's schemes (`kurrentdb://`, `kurrent://`, `kdb://`, each with `+discover`) name the
 * same connection as `esdb://`; this client (6.x) parses only the latter.
 */
export function clientConnectionString(connectionString: string): string {
  return connectionString.replace(/^(kurrentdb|kurrent|kdb)(\+discover)?:\/\//i, (_match, _scheme, discover: string | undefined) => `esdb${discover ?? ''}://`);
}

/** Seconds a client is told to wait when the server did not answer in time. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;
const TRANSPORT_FAILURES = new Set<string>([ErrorType.TIMEOUT, ErrorType.DEADLINE_EXCEEDED, ErrorType.UNAVAILABLE, ErrorType.NOT_LEADER]);

/**
 * A server out of reach, too slow for the client's deadline, or no longer leader is nothing a
 * request could fix: it becomes `UnavailableError` (503, Retry-After), as a PostgreSQL outage
 * does. A write that timed out may still have committed, which the message says.
 */
function unavailableOnTransport(err: unknown, writing: boolean): unknown {
  if (!(err instanceof Error) || !isCommandError(err) || !TRANSPORT_FAILURES.has(err.type)) return err;
  const detail = writing
    ? 'The event store did not confirm the write in time: it may or may not have been saved; retry with the same Idempotency-Key'
    : 'The event store did not answer in time; retry shortly';
  return new UnavailableError(detail, 'event_store_unavailable', UNAVAILABLE_RETRY_AFTER_SECONDS);
}

/** A read whose transport failures answer 503 (see above). */
async function guarded<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw unavailableOnTransport(err, false);
  }
}

export function createEsdbEventStore(options: EsdbEventStoreOptions): EventStore {
  const client = EventStoreDBClient.connectionString(clientConnectionString(options.connectionString));
  const registry = createUpcasterRegistry(options.upcasters ?? []);
  const naming = esdbNaming(options.tenancy);
  const recorded = (event: EsdbRecordedEvent) => toRecorded(naming, event);
  const read = (event: EsdbRecordedEvent) => registry.upcast(recorded(event));
  const watchers = new Set<() => Promise<void>>();

  async function readRange(name: string, fromVersion: number, count: number): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    try {
      const from = fromVersion <= 1 ? START : BigInt(fromVersion - 1);
      for await (const resolved of client.readStream(name, { fromRevision: from, maxCount: count })) {
        if (resolved.event) found.push(recorded(resolved.event));
      }
    } catch (err) {
      if (!(err instanceof StreamNotFoundError)) throw unavailableOnTransport(err, false);
    }
    return found;
  }

  /**
   * A retry with the same exact expected version finds its events where it meant to put them:
   * answer with the original result and write nothing. (The server is idempotent for such
   * retries too, but its answer does not say the write was a duplicate.)
   */
  async function storedRetry(name: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult | null> {
    if (typeof expected !== 'number' && expected !== 'no_stream') return null;
    const start = expected === 'no_stream' ? 0 : expected;
    const stored = await readRange(name, start + 1, events.length);
    if (stored.length !== events.length || stored.some((e, i) => e.id !== events[i]?.id)) return null;
    return {
      nextExpectedVersion: start + events.length,
      firstPosition: stored[0]?.position ?? 0n,
      lastPosition: stored[stored.length - 1]?.position ?? 0n,
      duplicate: true,
    };
  }

  async function backlog(tenant: TenantId, cursors: readonly BacklogCursor[], cap: number): Promise<number[]> {
    const counts = cursors.map(() => 0);
    if (cap <= 0 || cursors.length === 0) return counts;
    // Consumers at the tenant's head are behind by nothing: most are, and the head is cheap.
    const head = await tenantHead(client, naming, tenant);
    const behind = cursors.map((c, i) => ({ ...c, i })).filter((c) => c.after < head && c.types.length > 0);
    if (behind.length === 0) return counts;
    // One read of the log from the earliest of them, of the types any of them handles.
    const from = behind.reduce((min, c) => (c.after < min ? c.after : min), behind[0]!.after);
    const types = [...new Set(behind.flatMap((c) => c.types))];
    for (const event of await readTenantLog(client, naming, recorded, tenant, from, cap, types)) {
      for (const c of behind) if (event.position > c.after && c.types.includes(event.type)) counts[c.i] = Math.min(cap, (counts[c.i] ?? 0) + 1);
    }
    return counts;
  }

  const store: EventStore = {
    backend: 'eventstoredb',
    projectsInline: false,

    async append(tenant, stream, events, expected) {
      const name = naming.streamName(tenant, stream);
      if (new Set(events.map((e) => e.id)).size !== events.length) throw new Error(`Duplicate event id in one append to ${stream}`);
      const retry = events.length > 0 ? await storedRetry(name, events, expected) : null;
      if (retry) return retry;
      let written;
      try {
        const proposed = events.map((e) => toEsdbEvent(e, e.schemaVersion ?? registry.currentVersion(e.type)));
        written = await client.appendToStream(name, proposed, { expectedRevision: toRevision(expected) });
      } catch (err) {
        if (err instanceof WrongExpectedVersionError) throw new ConcurrencyError(stream, expected, versionOf(err.actualVersion));
        throw unavailableOnTransport(err, true);
      }
      const next = versionOf(written.nextExpectedRevision < 0n ? NO_STREAM : written.nextExpectedRevision);
      if (events.length === 0) return { nextExpectedVersion: next, firstPosition: 0n, lastPosition: 0n, duplicate: false };
      // One event: its position is the write's. Several: the write reports one position for
      // all of them, so read them back for each one's own.
      const single = events.length === 1 ? written.position?.commit : undefined;
      const stored = single === undefined ? await readRange(name, next - events.length + 1, events.length) : [];
      return {
        nextExpectedVersion: next,
        firstPosition: single ?? stored[0]?.position ?? 0n,
        lastPosition: single ?? stored[stored.length - 1]?.position ?? 0n,
        // No position means the server recognised a retry of events it already holds.
        duplicate: written.position === undefined,
      };
    },

    async appendMany(tenant, appends) {
      // No multi-stream transaction here: one stream at a time, stopping at the first refusal,
      // from the last to the first. The streams after the first guard it (a SKU reservation),
      // so a refused guard leaves nothing written, not a product whose SKU was never reserved.
      const results: AppendResult[] = new Array<AppendResult>(appends.length);
      for (let i = appends.length - 1; i >= 0; i--) {
        const a = appends[i]!;
        results[i] = await store.append(tenant, a.stream, a.events, a.expected);
      }
      return results;
    },

    async readStream(tenant, stream, { from, direction = 'forwards', limit } = {}) {
      const backwards = direction === 'backwards';
      const found: RecordedEvent[] = [];
      if (limit === 0 || (from !== undefined && from < 1 && backwards)) return found;
      const fromRevision = from === undefined || (!backwards && from <= 1) ? (backwards ? END : START) : BigInt(from - 1);
      try {
        const reading = client.readStream(naming.streamName(tenant, stream), {
          fromRevision,
          direction: backwards ? BACKWARDS : FORWARDS,
          ...(limit === undefined ? {} : { maxCount: limit }),
        });
        for await (const resolved of reading) if (resolved.event) found.push(read(resolved.event));
      } catch (err) {
        if (!(err instanceof StreamNotFoundError)) throw unavailableOnTransport(err, false);
      }
      return found;
    },

    async readLog(tenant, after, limit, types) {
      const events = await guarded(() => readTenantLog(client, naming, recorded, tenant, after, limit, types));
      return events.map((e) => registry.upcast(e));
    },

    head: (tenant: TenantId) => guarded(() => tenantHead(client, naming, tenant)),

    backlog: (tenant, cursors, cap) => guarded(() => backlog(tenant, cursors, cap)),

    async watch(onWake) {
      const stop = watchTenants(client, naming, onWake, options.pollIntervalMs ?? 1000);
      watchers.add(stop);
      return async () => {
        watchers.delete(stop);
        await stop();
      };
    },

    async close() {
      await Promise.all([...watchers].map((stop) => stop()));
      watchers.clear();
      await client.dispose();
    },
  };
  return store;
}
