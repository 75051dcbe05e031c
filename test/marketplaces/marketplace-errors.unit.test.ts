/* What a failed marketplace call says to the seller. */
import { MarketplaceCallError } from '../../src/shared/marketplace-errors';

describe('A marketplace failure in words', () => {
  it('When the marketplace answered, then its status is named; when no answer came, then it says so; when Stoflow did not send the call, then it says that instead', () => {
    expect(new MarketplaceCallError('etsy', 429, true, [{ id: '429', message: 'Too Many Requests' }]).message).toBe('etsy answered 429: 429 Too Many Requests');
    expect(new MarketplaceCallError('ebay', 0, true, [{ id: 'timeout', message: 'no answer within 1000 ms' }]).message).toBe('ebay did not answer: timeout no answer within 1000 ms');
    expect(new MarketplaceCallError('ebay', 0, true, []).message).toBe('ebay did not answer');
    expect(new MarketplaceCallError('ebay', 0, false, [{ id: 'condition_not_allowed', message: 'eBay does not take ‘Used – very good’ (USED_VERY_GOOD) in category 246; it takes: New, Used' }]).message).toBe(
      'ebay call not sent: condition_not_allowed eBay does not take ‘Used – very good’ (USED_VERY_GOOD) in category 246; it takes: New, Used',
    );
    expect(new MarketplaceCallError('etsy', 0, true, [{ id: 'daily_budget', message: 'down to 99 calls' }]).message).toMatch(/^etsy call not sent: daily_budget/);
  });
});
