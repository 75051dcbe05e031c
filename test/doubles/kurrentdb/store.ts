/**
 * The double's log: one totally ordered `$all` in memory, streams as lists of indexes into it.
 * Positions follow the server's shape closely enough for a client: every event has its own
 * commit and prepare position, equal to each other (what KurrentDB reports for the implicit
 * transaction of a single-stream append) and growing with the bytes "written", so they increase
 * across streams but are not consecutive integers.
 */
export type ExpectedRevision = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'exact'; revision: bigint };

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent {
  stream: string;
  revision: bigint;
  position: bigint;
  /** .NET ticks (100 ns) since the Unix epoch, as the server's `created` metadata. */
  created: bigint;
}

export type AppendOutcome =
  | { ok: true; currentRevision: bigint; position: bigint | null }
  | { ok: false; currentRevision: bigint | null };

/** The size of a log record header, so positions grow like byte offsets. */
const RECORD_OVERHEAD = 128n;

export class KurrentLog {
  readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private nextPosition = 1_024n; // the real log also starts past a few system records

  constructor(private readonly now: () => number = Date.now) {}

  stream(name: string): readonly StoredEvent[] | undefined {
    return this.streams.get(name);
  }

  /** The revision of the stream's last event, or null when it has none. */
  currentRevision(name: string): bigint | null {
    const events = this.streams.get(name);
    return events && events.length > 0 ? BigInt(events.length - 1) : null;
  }

  onAppended(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * All or nothing, checked and applied in one synchronous step (the server serialises writes).
   *
   * Idempotence, as assumed from KurrentDB's documented behaviour: when the proposed ids are
   * exactly the events already stored right after the expected revision (or, for `any` and
   * `stream_exists`, found in the stream in the same order), the write succeeds again without
   * writing, answering the revision of the last of them and no position. A partial match at an
   * exact revision is a plain wrong-expected-version.
   */
  append(name: string, expected: ExpectedRevision, proposed: readonly ProposedEvent[]): AppendOutcome {
    const events = this.streams.get(name) ?? [];
    const current = events.length > 0 ? BigInt(events.length - 1) : null;
    const retry = this.storedRetry(events, expected, proposed);
    if (retry !== null) return { ok: true, currentRevision: retry, position: null };
    if (!this.accepts(current, expected)) return { ok: false, currentRevision: current };
    if (proposed.length === 0) return { ok: true, currentRevision: current ?? -1n, position: null };
    const created = BigInt(this.now()) * 10_000n;
    let last: StoredEvent | undefined;
    for (const event of proposed) {
      last = { ...event, stream: name, revision: BigInt(events.length), position: this.nextPosition, created };
      this.nextPosition += RECORD_OVERHEAD + BigInt(event.data.length + event.metadata.length);
      events.push(last);
      this.all.push(last);
    }
    this.streams.set(name, events);
    const written = events.slice(-proposed.length);
    for (const event of written) for (const listener of this.listeners) listener(event);
    return { ok: true, currentRevision: BigInt(events.length - 1), position: last!.position };
  }

  private accepts(current: bigint | null, expected: ExpectedRevision): boolean {
    switch (expected.kind) {
      case 'any':
        return true;
      case 'no_stream':
        return current === null;
      case 'stream_exists':
        return current !== null;
      case 'exact':
        return current === expected.revision;
    }
  }

  private storedRetry(events: readonly StoredEvent[], expected: ExpectedRevision, proposed: readonly ProposedEvent[]): bigint | null {
    if (proposed.length === 0 || events.length === 0) return null;
    let start: number;
    if (expected.kind === 'exact') start = Number(expected.revision) + 1;
    else if (expected.kind === 'no_stream') start = 0;
    else start = events.findIndex((e) => e.id === proposed[0]!.id);
    if (start < 0 || start + proposed.length > events.length) return null;
    const matches = proposed.every((p, i) => events[start + i]!.id === p.id);
    return matches ? BigInt(start + proposed.length - 1) : null;
  }
}
