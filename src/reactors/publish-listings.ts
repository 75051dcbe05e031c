/*
 * The publishing reactor: a queued listing (or one the seller retries) is published on its
 * marketplace, a delisting asked is carried out, and a listing that sold the product's last units
 * is ended on its marketplace too (whatever quantity the marketplace still showed). Delivery is at least once: the listing's own
 * state makes a redelivered event a no-op, and the ids a marketplace returns are recorded as
 * they come, so a retry resumes. A retryable failure is thrown for the engine's backoff; once the
 * engine has scheduled the retry (or given up), the listing records it with the marketplace's
 * own error ids, so the seller sees why and when.
 */
import type { ListingWorkDeps } from '../commands/listings/deps';
import { closeSoldListing, delistListing, describeFailure, publishListing, recordRetryableFailure } from '../commands/listings/perform-listing';
import { LISTING_STREAM_PREFIX, type MarketplaceProblem } from '../domain/listing/listing';
import type { Reactor } from '../engine/reactor';

export function publishListingsReactor(deps: ListingWorkDeps): Reactor {
  // The marketplace's own words for the attempt that just failed, for `failed` to record.
  const lastProblems = new Map<string, MarketplaceProblem[]>();
  const listingIdOf = (stream: string) => (stream.startsWith(LISTING_STREAM_PREFIX) ? stream.slice(LISTING_STREAM_PREFIX.length) : null);
  return {
    name: 'listing_publisher',
    handles: ['ListingQueued', 'ListingRetryRequested', 'ListingDelistRequested', 'ListingSoldHere'],
    // Listings are independent of one another: one slow marketplace call does not hold the rest.
    concurrency: 16,
    maxAttempts: 8,
    baseDelayMs: 2000,
    async react(event, { tenant, metadata, idempotencyKey }) {
      const listingId = listingIdOf(event.streamId);
      if (!listingId) return;
      try {
        if (event.type === 'ListingDelistRequested') await delistListing(deps, tenant, listingId, { event: metadata });
        else if (event.type === 'ListingSoldHere') await closeSoldListing(deps, tenant, listingId, { event: metadata });
        else await publishListing(deps, tenant, listingId, { event: metadata });
        lastProblems.delete(idempotencyKey);
      } catch (err) {
        lastProblems.set(idempotencyKey, describeFailure(err).errors);
        throw err;
      }
    },
    async failed(event, failure, { tenant, metadata, idempotencyKey }) {
      const listingId = listingIdOf(event.streamId);
      if (!listingId) return;
      const errors = lastProblems.get(idempotencyKey) ?? [];
      lastProblems.delete(idempotencyKey);
      // A sold listing that could not be ended there is retried, then shown among the failed reactions.
      if (event.type === 'ListingSoldHere') return;
      await recordRetryableFailure(deps, tenant, listingId, event.type === 'ListingDelistRequested', { reason: failure.error, errors, nextRetryAt: failure.nextAttemptAt }, { event: metadata });
    },
  };
}
