/*
 * Queueing work for the seller's Vinted extension. The publishing reactor (and anything else on
 * the write side) calls `enqueueVintedTask`; a key already used answers the task it made, so a
 * reaction delivered twice queues the work once. Waiting devices are woken at commit.
 */
import { withTenant } from '../../infra/db/tenant-transaction';
import type { VintedTaskKind } from '../../domain/vinted/pace';
import { ValidationError } from '../../shared/errors';
import type { VintedQueueDeps } from './deps';
import { notifyQueueMoved, taskOf, type TaskRow, type VintedTask } from './tasks';

export interface EnqueueVintedTask {
  kind: VintedTaskKind;
  listingId?: string | null;
  payload: Record<string, unknown>;
  /** Derived from what caused the task (the triggering event's id): the same key never queues twice. */
  idempotencyKey: string;
  /** Not handed out once this long has passed since it was queued (none: it waits for ever). */
  ttlMs?: number | null;
  /** Not handed out before this. */
  notBefore?: Date;
}

export async function enqueueVintedTask(deps: Pick<VintedQueueDeps, 'pool' | 'tenancy' | 'clock' | 'ids'>, tenant: number, input: EnqueueVintedTask): Promise<{ task: VintedTask; created: boolean }> {
  if (input.idempotencyKey.length === 0 || input.idempotencyKey.length > 200) throw new ValidationError([{ field: 'idempotencyKey', message: 'must be 1 to 200 characters' }]);
  const now = deps.clock.now();
  const expiresAt = input.ttlMs ? new Date(now.getTime() + input.ttlMs) : null;
  return withTenant(deps.pool, deps.tenancy, tenant, async (tx) => {
    const inserted = await tx.query<TaskRow>(
      `insert into vinted_tasks (id, kind, listing_id, payload, idempotency_key, state, not_before, expires_at, created_at, updated_at)
       values ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $8)
       on conflict (idempotency_key) do nothing
       returning *`,
      [deps.ids.uuid(), input.kind, input.listingId ?? null, JSON.stringify(input.payload), input.idempotencyKey, input.notBefore ?? now, expiresAt, now],
    );
    if (inserted.rows[0]) {
      await notifyQueueMoved(tx, deps.tenancy, tenant);
      return { task: taskOf(inserted.rows[0]), created: true };
    }
    const existing = await tx.query<TaskRow>('select * from vinted_tasks where idempotency_key = $1', [input.idempotencyKey]);
    return { task: taskOf(existing.rows[0]!), created: false };
  });
}

/**
 * Cancels the listing's tasks still waiting in the queue (the seller withdrew the listing, or it
 * sold elsewhere and a delete supersedes them). A task a device holds is left to finish: its
 * result says what happened on Vinted. Returns how many were cancelled.
 */
export async function cancelVintedTasks(
  deps: Pick<VintedQueueDeps, 'pool' | 'tenancy' | 'clock'>,
  tenant: number,
  listingId: string,
  options: { kinds?: readonly VintedTaskKind[]; /** Leaves the task of this key alone (the one about to be queued again). */ exceptKey?: string } = {},
): Promise<number> {
  const { rowCount } = await withTenant(deps.pool, deps.tenancy, tenant, (tx) =>
    tx.query(
      `update vinted_tasks set state = 'cancelled', updated_at = $2
        where listing_id = $1 and state = 'queued' and ($3::text[] is null or kind = any($3::text[])) and ($4::text is null or idempotency_key <> $4)`,
      [listingId, deps.clock.now(), options.kinds ? [...options.kinds] : null, options.exceptKey ?? null],
    ),
  );
  return rowCount ?? 0;
}
