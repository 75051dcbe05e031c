/**
 * Server-side filters of `$all` reads and subscriptions: on the stream name or the event type,
 * by prefixes (any of them) or by a regular expression, with checkpoints every
 * `window × multiplier` events examined, whether they matched or not.
 */
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { StoredEvent } from './store';

export interface LogFilter {
  matches(event: StoredEvent): boolean;
  /** How many examined events between two checkpoint messages (0: never, no filter). */
  checkpointEvery: number;
}

/** The window when the client asks for `count` rather than a `max`: KurrentDB's default. */
const DEFAULT_WINDOW = 32;

export const NO_FILTER: LogFilter = { matches: () => true, checkpointEvery: 0 };

export function filterOf(options: ReadReq.Options): LogFilter {
  if (!options.hasFilter()) return NO_FILTER;
  const filter = options.getFilter()!;
  const onType = filter.hasEventType();
  const expression = onType ? filter.getEventType()! : filter.getStreamIdentifier()!;
  const prefixes = expression.getPrefixList();
  const regex = prefixes.length === 0 && expression.getRegex() !== '' ? new RegExp(expression.getRegex()) : null;
  const field = (event: StoredEvent) => (onType ? event.type : event.stream);
  const matches = (event: StoredEvent) => {
    const value = field(event);
    if (prefixes.length > 0) return prefixes.some((prefix) => value.startsWith(prefix));
    return regex ? regex.test(value) : true;
  };
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_WINDOW;
  return { matches, checkpointEvery: window * Math.max(1, filter.getCheckpointintervalmultiplier()) };
}
