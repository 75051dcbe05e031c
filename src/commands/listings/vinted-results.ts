/*
 * What the seller's extension reports on a Vinted listing's task becomes the listing's events:
 * a publish done is `active` with Vinted's item id and address, an update done records the
 * product version Vinted now shows, a delete done ends the listing, and an update of an item
 * Vinted no longer knows (404) ends it there. A failure is recorded only
 * once the queue has given up on the task (a permanent refusal, the last attempt, or it
 * expired); a task queued again for a later attempt changes nothing yet.
 *
 * Reports arrive after the queue stored them; a hook that fails here is told again by the
 * queue's housekeeping (vinted_tasks.told_at), and every command below is a no-op the second
 * time, so a report counts exactly once.
 */
import type { ListingCommand, MarketplaceProblem } from '../../domain/listing/listing';
import { listingDecider, listingStream } from '../../domain/listing/listing';
import { runCommand } from '../command';
import type { VintedTask, VintedTaskResult } from '../vinted/tasks';
import type { ListingWorkDeps } from './deps';
import { loadListing } from './load';

const GIVEN_UP = new Set(['failed', 'expired']);

/** Vinted's answer, as the seller will read it. */
export function vintedProblem(result: Extract<VintedTaskResult, { ok: false }>): { reason: string; errors: MarketplaceProblem[] } {
  const body = (result.body ?? '').slice(0, 1000);
  if ('reason' in result) return { reason: `Vinted: ${body}`, errors: [{ id: result.reason, message: body }] };
  const status = result.status ?? 0;
  // Vinted's own error bodies are JSON with a message; anything else is shown as it came.
  let message = body;
  try {
    const parsed = JSON.parse(body) as { message?: unknown; code?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    /* not JSON */
  }
  return { reason: `Vinted refused it${status ? ` (${status})` : ''}: ${message || 'no reason given'}`, errors: [{ id: status ? `vinted_${status}` : 'vinted_refused', message: message.slice(0, 500) }] };
}

export function recordVintedOutcome(deps: ListingWorkDeps) {
  return async (tenant: number, task: VintedTask, result: VintedTaskResult): Promise<void> => {
    if (!task.listingId || !['publish', 'update', 'delete'].includes(task.kind)) return;
    if (task.state !== 'succeeded' && !GIVEN_UP.has(task.state)) return;
    const { state: listing } = await loadListing(deps.store, tenant, task.listingId);
    // A task made by hand, or for a listing of another shape: not ours to record.
    if (!listing || listing.marketplace !== 'vinted') return;
    const now = deps.clock.now();
    const productVersion = typeof task.payload.product_version === 'number' ? task.payload.product_version : listing.productVersion;
    let command: ListingCommand;
    if (result.ok) {
      const external: Record<string, string> = result.vinted_item_id ? { item_id: result.vinted_item_id } : {};
      if (task.kind === 'publish') command = { type: 'RecordPublished', external, url: result.url ?? null, productVersion, now };
      else if (task.kind === 'update') command = { type: 'RecordUpdated', productVersion, now };
      else command = { type: 'RecordDelisted', now };
    } else {
      // An item Vinted no longer knows is as gone as a deleted one: deleting it is done, updating
      // it never will be (the seller removed it on Vinted, or it sold there unseen).
      const unknownThere = !('reason' in result) && result.status === 404;
      if (task.kind === 'delete' && unknownThere) command = { type: 'RecordDelisted', now };
      else if (task.kind === 'update' && unknownThere && ['active', 'updating'].includes(listing.status)) command = { type: 'MarkEndedExternally', reason: 'Vinted no longer knows the item (404 on an update)', now };
      else {
        const failure = { ...vintedProblem(result), retryable: false, nextRetryAt: null, now };
        if (task.kind === 'publish') command = { type: 'RecordPublishFailure', ...failure };
        else if (task.kind === 'update') command = { type: 'RecordUpdateFailure', ...failure };
        else command = { type: 'RecordDelistFailure', ...failure };
      }
    }
    await runCommand(deps, tenant, { stream: listingStream(task.listingId), decider: listingDecider, command }, {
        // In the correlation of what asked for the task: a sale's Vinted delete is one story with the sale.
        event: { actor: 'vinted-extension', causation_id: task.id, ...(typeof task.payload.correlation_id === 'string' ? { correlation_id: task.payload.correlation_id } : {}) },
        expectedVersion: undefined,
      });
  };
}
