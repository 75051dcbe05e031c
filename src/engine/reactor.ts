import type { EventMetadata, RecordedEvent } from '../eventstore/types';

export interface ReactionContext {
  tenant: number;
  /**
   * Deterministic key for the effect (`<reactor>:<event id>`): the same event always produces the
   * same key, so a redelivered event never produces a second effect.
   */
  idempotencyKey: string;
  /** 1 on first delivery, then 2, 3… on retries. */
  attempt: number;
  /** For the commands the reaction issues: caused by this event, in its correlation, by this reactor. */
  metadata: EventMetadata;
}

/** A failed reaction, as the engine recorded it. */
export interface ReactionFailure {
  attempt: number;
  error: string;
  /** When the engine tries again; null once it has given up (a dead letter). */
  nextAttemptAt: Date | null;
}

/**
 * A process that turns events into effects: a marketplace call, an AI request, a notification,
 * another command. Delivery is at least once; `react` must be idempotent through the key.
 * A reaction that throws is retried with exponential backoff and jitter and, after
 * `maxAttempts`, parked as a dead letter the seller can see. Failures are events in the log.
 */
export interface Reactor {
  name: string;
  handles: readonly string[];
  maxAttempts?: number;
  /**
   * Reactions of different streams run side by side, up to this many (default 1: one after
   * another, in log order). Each stream's own events still come in order. Only for reactors
   * whose effects on one stream never depend on another stream's.
   */
  concurrency?: number;
  /** First retry delay; doubles at each attempt (default 2 s, capped at 10 min). */
  baseDelayMs?: number;
  react(event: RecordedEvent, context: ReactionContext): Promise<void>;
  /**
   * After a failed attempt is recorded (ReactionFailed / ReactionDeadLettered): lets the reactor
   * record the failure in its own domain, through a command (ListingPublishFailed with the reason
   * and the next retry), so the seller sees it where it belongs. Its own errors are logged only.
   */
  failed?(event: RecordedEvent, failure: ReactionFailure, context: ReactionContext): Promise<void>;
}

/** Who a reaction acts as, and what caused it. */
export function reactionMetadata(reactor: string, event: RecordedEvent): EventMetadata {
  return { actor: `reactor:${reactor}`, causation_id: event.id, correlation_id: event.metadata.correlation_id ?? event.id };
}

export const DEFAULT_MAX_ATTEMPTS = 6;
const MAX_DELAY_MS = 10 * 60_000;

/** "Equal jitter": half the exponential delay, plus a random part of the other half. */
export function retryDelayMs(attempt: number, baseDelayMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_DELAY_MS, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

export function idempotencyKey(reactor: string, event: RecordedEvent): string {
  return `${reactor}:${event.id}`;
}

/** Events of reactions, in the stream `reactions-<reactor>` of the tenant's log. */
export const ReactionEvents = {
  failed: 'ReactionFailed',
  deadLettered: 'ReactionDeadLettered',
  recovered: 'ReactionRecovered',
} as const;

export function reactionStream(reactor: string): string {
  return `reactions-${reactor}`;
}
