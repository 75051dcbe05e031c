/*
 * The one write path every command takes, whoever issues it (a route, a reactor, the CLI, an
 * importer): load the stream, fold it, decide, append with the version decided on, and make sure
 * the read models include the result before answering (read your writes). Handlers call
 * `runCommand`; none of them knows HTTP.
 */
import { createHash } from 'node:crypto';
import type { Decider, DomainEvent } from '../domain/shared/decider';
import type { AppendResult, EventMetadata, EventStore, NewEvent, RecordedEvent, StreamAppend } from '../eventstore/types';
import type { Clock, IdGenerator } from '../infra/clock';
import { ConcurrencyError, PreconditionRequiredError } from '../shared/errors';

export type ReadYourWrites = (tenant: number, append: AppendResult, types: readonly string[]) => Promise<void>;

/** What the write path needs: the store, time, ids and the read models' pace. */
export interface CommandDeps {
  store: Pick<EventStore, 'readStream' | 'appendMany'>;
  clock: Clock;
  ids: IdGenerator;
  /** Resolves once the read models include an append (at once with inline projections). */
  readYourWrites: ReadYourWrites;
}

/** Who issues a command and under which conditions; the same for every aggregate. */
export interface CommandMetadata {
  /** Stored with every event: who acted, and in reply to what. */
  event: EventMetadata;
  /**
   * The version the caller last saw (If-Match), or the versions any of which it accepts (an
   * If-Match list; empty when it names none of ours); `any` to apply to whatever is current.
   */
  expectedVersion?: number | readonly number[] | 'any';
  /**
   * Seed of deterministic ids (a claimed Idempotency-Key): a retried request appends the same
   * event ids, which the store treats as a no-op returning the first result.
   */
  idSeed?: string;
}

export interface CommandOutcome<State, Event> {
  state: State;
  /** Stream version after the command (the representation's ETag). */
  version: number;
  events: Event[];
  /** The whole stream after the command, as stored: what a reply is folded from. */
  stream: RecordedEvent[];
  append: AppendResult | null;
}

export interface CommandPlan<Command, Event extends DomainEvent, State> {
  stream: string;
  decider: Decider<Command, Event, State>;
  command: Command;
  /**
   * The command starts a stream under an id just drawn (a random uuid): nothing to load. The
   * append still requires that the stream does not exist.
   */
  newStream?: boolean;
  /** Refuse to act without an expected version (an edit must say which version it edits). */
  requireExpectedVersion?: boolean;
  /** Appends to other streams that must stand or fall with this one (a SKU reservation). */
  alongside?: (events: Event[]) => { stream: string; events: DomainEvent[]; expected: StreamAppend['expected'] }[];
}

/** Event id `n` of a request, derived from its idempotency seed (uuid-shaped, version 8). */
export function deterministicUuid(seed: string, n: number): string {
  const hex = createHash('sha256').update(`${seed}#${n}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// Each round lets one contender through, so the bound follows the contention a hot product sees.
const RETRIES = 50;

/**
 * A caller that named no version (no If-Match, or `*`) asks for the command to apply to whatever
 * is current: when another append wins the race for the stream, the command is decided again on
 * the new state (a few times, with jitter), so every valid command on a busy product succeeds.
 * A caller that named a version gets the conflict (412).
 */
export async function runCommand<Command, Event extends DomainEvent, State>(
  deps: CommandDeps,
  tenant: number,
  plan: CommandPlan<Command, Event, State>,
  metadata: CommandMetadata,
): Promise<CommandOutcome<State, Event>> {
  const named = metadata.expectedVersion !== undefined && metadata.expectedVersion !== 'any';
  const retries = named || plan.newStream ? 0 : RETRIES;
  for (let attempt = 0; ; attempt++) {
    try {
      return await runOnce(deps, tenant, plan, metadata);
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || err.stream !== plan.stream || attempt >= retries) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
    }
  }
}

/** No version named, or `any`, allows whatever is current; otherwise it must be one of those named. */
function allowsVersion(expected: CommandMetadata['expectedVersion'], current: number): boolean {
  if (expected === undefined || expected === 'any') return true;
  return typeof expected === 'number' ? expected === current : expected.includes(current);
}

async function runOnce<Command, Event extends DomainEvent, State>(
  deps: CommandDeps,
  tenant: number,
  plan: CommandPlan<Command, Event, State>,
  metadata: CommandMetadata,
): Promise<CommandOutcome<State, Event>> {
  const { store } = deps;
  const { stream, decider } = plan;
  const history = plan.newStream ? [] : await store.readStream(tenant, stream);
  const current = history.length > 0 ? history[history.length - 1]!.streamVersion : 0;
  const expected = metadata.expectedVersion;
  // An unknown stream is answered by the decider (not found), whatever version was expected.
  if (current > 0) {
    if (expected === undefined && plan.requireExpectedVersion) throw new PreconditionRequiredError('Send If-Match with the ETag of the version you edited');
    if (!allowsVersion(expected, current)) throw new ConcurrencyError(stream, typeof expected === 'object' ? expected.join(' or ') || 'none of its versions' : expected, current);
  }
  const state = history.reduce((s, e) => decider.evolve(s, e as unknown as Event), decider.initialState);
  const events = decider.decide(plan.command, state);
  if (events.length === 0) return { state, version: current, events, stream: history, append: null };

  const toNew = (target: string, list: DomainEvent[]): NewEvent[] =>
    list.map((e, i) => ({
      id: metadata.idSeed ? deterministicUuid(`${tenant}:${target}:${metadata.idSeed}`, i) : deps.ids.uuid(),
      type: e.type,
      data: e.data,
      metadata: metadata.event,
    }));
  const own: StreamAppend = { stream, events: toNew(stream, events), expected: current };
  const others = (plan.alongside?.(events) ?? []).map((a) => ({ ...a, events: toNew(a.stream, a.events) }));
  const [append, ...rest] = await store.appendMany(tenant, [own, ...others]);
  const last = [append!, ...rest].reduce((a, b) => (b.lastPosition > a.lastPosition ? b : a));
  await deps.readYourWrites(tenant, { ...append!, lastPosition: last.lastPosition }, [...events, ...others.flatMap((o) => o.events)].map((e) => e.type));
  const after = append!.duplicate ? await store.readStream(tenant, stream) : [...history, ...envelopes(stream, own.events, append!, deps.clock.now())];
  return { state: events.reduce(decider.evolve, state), version: append!.nextExpectedVersion, events, stream: after, append: append! };
}

/** The appended events as the store holds them (their positions are not needed to fold them). */
function envelopes(stream: string, events: NewEvent[], append: AppendResult, at: Date): RecordedEvent[] {
  const first = append.nextExpectedVersion - events.length + 1;
  return events.map((e, i) => ({
    id: e.id,
    type: e.type,
    data: e.data,
    schemaVersion: e.schemaVersion ?? 1,
    metadata: e.metadata ?? {},
    streamId: stream,
    streamVersion: first + i,
    position: append.firstPosition + BigInt(i),
    recordedAt: at,
  }));
}
