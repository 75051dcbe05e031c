/*
 * The live side of the event feed: one reader per tenant, shared by every open stream of that
 * tenant. A write wakes the reader, which reads the new events once and hands them to each
 * stream (each filtered by its own types); without it, every write woke every stream and each
 * read the log itself, so a tenant's open streams multiplied the cost of its writes.
 *
 * A stream that starts behind the reader (after=…, Last-Event-ID) first catches up on its own,
 * at its own pace, then joins the reader. Positions make the hand-over exact: a stream's
 * `position` is the last event it was given or passed over, and the reader gives it only what
 * lies beyond. The reader starts with a tenant's first stream and stops with its last.
 */
import type { EventStore, RecordedEvent, TenantId } from '../eventstore/types';
import type { Logger } from '../infra/logger';

export interface LiveFeedOptions {
  eventStore: EventStore;
  /** The message sent for an event, built once per event however many streams receive it. */
  format: (event: RecordedEvent) => string;
  /** Open streams per tenant; `follow` refuses more. */
  maxStreamsPerTenant: number;
  /** Open streams per consumer within its tenant (at most `maxStreamsPerTenant`); `follow` refuses more. */
  maxStreamsPerConsumer?: number;
  logger?: Logger;
  /** Events per read (default 500). */
  batchSize?: number;
  /** Read again this often without a wake-up, in case one was lost (default 5 s). */
  pollIntervalMs?: number;
}

export interface FollowOptions {
  /** Who follows, within the tenant: its streams count against `maxStreamsPerConsumer`. */
  consumer: string;
  /** Deliver the events after this position. */
  from: bigint;
  types?: readonly string[];
  /** Catching up: awaited, so a slow reader of old events only slows itself. */
  catchUp(message: string): Promise<void>;
  /** Live: called by the shared reader, with one or more messages in a piece, and must not wait (buffer, or drop the stream). */
  live(messages: string): void;
}

export interface Follower {
  /** Rejects when catching up failed (reading the log, or `catchUp` threw). */
  readonly done: Promise<void>;
  stop(): void;
}

/** Which cap refused a stream. */
export type StreamCap = 'consumer' | 'tenant';

export interface LiveFeed {
  /**
   * Follows a tenant's log; refused with the cap reached when the tenant already has
   * `maxStreamsPerTenant` streams open, or else the consumer `maxStreamsPerConsumer`. A full
   * tenant is named first: no stream opens until one of its streams closes, whoever's it is.
   */
  follow(tenant: TenantId, options: FollowOptions): Follower | StreamCap;
  openStreams(tenant: TenantId, consumer?: string): number;
}

interface Stream {
  consumer: string;
  position: bigint;
  types: ReadonlySet<string> | null;
  live: boolean;
  stopped: boolean;
  options: FollowOptions;
}

interface Reader {
  tenant: TenantId;
  /** Everything up to here has been read and handed out; null until the head is known. */
  position: bigint | null;
  streams: Set<Stream>;
  /** Open streams per consumer; a consumer with none has no entry. */
  byConsumer: Map<string, number>;
  ready: Promise<void>;
  running: Promise<void> | null;
  again: boolean;
  stop(): void;
}

export function createLiveFeed(options: LiveFeedOptions): LiveFeed {
  const { eventStore: store, format, logger } = options;
  const batchSize = options.batchSize ?? 500;
  const maxPerConsumer = options.maxStreamsPerConsumer ?? options.maxStreamsPerTenant;
  const readers = new Map<TenantId, Reader>();

  /**
   * Each stream is handed what it follows of the batch in one piece: one socket write per stream
   * per read, not per event (with hundreds of streams the writes are the cost). Each event is
   * formatted once, for all of them.
   */
  function handOut(reader: Reader, batch: RecordedEvent[]): void {
    const formatted: (string | undefined)[] = new Array(batch.length);
    for (const stream of reader.streams) {
      if (!stream.live || stream.stopped) continue;
      let chunk = '';
      for (let i = 0; i < batch.length; i++) {
        const event = batch[i]!;
        if (event.position <= stream.position) continue;
        stream.position = event.position;
        if (stream.types && !stream.types.has(event.type)) continue;
        chunk += formatted[i] ??= format(event);
      }
      if (chunk === '') continue;
      try {
        stream.options.live(chunk);
      } catch (err) {
        // One stream's failure must not starve the others.
        logger?.warn({ err, tenant: reader.tenant }, 'event stream: delivering failed');
      }
    }
  }

  function pump(reader: Reader): void {
    if (reader.position === null || reader.streams.size === 0) return;
    if (reader.running) {
      // Read again once this pass ends: its last read may predate the append that woke us.
      reader.again = true;
      return;
    }
    reader.running = (async () => {
      do {
        reader.again = false;
        let batch: RecordedEvent[];
        do {
          try {
            batch = await store.readLog(reader.tenant, reader.position!, batchSize);
          } catch (err) {
            logger?.warn({ err, tenant: reader.tenant }, 'event stream: reading the log failed; retrying at the next wake-up');
            return;
          }
          const last = batch[batch.length - 1];
          if (last) {
            reader.position = last.position;
            handOut(reader, batch);
          }
        } while (batch.length === batchSize && reader.streams.size > 0);
      } while (reader.again && reader.streams.size > 0);
    })().finally(() => {
      reader.running = null;
    });
  }

  function startReader(tenant: TenantId): Reader {
    let unwatch: Promise<(() => Promise<void>) | null>;
    let timer: NodeJS.Timeout | undefined;
    const reader: Reader = {
      tenant,
      position: null,
      streams: new Set(),
      byConsumer: new Map(),
      ready: Promise.resolve(),
      running: null,
      again: false,
      stop() {
        if (readers.get(tenant) === reader) readers.delete(tenant);
        clearInterval(timer);
        void unwatch.then((stop) => stop?.()).catch((err: unknown) => logger?.warn({ err, tenant }, 'event stream: unwatching failed'));
      },
    };
    // Watch first, then read the head: an append in between then wakes a reader that knows it.
    unwatch = store.watch((woken) => {
      if (woken === null || woken === tenant) pump(reader);
    });
    reader.ready = unwatch.then(async () => {
      reader.position = await store.head(tenant);
      timer = setInterval(() => pump(reader), options.pollIntervalMs ?? 5000);
      timer.unref();
      pump(reader);
    });
    // A failed start is seen by the streams that wait for it; keep it from going unhandled here.
    unwatch = unwatch.catch(() => null);
    reader.ready.catch(() => {
      // Its streams end with the error; later ones get a fresh reader.
      if (readers.get(tenant) === reader) readers.delete(tenant);
    });
    readers.set(tenant, reader);
    return reader;
  }

  async function catchUp(reader: Reader, stream: Stream): Promise<void> {
    await reader.ready;
    const types = stream.types ? [...stream.types] : undefined;
    for (;;) {
      if (stream.stopped) return;
      const target = reader.position!;
      // Synchronously with the check: from here the reader hands this stream everything past it.
      if (stream.position >= target) {
        stream.live = true;
        return;
      }
      const batch = await store.readLog(reader.tenant, stream.position, batchSize, types);
      for (const event of batch) {
        if (stream.stopped) return;
        await stream.options.catchUp(format(event));
        stream.position = event.position;
      }
      // A short batch read the whole log as it was when read, which reaches at least `target`.
      if (batch.length < batchSize && stream.position < target) stream.position = target;
    }
  }

  return {
    follow(tenant, followOptions) {
      const reader = readers.get(tenant) ?? startReader(tenant);
      const consumer = followOptions.consumer;
      const theirs = reader.byConsumer.get(consumer) ?? 0;
      // Either cap reached means the reader already has streams: none is left without one.
      if (reader.streams.size >= options.maxStreamsPerTenant) return 'tenant';
      if (theirs >= maxPerConsumer) return 'consumer';
      const stream: Stream = {
        consumer,
        position: followOptions.from,
        types: followOptions.types && followOptions.types.length > 0 ? new Set(followOptions.types) : null,
        live: false,
        stopped: false,
        options: followOptions,
      };
      reader.streams.add(stream);
      reader.byConsumer.set(consumer, theirs + 1);
      return {
        done: catchUp(reader, stream),
        stop() {
          if (stream.stopped) return;
          stream.stopped = true;
          reader.streams.delete(stream);
          const left = (reader.byConsumer.get(consumer) ?? 1) - 1;
          if (left > 0) reader.byConsumer.set(consumer, left);
          else reader.byConsumer.delete(consumer);
          if (reader.streams.size === 0) reader.stop();
        },
      };
    },
    openStreams: (tenant, consumer) => {
      const reader = readers.get(tenant);
      if (!reader) return 0;
      return consumer === undefined ? reader.streams.size : (reader.byConsumer.get(consumer) ?? 0);
    },
  };
}
