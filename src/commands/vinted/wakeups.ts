/*
 * Waiting devices sleep without a database connection: each wait is a timer and a place in a
 * per-tenant list, woken early when the tenant's queue moves. The signal comes from PostgreSQL
 * (NOTIFY on VINTED_TASKS_CHANNEL, one LISTEN connection per process, outside the pool), so a
 * task enqueued by a worker process wakes a device waiting on any API process. Notifications
 * are a hint: the watcher also wakes everyone now and then, and after (re)connecting.
 *
 * A wait starts from a mark taken before the queue was read: a wake that lands between reading
 * the queue and starting to wait still ends the wait at once, instead of being missed.
 */

/** The notification source (src/eventstore/postgres-watch.ts): `null` wakes every tenant. */
export interface QueueWatcher {
  watch(onWake: (tenant: number | null) => void): Promise<() => Promise<void>>;
}

export interface TaskWakeups {
  /** Taken before reading the queue; `wait` returns at once if the tenant was woken since. */
  mark(tenant: number): number;
  /**
   * Resolves when the tenant's queue may have moved since `mark`, after `ms`, or when `signal`
   * aborts: true, or false once closed (the process is stopping: answer now, do not look again).
   */
  wait(tenant: number, mark: number, ms: number, signal: AbortSignal): Promise<boolean>;
  /** How many waits are in progress (for one tenant, or in all). */
  waiting(tenant?: number): number;
  /** Ends every wait at once (shutting down) and stops listening. */
  close(): Promise<void>;
}

export function taskWakeups(watcher: QueueWatcher): TaskWakeups {
  const waiting = new Map<number, Set<() => void>>();
  const wakes = new Map<number, number>();
  let wakesOfAll = 0;
  let listening: Promise<(() => Promise<void>) | null> | null = null;
  let closed = false;

  const mark = (tenant: number) => wakesOfAll + (wakes.get(tenant) ?? 0);
  const wake = (tenant: number | null) => {
    if (tenant === null) wakesOfAll++;
    else wakes.set(tenant, (wakes.get(tenant) ?? 0) + 1);
    const lists = tenant === null ? [...waiting.values()] : [waiting.get(tenant) ?? new Set<() => void>()];
    for (const list of lists) for (const done of [...list]) done();
  };

  return {
    mark,
    async wait(tenant, since, ms, signal) {
      if (closed) return false;
      if (signal.aborted || ms <= 0 || mark(tenant) !== since) return true;
      // Listening starts with the first wait; while it cannot, the timers do the work alone.
      listening ??= watcher.watch(wake).catch(() => null);
      await new Promise<void>((resolve) => {
        const list = waiting.get(tenant) ?? new Set<() => void>();
        waiting.set(tenant, list);
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          list.delete(done);
          if (list.size === 0 && waiting.get(tenant) === list) waiting.delete(tenant);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
        list.add(done);
      });
      return !closed;
    },
    waiting(tenant) {
      if (tenant !== undefined) return waiting.get(tenant)?.size ?? 0;
      return [...waiting.values()].reduce((n, list) => n + list.size, 0);
    },
    async close() {
      closed = true;
      wake(null);
      const unwatch = await listening;
      await unwatch?.();
    },
  };
}
