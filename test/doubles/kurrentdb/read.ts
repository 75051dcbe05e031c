/**
 * Streams.Read: one RPC for reads and subscriptions, of one stream or of `$all`.
 *
 * Assumed from KurrentDB's behaviour (and what the client expects of it):
 * - reading a stream that has no events answers one `stream_not_found` message and ends;
 * - a stream read starts at the given revision, inclusive, either way; `$all` forwards starts at
 *   the given position inclusive, `$all` backwards returns the events before it;
 * - a subscription answers a confirmation, then the events after its starting revision or
 *   position (exclusive), then `caught_up`, then live events until the client cancels;
 * - filtered `$all` reads and subscriptions send checkpoints as they examine events.
 */
import type { ServerWritableStream } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { filterOf, NO_FILTER, type LogFilter } from './filter';
import { eventMessage, streamIdentifier, streamNameOf } from './messages';
import type { KurrentLog, StoredEvent } from './store';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

const FORWARDS = ReadReq.Options.ReadDirection.FORWARDS;

interface Selection {
  /** Catch-up events, in the order they are sent. */
  events: StoredEvent[];
  /** For subscriptions: whether a live event belongs to what was asked for. */
  live: (event: StoredEvent) => boolean;
  filter: LogFilter;
}

function streamSelection(log: KurrentLog, options: ReadReq.Options, subscribing: boolean): Selection | 'not_found' {
  const stream = options.getStream()!;
  const name = streamNameOf(stream.getStreamIdentifier());
  const events = log.stream(name) ?? [];
  const forwards = subscribing || options.getReadDirection() === FORWARDS;
  const live = (event: StoredEvent) => event.stream === name;
  if (events.length === 0 && !subscribing) return 'not_found';
  if (stream.hasEnd()) return { events: forwards ? [] : [...events].reverse(), live, filter: NO_FILTER };
  if (stream.hasStart()) return { events: forwards ? [...events] : [], live, filter: NO_FILTER };
  const from = BigInt(stream.getRevision());
  // A subscription starts after the revision it names; a read at it.
  if (subscribing) return { events: events.filter((e) => e.revision > from), live, filter: NO_FILTER };
  return { events: forwards ? events.filter((e) => e.revision >= from) : events.filter((e) => e.revision <= from).reverse(), live, filter: NO_FILTER };
}

function allSelection(log: KurrentLog, options: ReadReq.Options, subscribing: boolean): Selection {
  const all = options.getAll()!;
  const filter = filterOf(options);
  const forwards = subscribing || options.getReadDirection() === FORWARDS;
  let events: StoredEvent[];
  if (all.hasEnd()) events = forwards ? [] : [...log.all].reverse();
  else if (all.hasStart()) events = forwards ? [...log.all] : [];
  else {
    const from = BigInt(all.getPosition()!.getCommitPosition());
    if (subscribing) events = log.all.filter((e) => e.position > from);
    else events = forwards ? log.all.filter((e) => e.position >= from) : log.all.filter((e) => e.position < from).reverse();
  }
  return { events, live: () => true, filter };
}

function checkpoint(event: StoredEvent): ReadResp {
  const position = event.position.toString();
  return new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(position).setPreparePosition(position));
}

/** Writes the event if it passes the filter (saying whether it did), and a checkpoint every so many examined. */
function sender(call: ReadCall, filter: LogFilter) {
  let examined = 0;
  return (event: StoredEvent): boolean => {
    examined += 1;
    const sent = filter.matches(event);
    if (sent) call.write(eventMessage(event));
    if (filter.checkpointEvery > 0 && examined % filter.checkpointEvery === 0) call.write(checkpoint(event));
    return sent;
  };
}

export function readHandler(log: KurrentLog) {
  let subscriptions = 0;
  return (call: ReadCall): void => {
    const options = call.request.getOptions();
    if (!options) {
      call.end();
      return;
    }
    const subscribing = options.hasSubscription();
    const selection = options.hasStream() ? streamSelection(log, options, subscribing) : allSelection(log, options, subscribing);
    if (selection === 'not_found') {
      const name = streamNameOf(options.getStream()!.getStreamIdentifier());
      call.write(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name))));
      call.end();
      return;
    }
    const send = sender(call, selection.filter);
    if (!subscribing) {
      let left = options.hasCount() ? BigInt(options.getCount()) : BigInt(Number.MAX_SAFE_INTEGER);
      for (const event of selection.events) {
        if (left <= 0n) break;
        if (send(event)) left -= 1n;
      }
      call.end();
      return;
    }
    subscriptions += 1;
    call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(`double-${subscriptions}`)));
    // Catch-up and the switch to live happen in one synchronous step, so no append falls between.
    for (const event of selection.events) send(event);
    call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
    const stop = log.onAppended((event) => {
      if (selection.live(event)) send(event);
    });
    call.on('cancelled', stop);
    call.on('close', stop);
    call.on('error', stop);
  };
}
