import type { Clock, IdGenerator } from '../../infra/clock';
import type { Connections } from '../../infra/db/postgres';
import type { Tenancy } from '../../infra/db/tenancy';
import type { TenantPools } from '../../infra/db/tenant-pools';
import type { Logger } from '../../infra/logger';
import type { PaceLimits } from '../../domain/vinted/pace';
import type { CommandDeps } from '../command';
import type { OnVintedTaskResult } from './tasks';
import type { TaskWakeups } from './wakeups';

/** What the Vinted task queue needs: its tables, time, ids, chance, the account's pace and who hears of results. */
export interface VintedQueueDeps {
  /** Each tenant's queue is worked on its own connections (a plain pool: any connection). */
  pool: Connections | TenantPools;
  tenancy: Tenancy;
  clock: Clock;
  ids: IdGenerator;
  /** Jitter of gaps and backoffs: `Math.random` but for tests. */
  random: () => number;
  pace: PaceLimits & {
    /** How long a device holds a task before it goes back to the queue. */
    leaseMs: number;
    /** How long the account rests after Vinted blocked a request (403, 429). */
    pauseMs: number;
  };
  /** Told of every outcome of a task (a result reported, or the server giving up on it). */
  onResult: OnVintedTaskResult;
  logger: Logger;
}

/** The long-poll: the queue, the wake-ups that end a wait early, and the log (is the device the connected member?). */
export type VintedTaskRouteDeps = VintedQueueDeps & {
  wakeups: TaskWakeups;
  store: CommandDeps['store'];
  /** A short-lived link to a stored photo, made when a task is handed out. */
  photoLink: (file: string) => string;
};
