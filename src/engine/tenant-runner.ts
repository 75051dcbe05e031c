import type { EventStore, RecordedEvent } from '../eventstore/types';
import { inTransaction, type Connections } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import { perTenant, type TenantPools } from '../infra/db/tenant-pools';
import type { Logger } from '../infra/logger';
import type { Clock } from '../infra/clock';
import { lockCheckpoint, readCheckpoints, saveCheckpoint } from './checkpoints';
import { tablesOf, type Projection } from './projection';
import {
  DEFAULT_MAX_ATTEMPTS,
  idempotencyKey,
  reactionMetadata,
  reactionStream,
  ReactionEvents,
  retryDelayMs,
  type Reactor,
} from './reactor';

export interface TenantRunnerDeps {
  /** Each tenant's work goes to its own connections (a plain pool: any connection). */
  pool: Connections | TenantPools;
  tenancy: Tenancy;
  store: EventStore;
  /** Projections this runner applies (the eventual ones, or all when the store cannot inline). */
  projections: readonly Projection[];
  reactors: readonly Reactor[];
  logger: Logger;
  clock: Clock;
  ids: { uuid(): string };
  batchSize?: number;
  random?: () => number;
}

export interface RunOutcome {
  /** Events applied or reacted to in this run. */
  processed: number;
  /** When the earliest pending retry is due, if any. */
  nextRetryAt?: Date;
}

/**
 * One pass over a tenant: every projection caught up (batch and checkpoint in one transaction, so
 * a crash never applies an event twice or loses one), every reactor fed its new events, and due
 * retries attempted. The caller guarantees one pass per tenant at a time (leases).
 */
export function createTenantRunner(deps: TenantRunnerDeps) {
  const batchSize = deps.batchSize ?? 1000;
  const random = deps.random ?? Math.random;
  const pools = perTenant(deps.pool);
  /*
   * What a reactor's lane remembers between runs, per tenant: where its checkpoint is (this
   * process writes it while it holds the tenant) and when its next retry is due (the failures
   * are recorded here too). An idle wake-up then costs one read of the log, not four queries.
   * `forget` drops both (a tenant just leased, the periodic sweep): they are read again.
   */
  /** How far a reactor's passed-over position may run ahead of its stored checkpoint. */
  const SKIPPED_SAVE_EVERY = 500n;
  const remembered = new Map<number, { positions: Map<string, bigint>; retryAt: Map<string, number>; saved: Map<string, bigint> }>();
  const memoryOf = (tenant: number) => {
    let memory = remembered.get(tenant);
    if (!memory) remembered.set(tenant, (memory = { positions: new Map(), retryAt: new Map(), saved: new Map() }));
    return memory;
  };

  async function catchUpProjection(tenant: number, projection: Projection): Promise<number> {
    const schema = deps.tenancy.schema(tenant);
    let total = 0;
    for (;;) {
      // Read outside the transaction (never two connections at once per pump: a small pool shared
      // by many tenants would otherwise deadlock), then apply only if nobody moved meanwhile.
      const from = (await readCheckpoints(pools.of(tenant), schema)).get(projection.name) ?? 0n;
      // The head is read first: when the batch is short, every handled event up to it is in the
      // batch, so the checkpoint can move to the head (lag and read-your-writes see "caught up").
      const head = await deps.store.head(tenant);
      const events = await deps.store.readLog(tenant, from, batchSize, projection.handles);
      const last = events.length > 0 ? events[events.length - 1]!.position : from;
      const reached = events.length < batchSize && head > last ? head : last;
      if (reached === from) return total;
      const applied = await inTransaction(pools.of(tenant), async (tx) => {
        const checkpoint = await lockCheckpoint(tx, schema, projection.name);
        if (checkpoint !== from) return -1; // another runner (or a rebuild) moved it: read again
        if (events.length > 0) await projection.apply(tx, tablesOf(projection, schema), events);
        await saveCheckpoint(tx, schema, projection.name, reached);
        return events.length;
      });
      if (applied < 0) continue;
      total += applied;
      if (applied < batchSize) return total;
    }
  }

  /** How long a failure asks to wait before the next attempt (`retryAfterSeconds`, as a 429's Retry-After gives it), at most an hour; 0 when it says nothing. */
  function askedWaitMs(error: unknown): number {
    const seconds = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) * 1000 : 0;
  }

  async function recordFailure(tenant: number, reactor: Reactor, event: RecordedEvent, attempt: number, error: unknown): Promise<void> {
    const schema = deps.tenancy.schema(tenant);
    const max = reactor.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const message = error instanceof Error ? error.message : String(error);
    const dead = attempt >= max;
    // Never sooner than the failure asked (a marketplace's 429 with Retry-After).
    const delay = Math.max(retryDelayMs(attempt, reactor.baseDelayMs ?? 2000, random), askedWaitMs(error));
    const nextAttemptAt = dead ? null : new Date(deps.clock.now().getTime() + delay);
    if (nextAttemptAt) {
      const { retryAt } = memoryOf(tenant);
      retryAt.set(reactor.name, Math.min(retryAt.get(reactor.name) ?? Infinity, nextAttemptAt.getTime()));
    }
    await pools.of(tenant).query(
      `insert into "${schema}".reaction_failures
         (reactor, event_id, event_position, event_type, stream_id, event, attempts, status, last_error, next_attempt_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (reactor, event_id) do update
         set attempts = excluded.attempts, status = excluded.status, last_error = excluded.last_error,
             next_attempt_at = excluded.next_attempt_at, updated_at = now()`,
      [
        reactor.name,
        event.id,
        event.position.toString(),
        event.type,
        event.streamId,
        JSON.stringify(serialise(event)),
        attempt,
        dead ? 'dead' : 'retrying',
        message.slice(0, 2000),
        nextAttemptAt,
      ],
    );
    const data = {
      reactor: reactor.name,
      event_id: event.id,
      event_type: event.type,
      stream_id: event.streamId,
      attempt,
      error: message.slice(0, 500),
      ...(nextAttemptAt ? { next_attempt_at: nextAttemptAt.toISOString() } : {}),
    };
    await deps.store.append(
      tenant,
      reactionStream(reactor.name),
      [{ id: deps.ids.uuid(), type: dead ? ReactionEvents.deadLettered : ReactionEvents.failed, data, metadata: { causation_id: event.id, correlation_id: event.metadata.correlation_id } }],
      'any',
    );
    deps.logger.warn({ tenant, reactor: reactor.name, event_id: event.id, attempt, dead, err: message }, dead ? 'reaction dead-lettered' : 'reaction failed; will retry');
    if (reactor.failed) {
      await reactor.failed(event, { attempt, error: message, nextAttemptAt }, contextOf(tenant, reactor, event, attempt)).catch((err: unknown) => {
        deps.logger.error({ err, tenant, reactor: reactor.name, event_id: event.id }, 'recording the failure in its domain failed');
      });
    }
  }

  function contextOf(tenant: number, reactor: Reactor, event: RecordedEvent, attempt: number) {
    return { tenant, attempt, idempotencyKey: idempotencyKey(reactor.name, event), metadata: reactionMetadata(reactor.name, event) };
  }

  async function react(tenant: number, reactor: Reactor, event: RecordedEvent, attempt: number): Promise<boolean> {
    try {
      await reactor.react(event, contextOf(tenant, reactor, event, attempt));
      return true;
    } catch (err) {
      await recordFailure(tenant, reactor, event, attempt, err);
      return false;
    }
  }

  /**
   * A batch with the reactions of different streams side by side (up to the reactor's
   * concurrency), each stream's in log order: for reactors whose streams are independent of one
   * another (one listing's publication does not wait for another's).
   */
  async function reactByStream(tenant: number, reactor: Reactor, events: readonly RecordedEvent[]): Promise<void> {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of events) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    const queues = [...byStream.values()];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < queues.length; i = next++) {
        for (const event of queues[i]!) await react(tenant, reactor, event, 1);
      }
    };
    await Promise.all(Array.from({ length: Math.min(reactor.concurrency ?? 1, queues.length) }, worker));
  }

  async function feedReactor(tenant: number, reactor: Reactor, from: bigint): Promise<{ total: number; position: bigint }> {
    const schema = deps.tenancy.schema(tenant);
    let position = from;
    let total = 0;
    for (;;) {
      const events = await deps.store.readLog(tenant, position, batchSize, reactor.handles);
      const save = (at: bigint) =>
        pools.of(tenant).query(
          `insert into "${schema}".checkpoints (name, position) values ($1, $2)
           on conflict (name) do update set position = excluded.position, updated_at = now()`,
          [reactor.name, at.toString()],
        );
      if ((reactor.concurrency ?? 1) > 1) {
        await reactByStream(tenant, reactor, events);
        // At least once: the checkpoint passes the batch once every reaction in it is done.
        const last = events[events.length - 1];
        if (last) {
          position = last.position;
          await save(position);
        }
      } else {
        for (const event of events) {
          await react(tenant, reactor, event, 1);
          // At least once: the checkpoint moves after the effect; a crash in between redelivers.
          position = event.position;
          await save(position);
        }
      }
      total += events.length;
      if (events.length < batchSize) return { total, position };
    }
  }

  /** Due retries: of every reactor, or of one (`only`). */
  async function retryDue(tenant: number, only?: string): Promise<{ processed: number; nextRetryAt?: Date }> {
    const schema = deps.tenancy.schema(tenant);
    const now = deps.clock.now();
    const due = await pools.of(tenant).query<{ reactor: string; event: SerialisedEvent; attempts: number }>(
      `select reactor, event, attempts from "${schema}".reaction_failures
        where status = 'retrying' and next_attempt_at <= $1 and ($2::text is null or reactor = $2) order by next_attempt_at limit 100`,
      [now, only ?? null],
    );
    let processed = 0;
    for (const row of due.rows) {
      const reactor = deps.reactors.find((r) => r.name === row.reactor);
      if (!reactor) continue;
      const event = deserialise(row.event);
      if (await react(tenant, reactor, event, row.attempts + 1)) {
        await pools.of(tenant).query(
          `update "${schema}".reaction_failures set status = 'resolved', next_attempt_at = null, updated_at = now() where reactor = $1 and event_id = $2`,
          [reactor.name, event.id],
        );
        await deps.store.append(
          tenant,
          reactionStream(reactor.name),
          [{ id: deps.ids.uuid(), type: ReactionEvents.recovered, data: { reactor: reactor.name, event_id: event.id, attempt: row.attempts + 1 }, metadata: { causation_id: event.id } }],
          'any',
        );
      }
      processed++;
    }
    const next = await pools.of(tenant).query<{ at: Date | null }>(
      `select min(next_attempt_at) as at from "${schema}".reaction_failures where status = 'retrying' and ($1::text is null or reactor = $1)`,
      [only ?? null],
    );
    return { processed, nextRetryAt: next.rows[0]?.at ?? undefined };
  }

  return {
    /** Every projection caught up (one lane of the processor). */
    async runProjections(tenant: number): Promise<RunOutcome> {
      let processed = 0;
      for (const projection of deps.projections) processed += await catchUpProjection(tenant, projection);
      return { processed };
    },
    /** One reactor fed its new events and its due retries attempted (one lane of the processor). */
    async runReactor(tenant: number, reactor: Reactor): Promise<RunOutcome> {
      const { positions, retryAt, saved } = memoryOf(tenant);
      const from = positions.get(reactor.name) ?? (await readCheckpoints(pools.of(tenant), deps.tenancy.schema(tenant))).get(reactor.name) ?? 0n;
      // The head first, as for projections: once a read comes back short, nothing the reactor
      // handles lies before it, so the next wake-up reads from there — a reactor of rare events
      // (a connection made, a job asked) no longer scans the whole log at every commit.
      const head = await deps.store.head(tenant);
      const fed = await feedReactor(tenant, reactor, from);
      // feedReactor returns once a read came back short: everything up to the head was seen.
      const reached = head > fed.position ? head : fed.position;
      positions.set(reactor.name, reached);
      // Kept now and then, so a restart does not scan what was passed over either.
      if (!saved.has(reactor.name)) saved.set(reactor.name, from);
      if (reached - saved.get(reactor.name)! >= SKIPPED_SAVE_EVERY) {
        await pools.of(tenant).query(
          `insert into "${deps.tenancy.schema(tenant)}".checkpoints as c (name, position) values ($1, $2)
           on conflict (name) do update set position = excluded.position, updated_at = now() where c.position < excluded.position`,
          [reactor.name, reached.toString()],
        );
        saved.set(reactor.name, reached);
      }
      const due = retryAt.get(reactor.name);
      if (due !== undefined && due > deps.clock.now().getTime()) return { processed: fed.total, nextRetryAt: due === Infinity ? undefined : new Date(due) };
      const retries = await retryDue(tenant, reactor.name);
      retryAt.set(reactor.name, retries.nextRetryAt?.getTime() ?? Infinity);
      return { processed: fed.total + retries.processed, nextRetryAt: retries.nextRetryAt };
    },
    /** Forgets what the lanes remember of a tenant: the next runs read it again. */
    forget(tenant: number): void {
      remembered.delete(tenant);
    },
    /** Everything, in turn: projections, then each reactor, then due retries. */
    async run(tenant: number): Promise<RunOutcome> {
      let processed = 0;
      for (const projection of deps.projections) processed += await catchUpProjection(tenant, projection);
      if (deps.reactors.length === 0) return { processed };
      const checkpoints = await readCheckpoints(pools.of(tenant), deps.tenancy.schema(tenant));
      for (const reactor of deps.reactors) processed += (await feedReactor(tenant, reactor, checkpoints.get(reactor.name) ?? 0n)).total;
      const retries = await retryDue(tenant);
      return { processed: processed + retries.processed, nextRetryAt: retries.nextRetryAt };
    },
  };
}

interface SerialisedEvent {
  id: string;
  type: string;
  data: unknown;
  schemaVersion: number;
  metadata: Record<string, unknown>;
  streamId: string;
  streamVersion: number;
  position: string;
  recordedAt: string;
}

function serialise(event: RecordedEvent): SerialisedEvent {
  return { ...event, position: event.position.toString(), recordedAt: event.recordedAt.toISOString() };
}

function deserialise(row: SerialisedEvent): RecordedEvent {
  return { ...row, position: BigInt(row.position), recordedAt: new Date(row.recordedAt) };
}
