/*
 * The periodic full comparison: our listings on one marketplace account against what the
 * marketplace says of each, for the drift nobody told us about. Pure: the marketplace's answers
 * arrive already read and checked, the product's availability as the caller knows it.
 *
 *   ours live,      there ended or gone       → end it here (MarkEndedExternally, with what the marketplace said)
 *   ours live,      product no longer sellable → delist it (a delist that never happened: no stock, sold, archived)
 *   ours delisted,  there still live           → delist it again (RedoDelist: a buyer could still buy it there)
 *   ours live,      there sold out             → nothing: the sale comes in through the orders (webhook, poll)
 *
 * Anything being published, updated or delisted right now is left to the call under way, and a
 * listing the marketplace said nothing about is not judged.
 */
import type { ListingStatus } from '../../shared/listing-statuses';
import type { Marketplace } from '../connection/connection';

/** How a listing stands on its marketplace, by the marketplace's own answer. */
export interface ListingThere {
  state: 'live' | 'ended' | 'sold_out' | 'missing';
  /** The marketplace's words: `listingStatus ENDED`, `state inactive`, `404`. */
  detail: string;
}

export interface ListingToCompare {
  listingId: string;
  status: ListingStatus;
  /** The product can be sold: stock left, neither sold nor archived. */
  sellable: boolean;
}

export type DriftCorrection =
  | { kind: 'end_here'; listingId: string; reason: string }
  | { kind: 'delist'; listingId: string; reason: string }
  | { kind: 'delist_again'; listingId: string; reason: string };

const NAMES: Record<Marketplace, string> = { ebay: 'eBay', etsy: 'Etsy', vinted: 'Vinted' };

/** `foundBy` ends each reason: who saw the drift (the periodic comparison, the extension's look at the wardrobe). */
export function compareWithMarketplace(marketplace: Marketplace, ours: readonly ListingToCompare[], there: ReadonlyMap<string, ListingThere>, foundBy = 'the periodic comparison'): DriftCorrection[] {
  const name = NAMES[marketplace];
  const corrections: DriftCorrection[] = [];
  for (const listing of ours) {
    const seen = there.get(listing.listingId);
    if (!seen) continue;
    const live = listing.status === 'active';
    if (live && (seen.state === 'ended' || seen.state === 'missing')) {
      corrections.push({ kind: 'end_here', listingId: listing.listingId, reason: `${seen.state === 'missing' ? 'gone from' : 'ended on'} ${name} (${seen.detail}), found by ${foundBy}` });
    } else if (live && seen.state === 'live' && !listing.sellable) {
      corrections.push({ kind: 'delist', listingId: listing.listingId, reason: `still live on ${name} though the product can no longer be sold, found by ${foundBy}` });
    } else if (listing.status === 'delisted' && seen.state === 'live') {
      corrections.push({ kind: 'delist_again', listingId: listing.listingId, reason: `delisted by Stoflow but still live on ${name} (${seen.detail}), found by ${foundBy}` });
    }
  }
  return corrections;
}
