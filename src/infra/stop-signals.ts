/**
 * SIGINT and SIGTERM are listened for from a process's first line, not only once it has started.
 *
 * Without a listener a signal kills Node at once. The embedded PostgreSQL module's own listeners
 * are removed when the database starts (they would exit before our graceful stop), so from then
 * until the entry point installs its stop, a `docker stop`, a Ctrl-C or an npm that forwards a
 * SIGTERM would kill the process and leave the database it started running as an orphan. A signal
 * that arrives while the process is starting is remembered, and the stop runs as soon as the
 * process is ready for it.
 */
export interface StopSignals {
  /** From now on a signal calls `stop`; one that came during start-up calls it at once. */
  handleWith(stop: (signal: string) => void): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function catchStopSignals(target: Pick<NodeJS.Process, 'on'> = process): StopSignals {
  let handler: ((signal: string) => void) | null = null;
  let early: string | null = null;
  // Kept for the whole life of the process, not once: Ctrl-C reaches it twice (from the terminal
  // and forwarded by npm), and a second signal without a listener would kill it half-stopped.
  for (const signal of SIGNALS) {
    target.on(signal, () => {
      if (handler) handler(signal);
      else early ??= signal;
    });
  }
  return {
    handleWith(stop) {
      handler = stop;
      if (early !== null) stop(early);
    },
  };
}
