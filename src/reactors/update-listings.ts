/*
 * Product changes reach the product's live listings: a price, stock, text or photo change is
 * pushed to every active listing (one call per listing for a burst of edits, see updateListing;
 * the listing is `updating` while it runs), and a product left without stock, sold or archived is
 * delisted everywhere. A listing that has just become active is checked too, in case the product
 * changed while it was being published.
 */
import type { ListingWorkDeps } from '../commands/listings/deps';
import { listingIdOf } from '../commands/listings/load';
import { updateListing } from '../commands/listings/perform-listing';
import { recordUpdateGivenUp } from '../commands/listings/record-listing';
import { MARKETPLACES } from '../domain/connection/connection';
import { LISTING_STREAM_PREFIX } from '../domain/listing/listing';
import { productIdOfStream } from '../domain/product/stream';
import type { Reactor } from '../engine/reactor';
import type { RecordedEvent } from '../eventstore/types';

export const PRODUCT_CHANGES = ['ProductDetailsUpdated', 'ProductPriceChanged', 'ProductStockAdjusted', 'ProductImageAdded', 'ProductImageRemoved', 'ProductImagesReordered', 'ProductSold', 'SaleReturned', 'ProductArchived'] as const;

/** The listings an event may bring up to date: the one just published, or each of the product's. */
function listingsOf(event: RecordedEvent, tenant: number): string[] {
  if (event.type === 'ListingPublished') return [event.streamId.slice(LISTING_STREAM_PREFIX.length)];
  const productId = productIdOfStream(event.streamId);
  if (!productId) return [];
  // A product has one listing per marketplace, at an id that follows from the two.
  return MARKETPLACES.map((marketplace) => listingIdOf(tenant, productId, marketplace));
}

export function updateListingsReactor(deps: ListingWorkDeps): Reactor {
  return {
    name: 'listing_updater',
    handles: [...PRODUCT_CHANGES, 'ListingPublished'],
    // Each product's listings are its own.
    concurrency: 16,
    maxAttempts: 8,
    baseDelayMs: 2000,
    async react(event, { tenant, metadata }) {
      // A product's listings side by side: a sale's delist on Vinted does not wait for Etsy's answer.
      const results = await Promise.allSettled(listingsOf(event, tenant).map((listingId) => updateListing(deps, tenant, listingId, { event: metadata })));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    // Given up: the listing the failing call left updating is live still, and says why it lags.
    async failed(event, failure, { tenant, metadata }) {
      if (failure.nextAttemptAt !== null) return; // retried: it is still being updated
      for (const listingId of listingsOf(event, tenant)) await recordUpdateGivenUp(deps, tenant, listingId, failure.error, { event: metadata });
    },
  };
}
