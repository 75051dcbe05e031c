/*
 * A task for the seller's Vinted extension, as stored in `vinted_tasks`, and what its outcome
 * looks like to whoever listens (the listing reactor, through `onVintedTaskResult`).
 *
 *   queued ─lease─► leased ─ok─► succeeded
 *     ▲               │ └─failure, permanent (or the 5th attempt)─► failed
 *     └─retryable failure (backoff), or the lease ran out─┘
 *   queued/leased past expires_at ─► expired;  queued ─cancel─► cancelled
 */
import type { Queryable } from '../../infra/db/postgres';
import type { Tenancy } from '../../infra/db/tenancy';
import type { VintedTaskKind } from '../../domain/vinted/pace';

export type VintedTaskState = 'queued' | 'leased' | 'succeeded' | 'failed' | 'expired' | 'cancelled';

export interface VintedTask {
  id: string;
  kind: VintedTaskKind;
  listingId: string | null;
  /** Opaque to the queue: what the extension needs to do the work (the item, signed photo URLs…). */
  payload: Record<string, unknown>;
  idempotencyKey: string;
  state: VintedTaskState;
  notBefore: Date;
  leaseExpiresAt: Date | null;
  leasedBy: string | null;
  /** How many times it was handed out. */
  attempts: number;
  expiresAt: Date | null;
  result: VintedTaskResult | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What the extension reports. */
export type ReportedResult =
  | { ok: true; vinted_item_id?: string; url?: string; observed?: Record<string, unknown> }
  | { ok: false; status?: number; body?: string; retryable: boolean };

/** An outcome the server decided on: nobody reported after the last lease, or the task expired unperformed. */
export interface GivenUp {
  ok: false;
  retryable: false;
  reason: 'abandoned' | 'expired';
  body: string;
}

export type VintedTaskResult = ReportedResult | GivenUp;

/**
 * Hears of every outcome, after it is stored: `task` as it now is (`succeeded`, `failed`,
 * `expired`, or `queued` again with its next `notBefore` after a retryable failure).
 */
export type OnVintedTaskResult = (tenant: number, task: VintedTask, result: VintedTaskResult) => Promise<void>;

export interface TaskRow {
  id: string;
  kind: VintedTaskKind;
  listing_id: string | null;
  payload: Record<string, unknown>;
  idempotency_key: string;
  state: VintedTaskState;
  not_before: Date;
  lease_expires_at: Date | null;
  leased_by: string | null;
  attempts: number;
  expires_at: Date | null;
  result: VintedTaskResult | null;
  reported_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export function taskOf(r: TaskRow): VintedTask {
  return {
    id: r.id,
    kind: r.kind,
    listingId: r.listing_id,
    payload: r.payload,
    idempotencyKey: r.idempotency_key,
    state: r.state,
    notBefore: r.not_before,
    leaseExpiresAt: r.lease_expires_at,
    leasedBy: r.leased_by,
    attempts: r.attempts,
    expiresAt: r.expires_at,
    result: r.result,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Where waiting devices hear that a tenant's queue moved (one LISTEN connection per process). */
export const VINTED_TASKS_CHANNEL = 'stoflow_vinted_tasks';

/** Wakes the tenant's waiting devices once the transaction commits (PostgreSQL delivers NOTIFY at commit). */
export async function notifyQueueMoved(tx: Queryable, tenancy: Tenancy, tenant: number): Promise<void> {
  await tx.query('select pg_notify($1, $2)', [VINTED_TASKS_CHANNEL, `${tenancy.schema(tenant)}:tasks`]);
}

/**
 * The payload as a device receives it: the item's stored photo names become links made now,
 * valid for the link lifetime from this moment rather than from when the task was queued.
 */
export function withPhotoLinks(payload: Record<string, unknown>, link: (file: string) => string): Record<string, unknown> {
  const item = payload.item;
  if (!item || typeof item !== 'object' || !Array.isArray((item as { photo_files?: unknown }).photo_files)) return payload;
  const { photo_files: files, ...rest } = item as { photo_files: unknown[] } & Record<string, unknown>;
  return { ...payload, item: { ...rest, photo_urls: files.map((f) => link(String(f))) } };
}
