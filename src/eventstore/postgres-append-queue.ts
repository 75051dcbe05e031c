/*
 * Group commit, per tenant, inside one process. Appends of a tenant take turns on its lock and
 * each turn ends with a WAL flush, so sixteen writers sending sixteen calls would pay sixteen
 * flushes one after another. Instead, while one call for a tenant is in flight, the appends that
 * arrive wait here and then go together as the next call: one lock turn, one commit, one flush
 * for all of them, each still checked and answered on its own.
 *
 * An idle tenant's append leaves at once, so a lone writer waits for nobody. A stream appears at
 * most once per call and appends to one stream leave in the order they arrived. If a grouped call
 * fails as a whole (a bad value in one append, a dropped connection), its appends are retried one
 * by one, so each caller gets its own answer; retries are safe because appends are idempotent.
 *
 * A caller may hand in several appends (to different streams) that stand or fall together — a
 * product and its SKU reservation: they travel as one unit, always in the same call.
 */
import type { ExpectedVersion, NewEvent, TenantId } from './types';

export interface QueuedAppend {
  stream: string;
  events: NewEvent[];
  expected: ExpectedVersion;
}

/** Answers, per unit, one row per append of the unit. */
export type SendBatch<R> = (tenant: TenantId, batch: QueuedAppend[][]) => Promise<R[][]>;

export interface AppendQueueLimits {
  /** Appends per call (default 64). */
  maxAppends?: number;
  /** Events per call; a larger single append still goes, alone (default 2000). */
  maxEvents?: number;
}

interface Waiting {
  appends: QueuedAppend[];
  events: number;
  solo: boolean;
  resolve(rows: unknown[]): void;
  reject(error: unknown): void;
}

export interface AppendQueue<R> {
  /** One append, or several that go in the same call (answered in their order). */
  append(tenant: TenantId, items: QueuedAppend[]): Promise<R[]>;
}

export function createAppendQueue<R>(send: SendBatch<R>, limits: AppendQueueLimits = {}): AppendQueue<R> {
  const maxAppends = limits.maxAppends ?? 64;
  const maxEvents = limits.maxEvents ?? 2000;
  const queues = new Map<TenantId, Waiting[]>();

  /** The next call's appends, in arrival order; the rest stay queued. */
  function take(queue: Waiting[]): Waiting[] {
    if (queue[0]?.solo) return queue.splice(0, 1);
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const seen = new Set<string>();
    let appends = 0;
    let events = 0;
    for (const item of queue) {
      const fits = batch.length === 0 || (appends + item.appends.length <= maxAppends && events + item.events <= maxEvents);
      // Once a stream's append stays behind, every later append to it stays behind too.
      if (fits && !item.solo && item.appends.every((a) => !seen.has(a.stream))) {
        batch.push(item);
        appends += item.appends.length;
        events += item.events;
      } else {
        rest.push(item);
      }
      for (const a of item.appends) seen.add(a.stream);
    }
    queue.splice(0, queue.length, ...rest);
    return batch;
  }

  /**
   * One call at a time per tenant. A second call in flight was measured slower: it only waits
   * for the lock, and it splits the group into two commits, each paying its own flush.
   */
  async function pump(tenant: TenantId, queue: Waiting[]): Promise<void> {
    while (queue.length > 0) {
      const batch = take(queue);
      try {
        const rows = await send(tenant, batch.map((item) => item.appends));
        batch.forEach((item, i) => {
          const answer = rows[i];
          if (answer === undefined || answer.length !== item.appends.length) item.reject(new Error(`No answer for the append to ${item.appends[0]?.stream}`));
          else item.resolve(answer);
        });
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        else queue.unshift(...batch.map((item) => ({ ...item, solo: true })));
      }
      // Let the callers just answered run first: what they append next joins this next call
      // instead of waiting a whole turn behind it.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    queues.delete(tenant);
  }

  return {
    append(tenant, items) {
      return new Promise<R[]>((resolve, reject) => {
        const events = items.reduce((n, a) => n + a.events.length, 0);
        const waiting: Waiting = { appends: items, events, solo: false, resolve: resolve as (rows: unknown[]) => void, reject };
        const queue = queues.get(tenant);
        if (queue) {
          queue.push(waiting);
          return;
        }
        const fresh = [waiting];
        queues.set(tenant, fresh);
        void pump(tenant, fresh);
      });
    },
  };
}
