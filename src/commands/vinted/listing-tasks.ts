/*
 * Vinted's side of publishing: each step of a listing (publish, update, delete) becomes a task
 * for the seller's browser extension, which performs it in the seller's own Vinted session and
 * reports back (src/commands/listings/vinted-results.ts turns the report into the listing's
 * events). The task carries the item as Vinted's upload form takes it: the condition as Vinted's
 * `status_id`, the category as a catalog id, prices as decimal strings. Vinted's size and brand
 * ids depend on the catalog the item lands in, so the extension resolves them there from the
 * labels sent. Photos travel as stored file names and become short-lived links only when a
 * device leases the task (withPhotoLinks), since a task may wait hours for its turn.
 */
import type { PublicationDraft, QueuedPublisher, QueuedWork } from '../../shared/marketplace-publisher';
import type { VintedQueueDeps } from './deps';
import { cancelVintedTasks, enqueueVintedTask } from './enqueue-task';

/** Photos a Vinted item shows; the first ones, in the product's order, are sent. */
export const VINTED_PHOTOS_MAX = 20;

export interface VintedItem {
  title: string;
  description: string;
  /** Euros as Vinted writes them: "12.50". */
  price: string;
  currency: string;
  /** Vinted's condition: 6 new with tags, 1 new without tags, 2 very good, 3 good, 4 satisfactory. */
  status_id: string;
  catalog_id: string;
  brand: string | null;
  size: string | null;
  color_ids: string[];
  /** small, medium, large, extra_large; null: the one Vinted suggests for the catalog. */
  package_size: string | null;
  /** Replaced by `photo_urls` when the task is handed out. */
  photo_files: string[];
}

export function vintedItemOf(draft: PublicationDraft): VintedItem {
  return {
    title: draft.title,
    description: draft.description,
    price: (draft.price_cents / 100).toFixed(2),
    currency: draft.currency,
    status_id: draft.condition,
    catalog_id: draft.category_id,
    brand: draft.aspects.Brand?.[0] ?? null,
    size: draft.aspects.Size?.[0] ?? null,
    color_ids: draft.color_id ? [draft.color_id] : [],
    package_size: draft.package_size ?? null,
    photo_files: draft.images.slice(0, VINTED_PHOTOS_MAX).map((i) => i.file),
  };
}

/** The payload of each kind, as the extension reads it. */
export function vintedPayloadOf(work: QueuedWork): Record<string, unknown> {
  const itemId = work.external.item_id ?? null;
  switch (work.kind) {
    case 'publish':
      return { product_version: work.productVersion, item: vintedItemOf(work.draft!) };
    case 'update':
      // Vinted's edit form saves the whole item, not a difference.
      return { product_version: work.productVersion, vinted_item_id: itemId, item: vintedItemOf(work.draft!) };
    case 'delete':
      return { vinted_item_id: itemId };
  }
}

/**
 * `taskTtlHours`: how long a publication or an update waits for the seller's extension before it
 * expires and the listing shows it failed (the seller retries it); 0: it waits for ever. A delete
 * never expires: an item left on Vinted could sell twice.
 */
export function vintedPublisher(deps: Pick<VintedQueueDeps, 'pool' | 'tenancy' | 'clock' | 'ids'>, options: { taskTtlHours?: number } = {}): QueuedPublisher {
  const ttlMs = (options.taskTtlHours ?? 0) * 3600_000;
  return {
    marketplace: 'vinted',
    queued: true,
    async request(tenant, work) {
      // Ten quick edits while the account waits its turn are one update: the newest replaces the
      // rest. Not itself: a reaction delivered again would otherwise cancel the task it queued the
      // first time, and queue nothing (the key is taken), leaving the listing updating for ever.
      if (work.kind === 'update') await cancelVintedTasks(deps, tenant, work.listingId, { kinds: ['update'], exceptKey: work.key });
      await enqueueVintedTask(deps, tenant, { kind: work.kind, listingId: work.listingId, payload: { ...vintedPayloadOf(work), ...(work.correlationId ? { correlation_id: work.correlationId } : {}) }, idempotencyKey: work.key, ttlMs: work.kind === 'delete' ? null : ttlMs });
    },
    cancelWaiting: (tenant, listingId) => cancelVintedTasks(deps, tenant, listingId, { kinds: ['publish', 'update'] }),
  };
}
