import type { Projection } from '../engine/projection';
import { listingDecider, LISTING_STREAM_PREFIX, type ListingEvent, type ListingState } from '../domain/listing/listing';

/**
 * `listings`: each listing as its stream says it is now. Inline, so a publish answer is followed
 * at once by GET …/listings. A batch folds each listing's events with the decider's own evolve
 * (from the row as stored), then writes the row once, guarded by the stream version.
 */
export const listingsProjection: Projection = {
  name: 'listings',
  consistency: 'inline',
  tables: ['listings'],
  handles: [
    'ListingQueued',
    'ListingPublishStarted',
    'ListingPublishProgressed',
    'ListingPublished',
    'ListingPublishFailed',
    'ListingUpdateStarted',
    'ListingUpdated',
    'ListingUpdateFailed',
    'ListingRetryRequested',
    'ListingDelistRequested',
    'ListingDelisted',
    'ListingDelistFailed',
    'ListingSoldHere',
    'ListingEndedExternally',
    'ListingDisconnected',
  ],
  async apply(db, tables, events) {
    const table = tables.listings;
    const byStream = new Map<string, typeof events[number][]>();
    for (const e of events) {
      if (!e.streamId.startsWith(LISTING_STREAM_PREFIX)) continue;
      byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
    }
    for (const [stream, list] of byStream) {
      const id = stream.slice(LISTING_STREAM_PREFIX.length);
      const { rows } = await db.query<{ product_id: string; marketplace: string; status: string; product_version: number; overrides: Record<string, unknown>; external: Record<string, string>; url: string | null; attempts: number; last_error: unknown; queued_at: Date; published_at: Date | null; version: number }>(
        `select product_id, marketplace, status, product_version, overrides, external, url, attempts, last_error, queued_at, published_at, version from ${table} where id = $1`,
        [id],
      );
      const row = rows[0];
      const fresh = list.filter((e) => !row || e.streamVersion > row.version);
      if (fresh.length === 0) continue;
      let state: ListingState = row
        ? ({ id, productId: row.product_id, marketplace: row.marketplace, status: row.status, overrides: row.overrides, external: row.external, url: row.url, productVersion: row.product_version, attempts: row.attempts, lastError: row.last_error } as ListingState)
        : null;
      let queuedAt = row?.queued_at.toISOString() ?? null;
      let publishedAt = row?.published_at?.toISOString() ?? null;
      let updatedAt = '';
      for (const e of fresh) {
        state = listingDecider.evolve(state, { type: e.type, data: e.data } as ListingEvent);
        if (e.type === 'ListingQueued') {
          queuedAt = (e.data as { queued_at: string }).queued_at;
          publishedAt = null;
        }
        if (e.type === 'ListingPublished') publishedAt = (e.data as { published_at: string }).published_at;
        updatedAt = e.recordedAt.toISOString();
      }
      if (!state) continue;
      const version = fresh[fresh.length - 1]!.streamVersion;
      await db.query(
        `insert into ${table} as l (id, product_id, marketplace, status, overrides, external, url, attempts, last_error, queued_at, published_at, updated_at, version, product_version)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         on conflict (id) do update set status = excluded.status, overrides = excluded.overrides, external = excluded.external, url = excluded.url,
           attempts = excluded.attempts, last_error = excluded.last_error, queued_at = excluded.queued_at, published_at = excluded.published_at,
           updated_at = excluded.updated_at, version = excluded.version, product_version = excluded.product_version
         where l.version < excluded.version`,
        [id, state.productId, state.marketplace, state.status, JSON.stringify(state.overrides), JSON.stringify(state.external), state.url, state.attempts, state.lastError ? JSON.stringify(state.lastError) : null, queuedAt, publishedAt, updatedAt, version, state.productVersion],
      );
    }
  },
};
