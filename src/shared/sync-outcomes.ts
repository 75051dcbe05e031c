/*
 * What sync did, after a sale, on each other marketplace: decided by the sync activity
 * projection (src/projections/sync-activity-fold.ts), shown by GET /api/sync/activity.
 */
export const SYNC_OUTCOMES = ['not_listed', 'already_delisted', 'pending', 'delisted', 'quantity_updated', 'failed', 'sold_there_too', 'ended_there', 'disconnected'] as const;
export type SyncOutcome = (typeof SYNC_OUTCOMES)[number];
