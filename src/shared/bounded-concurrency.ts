/** What a gate is doing, and the most it ever did (the bound is visible from outside). */
export interface GateStats {
  running: number;
  waiting: number;
  peakRunning: number;
  peakWaiting: number;
  refused: number;
}

export interface Gate {
  /**
   * Runs `task` now, or after the tasks ahead of it; throws `refuse()` at once when the queue is
   * full. A `priority` task waits ahead of the others, in a line of its own as long as the queue.
   */
  run<T>(task: () => Promise<T>, options?: { priority?: boolean }): Promise<T>;
  /** Throws (and counts) the refusal `run` would throw for such a task now; otherwise nothing is taken. */
  refuseIfFull(options?: { priority?: boolean }): void;
  stats(): GateStats;
}

/**
 * At most `concurrency` tasks at a time, at most `queue` more waiting their turn (first come,
 * first served), and any task beyond that refused at once: the caller answers "busy" in a few
 * milliseconds instead of waiting behind a pile-up that only grows.
 */
export function boundedConcurrency(options: { concurrency: number; queue: number; refuse: () => Error }): Gate {
  const { concurrency, queue: queueLimit, refuse } = options;
  let running = 0;
  const waiting: (() => void)[] = [];
  const first: (() => void)[] = [];
  const stats = { peakRunning: 0, peakWaiting: 0, refused: 0 };

  const release = () => {
    const next = first.shift() ?? waiting.shift();
    // The slot passes straight to the next task in line: `running` does not change.
    if (next) next();
    else running--;
  };

  return {
    async run<T>(task: () => Promise<T>, runOptions: { priority?: boolean } = {}): Promise<T> {
      const line = runOptions.priority ? first : waiting;
      if (running < concurrency) {
        running++;
        stats.peakRunning = Math.max(stats.peakRunning, running);
      } else if (line.length < queueLimit) {
        await new Promise<void>((resolve) => {
          line.push(resolve);
          stats.peakWaiting = Math.max(stats.peakWaiting, waiting.length + first.length);
        });
      } else {
        stats.refused++;
        throw refuse();
      }
      try {
        return await task();
      } finally {
        release();
      }
    },
    refuseIfFull(runOptions = {}) {
      if (running < concurrency || (runOptions.priority ? first : waiting).length < queueLimit) return;
      stats.refused++;
      throw refuse();
    },
    stats: () => ({ running, waiting: waiting.length + first.length, ...stats }),
  };
}
