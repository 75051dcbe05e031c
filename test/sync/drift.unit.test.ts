/*
 * The periodic comparison's decisions: given our listings and what the marketplace says of
 * each, the corrections — and none where the two agree, where the listing is mid-call, or where
 * the marketplace said nothing.
 */
import { compareWithMarketplace, type ListingThere, type ListingToCompare } from '../../src/domain/reconciliation/drift';

const ours = (listingId: string, status: ListingToCompare['status'], sellable = true): ListingToCompare => ({ listingId, status, sellable });
const there = (entries: [string, ListingThere['state'], string][]) => new Map(entries.map(([id, state, detail]) => [id, { state, detail }]));

describe('the periodic comparison', () => {
  it('a live listing ended or gone there is ended here, with what the marketplace said', () => {
    const corrections = compareWithMarketplace('ebay', [ours('a', 'active'), ours('b', 'active')], there([['a', 'ended', 'listingStatus ENDED'], ['b', 'missing', 'offer not found']]));
    expect(corrections).toEqual([
      { kind: 'end_here', listingId: 'a', reason: 'ended on eBay (listingStatus ENDED), found by the periodic comparison' },
      { kind: 'end_here', listingId: 'b', reason: 'gone from eBay (offer not found), found by the periodic comparison' },
    ]);
  });

  it('a listing Stoflow delisted that is still live there is delisted again; one that is gone there is left alone', () => {
    const corrections = compareWithMarketplace('etsy', [ours('a', 'delisted'), ours('b', 'delisted')], there([['a', 'live', 'state active'], ['b', 'ended', 'state inactive']]));
    expect(corrections).toEqual([{ kind: 'delist_again', listingId: 'a', reason: 'delisted by Stoflow but still live on Etsy (state active), found by the periodic comparison' }]);
  });

  it('a live listing of a product that can no longer be sold is delisted', () => {
    expect(compareWithMarketplace('etsy', [ours('a', 'active', false), ours('b', 'active', true)], there([['a', 'live', 'state active'], ['b', 'live', 'state active']]))).toEqual([
      { kind: 'delist', listingId: 'a', reason: 'still live on Etsy though the product can no longer be sold, found by the periodic comparison' },
    ]);
  });

  it('agreement, a sold-out listing (its sale comes through the orders), a listing mid-call and one the marketplace said nothing of change nothing', () => {
    const listings = [ours('live', 'active'), ours('soldout', 'active'), ours('updating', 'updating'), ours('delisting', 'delisting'), ours('silent', 'active'), ours('ended', 'ended_externally')];
    const answers = there([
      ['live', 'live', 'state active'],
      ['soldout', 'sold_out', 'state sold_out'],
      ['updating', 'ended', 'state inactive'],
      ['delisting', 'live', 'state active'],
      ['ended', 'live', 'state active'],
    ]);
    expect(compareWithMarketplace('etsy', listings, answers)).toEqual([]);
  });
});
