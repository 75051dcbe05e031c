import type { Logger } from './logger';

/**
 * The bound on a process's stop: past `ms`, it exits with 1, but first stops the embedded
 * PostgreSQL it started (itself bounded to 5 s), so a stop that hangs never leaves the database
 * running as an orphan. Returns the timer (unref'd: it never keeps the process alive).
 */
export function stopDeadline(logger: Logger, database: { stop(): Promise<void> }, what: string, ms = 10_000): NodeJS.Timeout {
  const timer = setTimeout(() => {
    logger.error(`${what} took longer than ${ms / 1000} s: stopping the database and exiting`);
    setTimeout(() => process.exit(1), 5_000).unref();
    void database.stop().finally(() => process.exit(1));
  }, ms);
  timer.unref();
  return timer;
}
