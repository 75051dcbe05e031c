/**
 * Exit codes every command keeps to, so scripts can tell an answer from a problem:
 * 0 all is well, 1 a finding (drift, a tenant that failed to migrate, nothing found),
 * 2 the command could not run (bad usage, no database), 3 it failed unexpectedly.
 */
export const EXIT = { ok: 0, finding: 1, usage: 2, failure: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Wrong arguments, an unknown tenant, a file that is not an export: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** Whether the command's usage line helps (a malformed command line) or not (an unknown tenant). */
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

/** PostgreSQL cannot be reached or started: exit 2. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}
