/*
 * An eBay order's lines as Stoflow reads them from getOrder (Fulfillment API): eBay states its
 * fees for the whole order (totalMarketplaceFee), so each line takes its share by its cost, in
 * whole cents adding up to eBay's figure; each line's shipping is its deliveryCost.shippingCost.
 */
import { ebayOrderLines } from '../../src/marketplaces/ebay/orders';

const amount = (value: string) => ({ value, currency: 'EUR' });
const line = (id: string, cost: string, extra: Record<string, unknown> = {}) => ({ lineItemId: id, legacyItemId: `11${id}`, sku: `SKU-${id}`, quantity: 1, lineItemCost: amount(cost), ...extra });
const order = (lines: unknown[], extra: Record<string, unknown> = {}) => ({ orderId: '12-34567-89012', lineItems: lines, ...extra });

describe("An eBay order's fees and shipping", () => {
  it("When an order of three lines has a fee, then each line takes its share by cost and the shares add up to eBay's fee", () => {
    const lines = ebayOrderLines(order([line('1', '10.00'), line('2', '20.00'), line('3', '10.00')], { totalMarketplaceFee: amount('5.33') }))!;
    // 5.33 × 10/40 = 1.3325 → 1.33; × 20/40 = 2.665 → 2.67 (rounded half up); the last takes what is left: 1.33.
    expect(lines.map((l) => l.fees_cents)).toEqual([133, 267, 133]);
    expect(lines.reduce((sum, l) => sum + l.fees_cents!, 0)).toBe(533);
  });

  it("When lines carry deliveryCost, then each line's shipping is its own; without it, none is said", () => {
    const lines = ebayOrderLines(order([line('1', '10.00', { deliveryCost: { shippingCost: amount('4.90') } }), line('2', '5.00')]))!;
    expect(lines.map((l) => l.shipping_charged_cents)).toEqual([490, undefined]);
    expect(lines.map((l) => l.fees_cents)).toEqual([undefined, undefined]);
  });

  it('When the fee or the shipping is not an amount eBay documents, then it is left out (never a guess) and the sale is read all the same', () => {
    const odd = ebayOrderLines(order([line('1', '10.00', { deliveryCost: { shippingCost: amount('4,9O') } })], { totalMarketplaceFee: amount('-1.00') }))!;
    expect(odd).toEqual([expect.objectContaining({ line_id: '1', unit_price_cents: 1000 })]);
    expect(odd[0]).not.toHaveProperty('fees_cents');
    expect(odd[0]).not.toHaveProperty('shipping_charged_cents');
    expect(ebayOrderLines(order([line('1', '10.00')], { totalMarketplaceFee: { value: '1.5', currency: 'euro' } }))![0]).not.toHaveProperty('fees_cents');
    // A line without its cost is another matter: not what getOrder documents, not read.
    expect(ebayOrderLines(order([{ lineItemId: '1', legacyItemId: '111', quantity: 1 }]))).toBeNull();
  });

  it('When every line costs 0, then the fee goes to the last line', () => {
    expect(ebayOrderLines(order([line('1', '0.00'), line('2', '0.00')], { totalMarketplaceFee: amount('0.30') }))!.map((l) => l.fees_cents)).toEqual([0, 30]);
  });
});
