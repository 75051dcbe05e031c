/*
 * Product changes reach the product's live listings: a price, stock, text or photo change is
 * pushed to every active listing (one call per listing for a burst of edits, see updateListing),
 * and a product left without stock, sold or archived is delisted everywhere. A listing that has
 * just become active is checked too, in case the product changed while it was being published.
 */
import type { ListingWorkDeps } from '../commands/listings/deps';
import { listingIdOf } from '../commands/listings/load';
import { updateListing } from '../commands/listings/perform-listing';
import { MARKETPLACES } from '../domain/connection/connection';
import { LISTING_STREAM_PREFIX } from '../domain/listing/listing';
import { productIdOfStream } from '../domain/product/stream';
import type { Reactor } from '../engine/reactor';

export const PRODUCT_CHANGES = ['ProductDetailsUpdated', 'ProductPriceChanged', 'ProductStockAdjusted', 'ProductImageAdded', 'ProductImageRemoved', 'ProductImagesReordered', 'ProductSold', 'ProductArchived'] as const;

export function updateListingsReactor(deps: ListingWorkDeps): Reactor {
  return {
    name: 'listing_updater',
    handles: [...PRODUCT_CHANGES, 'ListingPublished'],
    // Each product's listings are its own.
    concurrency: 16,
    maxAttempts: 8,
    baseDelayMs: 2000,
    async react(event, { tenant, metadata }) {
      if (event.type === 'ListingPublished') {
        await updateListing(deps, tenant, event.streamId.slice(LISTING_STREAM_PREFIX.length), { event: metadata });
        return;
      }
      const productId = productIdOfStream(event.streamId);
      if (!productId) return;
      // A product has one listing per marketplace, at an id that follows from the two.
      for (const marketplace of MARKETPLACES) await updateListing(deps, tenant, listingIdOf(tenant, productId, marketplace), { event: metadata });
    },
  };
}
