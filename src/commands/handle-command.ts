import { createHash } from 'node:crypto';
import type { Decider, DomainEvent } from '../domain/shared/decider';
import type { AppendResult, EventMetadata, EventStore, ExpectedVersion } from '../eventstore/types';
import { ConcurrencyError } from '../shared/errors';
import type { CommandContext } from './context';

export interface HandledCommand<State, Event> {
  state: State;
  /** Stream version after the command (the representation's ETag). */
  version: number;
  events: Event[];
  append: AppendResult | null;
}

export interface HandleOptions<Command, Event extends DomainEvent, State> {
  tenant: number;
  stream: string;
  decider: Decider<Command, Event, State>;
  command: Command;
  /** The version the client last saw (If-Match); absent = whatever is current. */
  expectedVersion?: number;
  /**
   * Seed for deterministic event ids (an Idempotency-Key): a retried request appends the same ids,
   * which the store treats as a no-op returning the first result.
   */
  idSeed?: string;
  /**
   * The command starts a stream under an id just drawn (a random uuid): nothing to load. The
   * append still requires that the stream does not exist.
   */
  newStream?: boolean;
}

/** Event id `n` of a request, derived from its idempotency seed (uuid-shaped, version 8). */
export function deterministicUuid(seed: string, n: number): string {
  const hex = createHash('sha256').update(`${seed}#${n}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The one command pipeline: load the stream, fold it, decide, append with the expected version,
 * then make sure the read models include the result before answering (read-your-writes).
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  ctx: CommandContext,
  options: HandleOptions<Command, Event, State>,
): Promise<HandledCommand<State, Event>> {
  const { store } = ctx;
  const { tenant, stream, decider } = options;
  const history = options.newStream ? [] : await store.readStream(tenant, stream);
  const current = history.length > 0 ? history[history.length - 1]!.streamVersion : 0;
  if (options.expectedVersion !== undefined && options.expectedVersion !== current) {
    throw new ConcurrencyError(stream, options.expectedVersion, current);
  }
  const state = history.reduce((s, e) => decider.evolve(s, e as unknown as Event), decider.initialState);
  const events = decider.decide(options.command, state);
  if (events.length === 0) return { state, version: current, events, append: null };
  const metadata: EventMetadata = ctx.metadata;
  const expected: ExpectedVersion = current;
  const append = await store.append(
    tenant,
    stream,
    events.map((e, i) => ({
      id: options.idSeed ? deterministicUuid(`${tenant}:${stream}:${options.idSeed}`, i) : ctx.ids.uuid(),
      type: e.type,
      data: e.data,
      metadata,
    })),
    expected,
  );
  await ctx.readYourWrites(tenant, append, events.map((e) => e.type));
  return { state: events.reduce(decider.evolve, state), version: append.nextExpectedVersion, events, append };
}

export type { EventStore };
