/*
 * A device reports how a task went. Only the device holding the lease may: another device, or
 * one whose lease was taken over, gets a 409. The same report sent again by the device that made
 * it (its first answer was lost) is answered again and changes nothing.
 *
 * Success ends the task. A retryable failure puts it back in the queue after a backoff with
 * jitter, unless it was the last attempt (a delete has none: see givesUp); a permanent one fails it. Vinted answering 403 or 429
 * means the account is held back: the whole account pauses, not just this task.
 */
import { isDeepStrictEqual } from 'node:util';
import { withTenant } from '../../infra/db/tenant-transaction';
import { givesUp, isBlocked, retryDelayMs } from '../../domain/vinted/pace';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { VintedQueueDeps } from './deps';
import { tell } from './lease-task';
import { notifyQueueMoved, taskOf, type ReportedResult, type TaskRow, type VintedTask } from './tasks';

export interface ReportOutcome {
  task: VintedTask;
  /** The same report was already accepted: nothing changed. */
  duplicate: boolean;
}

export async function reportVintedTaskResult(deps: VintedQueueDeps, tenant: number, deviceId: string, taskId: string, result: ReportedResult): Promise<ReportOutcome> {
  const now = deps.clock.now();
  const outcome = await withTenant(deps.pool, deps.tenancy, tenant, async (tx): Promise<ReportOutcome> => {
    // The pace row first, as leasing takes it: the two never wait on each other in opposite order.
    await tx.query('select 1 from vinted_pace for update');
    const found = (await tx.query<TaskRow>('select * from vinted_tasks where id = $1 for update', [taskId])).rows[0];
    if (!found) throw new NotFoundError('No such task', 'task_not_found');
    if (found.state !== 'leased' || found.leased_by !== deviceId) {
      if (found.reported_by === deviceId && isDeepStrictEqual(found.result, result)) return { task: taskOf(found), duplicate: true };
      throw new ConflictError('This task is not leased to this device: its lease ran out and it went back to the queue, or another device holds it', 'task_not_leased', {
        state: found.state,
      });
    }
    let state: 'succeeded' | 'queued' | 'failed' = 'succeeded';
    let notBefore = found.not_before;
    if (!result.ok) {
      state = result.retryable && !givesUp(found.kind, found.attempts) ? 'queued' : 'failed';
      if (state === 'queued') notBefore = new Date(now.getTime() + retryDelayMs(found.attempts, result.status, deps.pace.pauseMs, deps.random));
      if (isBlocked(result.status)) {
        await tx.query('update vinted_pace set paused_until = greatest(coalesce(paused_until, $1), $1), pause_reason = $2, updated_at = $3', [
          new Date(now.getTime() + deps.pace.pauseMs),
          `Vinted answered ${result.status}`,
          now,
        ]);
      }
    }
    const { rows } = await tx.query<TaskRow>(
      `update vinted_tasks set state = $2, not_before = $3, result = $4, reported_by = $5, leased_by = null, lease_expires_at = null, updated_at = $6
        where id = $1 returning *`,
      [taskId, state, notBefore, JSON.stringify(result), deviceId, now],
    );
    // The account's one slot in flight is free again.
    await notifyQueueMoved(tx, deps.tenancy, tenant);
    return { task: taskOf(rows[0]!), duplicate: false };
  });
  if (!outcome.duplicate) await tell(deps, tenant, outcome.task, result);
  return outcome;
}
