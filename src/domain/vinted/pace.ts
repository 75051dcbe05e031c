/*
 * The pace of a seller's Vinted account. Vinted has no API for us: the seller's browser extension
 * acts in the seller's own session, and Vinted blocks bursts (a 403 after a few minutes of rapid
 * requests) and bans automation. So writes (publish, update, delete) are spaced: a jittered gap
 * between two of them, and a cap per rolling hour. Reads (syncing the wardrobe or the sales) are
 * not writes and are not spaced. A delete waits for neither the gap nor the hourly cap: an item
 * that sold elsewhere must leave Vinted before it sells twice (a seller deleting a sold item at
 * once is what a person does); it still counts as a write, so the publications and updates after
 * it keep their pace. A request Vinted refused as blocked (403, 429) pauses the account, deletes
 * included.
 *
 * Pure: the history, the moment and the random draw arrive as arguments.
 */

export const VINTED_TASK_KINDS = ['publish', 'update', 'delete', 'sync_wardrobe', 'sync_sales'] as const;
export type VintedTaskKind = (typeof VINTED_TASK_KINDS)[number];

export const WRITE_KINDS: readonly VintedTaskKind[] = ['publish', 'update', 'delete'];

export function isWrite(kind: VintedTaskKind): boolean {
  return WRITE_KINDS.includes(kind);
}

/** The writes that wait their turn in the pace (a delete goes at once). */
export const PACED_KINDS: readonly VintedTaskKind[] = ['publish', 'update'];

/**
 * Which task goes first when several are due: a delete first (an item sold elsewhere must leave
 * Vinted before it sells twice), then reading the sales (which detects exactly that), then the
 * rest.
 */
export const KIND_PRIORITY: Record<VintedTaskKind, number> = { delete: 0, sync_sales: 1, update: 2, publish: 3, sync_wardrobe: 4 };

export interface PaceLimits {
  /** At most this many writes within any hour. */
  writesPerHour: number;
  /** The gap between two writes is drawn between these (milliseconds). */
  minGapMs: number;
  maxGapMs: number;
}

const HOUR_MS = 60 * 60_000;

/** A gap between two writes, drawn once per write (drawing again at every poll would favour the shortest). */
export function drawGapMs(limits: PaceLimits, random: () => number): number {
  const span = Math.max(0, limits.maxGapMs - limits.minGapMs);
  return limits.minGapMs + Math.floor(span * random());
}

/**
 * When the next write may go, given the writes handed out so far (`history`, any order) at
 * `now`: a jittered gap after the latest one, and not before the hour's window has room again.
 * Called when a write is handed out (with that write in `history`), so the gap is drawn once.
 */
export function nextWriteAt(history: readonly Date[], now: Date, limits: PaceLimits, random: () => number): Date {
  const times = history
    .map((d) => d.getTime())
    .filter((t) => t > now.getTime() - HOUR_MS)
    .sort((a, b) => a - b);
  let at = now.getTime();
  const last = times[times.length - 1];
  if (last !== undefined) at = Math.max(at, last + drawGapMs(limits, random));
  // With the hour full, the next one waits until the oldest that fills it is an hour old.
  if (times.length >= limits.writesPerHour) at = Math.max(at, times[times.length - limits.writesPerHour]! + HOUR_MS);
  return new Date(at);
}

/** The writes of the last hour worth keeping to decide the next ones. */
export function recentWrites(history: readonly Date[], now: Date): Date[] {
  return history.filter((d) => d.getTime() > now.getTime() - HOUR_MS).sort((a, b) => a.getTime() - b.getTime());
}

/** Vinted answering this way means the account is being held back: stop asking for a while. */
export function isBlocked(status: number | undefined): boolean {
  return status === 403 || status === 429;
}

export const MAX_ATTEMPTS = 5;

/**
 * Whether a task that failed (or whose lease ran out) on its `attempts`-th try is given up. A
 * delete never is: the item is on Vinted still, and a sold item left there sells twice; it is
 * tried again at the capped backoff until Vinted takes it or the listing ends otherwise.
 */
export function givesUp(kind: VintedTaskKind, attempts: number): boolean {
  return kind !== 'delete' && attempts >= MAX_ATTEMPTS;
}

const BASE_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;

/**
 * How long a task waits after a retryable failure of attempt `attempt` (1, 2, …): doubling from
 * 30 s up to 30 minutes, ±25 % jitter; after a block, at least the account's pause.
 */
export function retryDelayMs(attempt: number, status: number | undefined, pauseMs: number, random: () => number): number {
  const backoff = Math.min(MAX_RETRY_MS, BASE_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(backoff * (0.75 + 0.5 * random()));
  return isBlocked(status) ? Math.max(jittered, pauseMs + Math.round(backoff * 0.25 * random())) : jittered;
}
