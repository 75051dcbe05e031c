/*
 * Handing a task to a device. One transaction per attempt, holding the tenant's pace row, so a
 * tenant's leases happen one at a time (two devices polling at once cannot both get one):
 *
 * 1. settle what time has decided: tasks past `expires_at` expire; a lease that ran out puts its
 *    task back in the queue, or fails it after the last attempt;
 * 2. at most one task in flight per account: while one is leased, nothing else goes out;
 * 3. after Vinted blocked the account, nothing goes out until the pause ends;
 * 4. a write (publish, update, delete) goes only once the account's pace allows it; a sync
 *    does not wait for the pace;
 * 5. the due task that matters most goes first (a delete before anything else), then the oldest.
 *
 * When nothing can go, the answer says when something might (`retryAt`), so a waiting device
 * sleeps until then or until the queue moves.
 */
import { withTenant } from '../../infra/db/tenant-transaction';
import type { PoolClient } from '../../infra/db/postgres';
import { KIND_PRIORITY, MAX_ATTEMPTS, PACED_KINDS, isWrite, nextWriteAt, recentWrites } from '../../domain/vinted/pace';
import type { VintedQueueDeps } from './deps';
import { notifyQueueMoved, taskOf, type GivenUp, type TaskRow, type VintedTask, type VintedTaskResult } from './tasks';

export type LeaseOutcome = { task: VintedTask; retryAt?: undefined } | { task: null; retryAt: Date | null };

interface PaceRow {
  recent_writes: Date[];
  next_write_at: Date | null;
  paused_until: Date | null;
}

const PRIORITY_SQL = `case kind ${Object.entries(KIND_PRIORITY).map(([k, p]) => `when '${k}' then ${p}`).join(' ')} end`;
/** Waiting for the pace: the writes but deletes. */
const PACED = [...PACED_KINDS];

/** Settles what time decided (step 1) and tells `onResult` of each task given up; returns the tasks settled. */
async function settle(tx: PoolClient, now: Date): Promise<{ given: { task: VintedTask; result: GivenUp }[]; requeued: number }> {
  const { rows } = await tx.query<TaskRow & { was: string }>(
    `with due as (
       select id, state as was from vinted_tasks
        where (state = 'queued' and expires_at <= $1) or (state = 'leased' and lease_expires_at <= $1)
        for update
     )
     update vinted_tasks t set
       state = case when t.expires_at <= $1 then 'expired' when t.attempts >= $2 and t.kind <> 'delete' then 'failed' else 'queued' end,
       result = case
         when t.expires_at <= $1 then jsonb_build_object('ok', false, 'retryable', false, 'reason', 'expired', 'body', 'The task expired before it was performed')
         when t.attempts >= $2 and t.kind <> 'delete' then jsonb_build_object('ok', false, 'retryable', false, 'reason', 'abandoned', 'body', format('No result came back from %s attempts', t.attempts))
         else t.result end,
       leased_by = null, lease_expires_at = null, updated_at = $1
       from due where t.id = due.id
     returning t.*, due.was`,
    [now, MAX_ATTEMPTS],
  );
  const given = rows.filter((r) => r.state !== 'queued').map((r) => ({ task: taskOf(r), result: r.result as GivenUp }));
  return { given, requeued: rows.length - given.length };
}

/** The next task for `deviceId`, leased to it, or when to look again. */
export async function leaseVintedTask(deps: VintedQueueDeps, tenant: number, deviceId: string): Promise<LeaseOutcome> {
  const now = deps.clock.now();
  const { outcome, given } = await withTenant(deps.pool, deps.tenancy, tenant, async (tx) => {
    const pace = (await tx.query<PaceRow>('select recent_writes, next_write_at, paused_until from vinted_pace for update')).rows[0]!;
    const { given, requeued } = await settle(tx, now);
    if (requeued > 0) await notifyQueueMoved(tx, deps.tenancy, tenant);
    const outcome = await pick(deps, tx, pace, now, deviceId);
    return { outcome, given };
  });
  for (const g of given) await tell(deps, tenant, g.task, g.result);
  return outcome;
}

async function pick(deps: VintedQueueDeps, tx: PoolClient, pace: PaceRow, now: Date, deviceId: string): Promise<LeaseOutcome> {
  const inFlight = await tx.query<{ lease_expires_at: Date }>(`select lease_expires_at from vinted_tasks where state = 'leased' order by lease_expires_at limit 1`);
  if (inFlight.rows[0]) return { task: null, retryAt: inFlight.rows[0].lease_expires_at };
  if (pace.paused_until && pace.paused_until > now) return { task: null, retryAt: pace.paused_until };
  const writesOpen = !pace.next_write_at || pace.next_write_at <= now;
  const { rows } = await tx.query<TaskRow>(
    `select * from vinted_tasks
      where state = 'queued' and not_before <= $1 and (expires_at is null or expires_at > $1) and ($2 or kind <> all($3::text[]))
      order by ${PRIORITY_SQL}, not_before, created_at
      limit 1
      for update skip locked`,
    [now, writesOpen, PACED],
  );
  const next = rows[0];
  if (!next) return { task: null, retryAt: await nextDue(tx, pace, now) };
  const leased = await tx.query<TaskRow>(
    `update vinted_tasks set state = 'leased', leased_by = $2, lease_expires_at = $3, attempts = attempts + 1, updated_at = $4
      where id = $1 and state = 'queued' returning *`,
    [next.id, deviceId, new Date(now.getTime() + deps.pace.leaseMs), now],
  );
  if (isWrite(next.kind)) {
    const history = [...recentWrites(pace.recent_writes, now), now];
    await tx.query('update vinted_pace set recent_writes = $1, next_write_at = $2, updated_at = $3', [history, nextWriteAt(history, now, deps.pace, deps.random), now]);
  }
  return { task: taskOf(leased.rows[0]!) };
}

/** The earliest moment a queued task could go: its own not_before, and for a write the account's pace too. */
async function nextDue(tx: PoolClient, pace: PaceRow, now: Date): Promise<Date | null> {
  const { rows } = await tx.query<{ unpaced: Date | null; paced: Date | null }>(
    `select min(not_before) filter (where kind <> all($2::text[])) as unpaced, min(not_before) filter (where kind = any($2::text[])) as paced
       from vinted_tasks where state = 'queued' and (expires_at is null or expires_at > $1)`,
    [now, PACED],
  );
  const { unpaced, paced } = rows[0] ?? { unpaced: null, paced: null };
  const pacedAt = paced && pace.next_write_at && pace.next_write_at > paced ? pace.next_write_at : paced;
  const times = [unpaced, pacedAt].filter((d): d is Date => d !== null).map((d) => d.getTime());
  return times.length > 0 ? new Date(Math.max(now.getTime(), Math.min(...times))) : null;
}

/** The device could not be given the task it leased (it went away first): back to the queue, the attempt not counted. */
export async function releaseVintedLease(deps: Pick<VintedQueueDeps, 'pool' | 'tenancy' | 'clock'>, tenant: number, taskId: string, deviceId: string): Promise<void> {
  await withTenant(deps.pool, deps.tenancy, tenant, async (tx) => {
    const { rowCount } = await tx.query(
      `update vinted_tasks set state = 'queued', leased_by = null, lease_expires_at = null, attempts = greatest(attempts - 1, 0), updated_at = $3
        where id = $1 and state = 'leased' and leased_by = $2`,
      [taskId, deviceId, deps.clock.now()],
    );
    if (rowCount) await notifyQueueMoved(tx, deps.tenancy, tenant);
  });
}

/** A revoked device cannot report: what it held goes back to the queue at once. */
export async function releaseDeviceLeases(deps: Pick<VintedQueueDeps, 'pool' | 'tenancy' | 'clock'>, tenant: number, deviceId: string): Promise<number> {
  return withTenant(deps.pool, deps.tenancy, tenant, async (tx) => {
    const { rowCount } = await tx.query(
      `update vinted_tasks set state = 'queued', leased_by = null, lease_expires_at = null, updated_at = $2 where state = 'leased' and leased_by = $1`,
      [deviceId, deps.clock.now()],
    );
    if (rowCount) await notifyQueueMoved(tx, deps.tenancy, tenant);
    return rowCount ?? 0;
  });
}

/** Settles a tenant's queue without handing anything out (housekeeping, when no device polls). */
export async function settleVintedTasks(deps: VintedQueueDeps, tenant: number): Promise<void> {
  const now = deps.clock.now();
  const given = await withTenant(deps.pool, deps.tenancy, tenant, async (tx) => {
    await tx.query('select 1 from vinted_pace for update');
    const { given, requeued } = await settle(tx, now);
    if (requeued > 0) await notifyQueueMoved(tx, deps.tenancy, tenant);
    return given;
  });
  for (const g of given) await tell(deps, tenant, g.task, g.result);
}

/**
 * Results are stored before anyone hears of them; a listener's failure is logged, never undone,
 * and a final outcome not yet heard is told again by housekeeping (retellVintedResults).
 */
export async function tell(deps: Pick<VintedQueueDeps, 'onResult' | 'logger' | 'pool' | 'tenancy'>, tenant: number, task: VintedTask, result: VintedTaskResult): Promise<void> {
  try {
    await deps.onResult(tenant, task, result);
  } catch (err) {
    deps.logger.error({ err, tenant, task_id: task.id, kind: task.kind }, 'the Vinted task result hook failed');
    return;
  }
  if (!FINAL.includes(task.state)) return;
  try {
    await withTenant(deps.pool, deps.tenancy, tenant, (tx) => tx.query('update vinted_tasks set told_at = $2 where id = $1 and updated_at = $2', [task.id, task.updatedAt]));
  } catch (err) {
    deps.logger.warn({ err, tenant, task_id: task.id }, 'a heard Vinted task outcome could not be marked: it will be told again');
  }
}

const FINAL: readonly string[] = ['succeeded', 'failed', 'expired'];

/** Tells again the final outcomes nobody has heard yet (the listener failed, or the process stopped first). */
export async function retellVintedResults(deps: VintedQueueDeps, tenant: number, options: { olderThanMs?: number; limit?: number } = {}): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - (options.olderThanMs ?? 60_000));
  const { rows } = await withTenant(deps.pool, deps.tenancy, tenant, (tx) =>
    tx.query<TaskRow>(
      `select * from vinted_tasks where state = any($1::text[]) and told_at is distinct from updated_at and updated_at <= $2 order by updated_at limit $3`,
      [FINAL, before, options.limit ?? 500],
    ),
  );
  for (const row of rows) await tell(deps, tenant, taskOf(row), row.result!);
  return rows.length;
}
