/*
 * Oversells in the analytics fold: not a sale while open; a sale at the buyer's price and time
 * once the seller found another unit; never one once the buyer was refunded.
 */
import { productStream } from '../../src/domain/product/decider';
import type { RecordedEvent } from '../../src/eventstore/types';
import { foldAnalytics, type AnalyticsListing, type AnalyticsProduct } from '../../src/projections/analytics-fold';

const PRODUCT = '00000000-0000-4000-8000-0000000000a1';
let position = 0n;
const at = (streamVersion: number, type: string, data: unknown): RecordedEvent => ({
  id: `e${streamVersion}`,
  type,
  data,
  schemaVersion: 1,
  metadata: {} as RecordedEvent['metadata'],
  streamId: productStream(PRODUCT),
  streamVersion,
  position: ++position,
  recordedAt: new Date('2026-11-02T10:00:00Z'),
});

const created = at(1, 'ProductCreated', {
  product_id: PRODUCT,
  sku: 'SKU-1',
  title: 'Robe en lin',
  category: 'dresses',
  brand: 'Sézane',
  price_cents: 4500,
  cost_price_cents: 1200,
  stock_quantity: 1,
  created_at: '2026-11-01T09:00:00Z',
});
const sold = at(2, 'ProductSold', { sale_id: 'ebay:o1:l1', quantity: 1, unit_price_cents: 4500, channel: 'ebay', remaining_stock: 0, sold_at: '2026-11-03T08:00:00Z' });
const oversold = at(3, 'OversoldDetected', {
  sale_id: 'etsy:r9:t9',
  marketplace: 'etsy',
  quantity: 1,
  unit_price_cents: 4800,
  stock_before: 0,
  competing_sales: [],
  detected_at: '2026-11-03T08:00:05Z',
});
const resolved = (resolution: string) => at(4, 'OversellResolved', { sale_id: 'etsy:r9:t9', resolution, note: null, resolved_at: '2026-11-05T12:00:00Z' });

function fold(events: RecordedEvent[], products = new Map<string, AnalyticsProduct>()) {
  const result = foldAnalytics(events, products, new Map<string, AnalyticsListing>());
  return { result, products };
}

describe('oversells in analytics', () => {
  it('an open oversell is no sale and is kept on the product', () => {
    const { result, products } = fold([created, sold, oversold]);
    expect(result.sales.map((s) => s.sale_id)).toEqual(['ebay:o1:l1']);
    expect(products.get(PRODUCT)!.pending_oversells).toEqual([
      { sale_id: 'etsy:r9:t9', marketplace: 'etsy', quantity: 1, unit_price_cents: 4800, sold_at: '2026-11-03T08:00:05.000Z', fees_cents: 0, shipping_charged_cents: 0, shipping_paid_cents: 0 },
    ]);
  });

  it('settled with the item found, it is a sale at the price and time the buyer paid, in a later batch too', () => {
    const { products } = fold([created, sold, oversold]);
    const { result } = fold([resolved('item_found')], products);
    expect(result.sales).toHaveLength(1);
    expect(result.sales[0]).toMatchObject({ sale_id: 'etsy:r9:t9', marketplace: 'etsy', gross_cents: 4800, cost_cents: 1200, profit_cents: 3600, sold_at: '2026-11-03T08:00:05.000Z', days_to_sell: 1 });
    expect(products.get(PRODUCT)!.pending_oversells).toEqual([]);
  });

  it.each(['buyer_refunded', 'other'])('settled as %s, it never counts', (resolution) => {
    const { result, products } = fold([created, sold, oversold, resolved(resolution)]);
    expect(result.sales.map((s) => s.sale_id)).toEqual(['ebay:o1:l1']);
    expect(products.get(PRODUCT)!.pending_oversells).toEqual([]);
  });

  it("fees and shipping set on an open oversell go with it into the sale; set on a stored sale, they are an adjustment; in the batch, the sale's own", () => {
    const costs = (v: number, sale: string, fees: number) => at(v, 'SaleCostsRecorded', { sale_id: sale, fees_cents: fees, shipping_charged_cents: 300, shipping_paid_cents: 450, recorded_at: '2026-11-04T09:00:00Z' });
    const { products } = fold([created, sold, oversold, costs(4, 'etsy:r9:t9', 620)]);
    const found = { ...resolved('item_found'), streamVersion: 5 };
    const later = fold([found, costs(6, 'ebay:o1:l1', 590)], products);
    // 4800 + 300 − 450 − 620 − 1200
    expect(later.result.sales).toEqual([expect.objectContaining({ sale_id: 'etsy:r9:t9', fees_cents: 620, shipping_charged_cents: 300, shipping_paid_cents: 450, profit_cents: 2830 })]);
    expect(later.result.adjustments).toEqual([
      { product_id: PRODUCT, sale_id: 'ebay:o1:l1', fees_cents: 590, shipping_charged_cents: 300, shipping_paid_cents: 450, refund_cents: null, restocked: null, returned_at: null },
    ]);
    const same = fold([created, sold, costs(3, 'ebay:o1:l1', 100), costs(4, 'ebay:o1:l1', 200)]);
    expect(same.result.sales).toEqual([expect.objectContaining({ sale_id: 'ebay:o1:l1', fees_cents: 200, profit_cents: 4500 + 300 - 450 - 200 - 1200 })]);
    expect(same.result.adjustments).toEqual([]);
  });

  it('a sale that comes back in its batch takes its refund, and its cost off when restocked; a stored one is adjusted, and its product restocked', () => {
    const back = (v: number, restocked: boolean) =>
      at(v, 'SaleReturned', { sale_id: 'ebay:o1:l1', quantity: 1, refund_cents: 4000, restocked, stock_quantity: restocked ? 1 : 0, reason: null, returned_at: '2026-11-06T09:00:00Z' });
    const same = fold([created, sold, back(3, true)]);
    expect(same.result.sales).toEqual([expect.objectContaining({ sale_id: 'ebay:o1:l1', cost_cents: 0, refund_cents: 4000, restocked: true, returned_at: '2026-11-06T09:00:00.000Z', profit_cents: 500 })]);
    expect(same.products.get(PRODUCT)).toMatchObject({ status: 'draft', stock_quantity: 1 });
    const kept = fold([created, sold, back(3, false)]);
    expect(kept.result.sales).toEqual([expect.objectContaining({ cost_cents: 1200, refund_cents: 4000, restocked: false, profit_cents: 4500 - 1200 - 4000 })]);
    expect(kept.products.get(PRODUCT)).toMatchObject({ status: 'sold', stock_quantity: 0 });
    const { products } = fold([created, sold]);
    const later = fold([back(3, true)], products);
    expect(later.result.sales).toEqual([]);
    expect(later.result.adjustments).toEqual([
      { product_id: PRODUCT, sale_id: 'ebay:o1:l1', fees_cents: null, shipping_charged_cents: null, shipping_paid_cents: null, refund_cents: 4000, restocked: true, returned_at: '2026-11-06T09:00:00.000Z' },
    ]);
  });

  it('settled with the item found and then returned, it is a returned sale: in the same batch its row says so, in a later one an adjustment does', () => {
    const returned = (v: number) => at(v, 'SaleReturned', { sale_id: 'etsy:r9:t9', quantity: 1, refund_cents: 4800, restocked: true, stock_quantity: 1, reason: null, returned_at: '2026-11-07T09:00:00Z' });
    const same = fold([created, sold, oversold, resolved('item_found'), returned(5)]);
    expect(same.result.sales).toEqual([
      expect.objectContaining({ sale_id: 'ebay:o1:l1', refund_cents: 0 }),
      expect.objectContaining({ sale_id: 'etsy:r9:t9', gross_cents: 4800, cost_cents: 0, refund_cents: 4800, restocked: true, profit_cents: 0 }),
    ]);
    const { products } = fold([created, sold, oversold, resolved('item_found')]);
    const later = fold([returned(5)], products);
    expect(later.result.adjustments).toEqual([expect.objectContaining({ sale_id: 'etsy:r9:t9', refund_cents: 4800, restocked: true })]);
  });

  it('a batch offered again adds no sale', () => {
    const { products } = fold([created, sold, oversold, resolved('item_found')]);
    const { result } = fold([created, sold, oversold, resolved('item_found')], products);
    expect(result.sales).toEqual([]);
  });
});
