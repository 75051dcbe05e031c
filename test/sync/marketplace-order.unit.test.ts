import { assertDistinctNames } from '../../src/engine/processor';
import { allProjections } from '../../src/projections';
import { buildReactors } from '../../src/reactors';
import { centsOf } from '../../src/commands/vinted/record-observations';
import { marketplaceOrderDecider, orderStream, type MarketplaceOrderCommand, type MarketplaceOrderEvent } from '../../src/domain/reconciliation/marketplace-order';
import { productDecider } from '../../src/domain/product/decider';
import { fold } from '../../src/domain/shared/decider';
import { DomainRuleError } from '../../src/shared/errors';
import { created } from '../products/given';

const NOW = new Date('2026-12-03T10:00:00.000Z');
const report = (lines: { line_id: string; listing_id?: string; quantity?: number }[], via: 'webhook' | 'poll' = 'webhook'): MarketplaceOrderCommand => ({
  type: 'ReportOrder',
  marketplace: 'ebay',
  orderId: '12-34567-89012',
  accountId: 'ebay-user-1',
  lines: lines.map((l) => ({ listing_id: '110000000001', quantity: 1, ...l })),
  via,
  notificationId: via === 'webhook' ? 'n-1' : null,
  now: NOW,
});

function when(given: MarketplaceOrderEvent[], command: MarketplaceOrderCommand): MarketplaceOrderEvent[] {
  return marketplaceOrderDecider.decide(command, fold(marketplaceOrderDecider, given));
}

describe('A marketplace order, reported many times', () => {
  it('Given nothing, when an order is reported, then its lines are recorded on the order’s stream', () => {
    const events = when([], report([{ line_id: 'L1' }, { line_id: 'L2', quantity: 2 }]));
    expect(events).toEqual([
      {
        type: 'MarketplaceOrderReported',
        data: {
          marketplace: 'ebay',
          order_id: '12-34567-89012',
          account_id: 'ebay-user-1',
          lines: [
            { line_id: 'L1', listing_id: '110000000001', quantity: 1 },
            { line_id: 'L2', listing_id: '110000000001', quantity: 2 },
          ],
          via: 'webhook',
          notification_id: 'n-1',
          reported_at: NOW.toISOString(),
        },
      },
    ]);
    expect(orderStream('ebay', '12-34567-89012')).toBe('order-ebay-12-34567-89012');
  });

  it('Given the order reported by the webhook, when the poll reports it again (and a new line), then only the new line is reported; the same report again adds nothing', () => {
    const first = when([], report([{ line_id: 'L1' }]));
    expect(when(first, report([{ line_id: 'L1' }], 'poll'))).toEqual([]);
    const more = when(first, report([{ line_id: 'L1' }, { line_id: 'L3' }], 'poll'));
    expect(more).toHaveLength(1);
    expect((more[0]!.data as { lines: { line_id: string }[]; via: string }).lines.map((l) => l.line_id)).toEqual(['L3']);
    expect((more[0]!.data as { via: string }).via).toBe('poll');
    // A line listed twice in one report counts once.
    expect((when([], report([{ line_id: 'L1' }, { line_id: 'L1' }]))[0]!.data as { lines: unknown[] }).lines).toHaveLength(1);
  });

  it('Given a line without a whole quantity, when reported, then it is refused naming quantity', () => {
    expect(() => when([], report([{ line_id: 'L1', quantity: 0 }]))).toThrow(DomainRuleError);
    expect(() => when([], report([{ line_id: 'L1', quantity: 1.5 }]))).toThrow(/whole quantity/);
  });

  it('Given a reported line, when its outcome is recorded, then once: applied with the sale, or refused with the reason; a second outcome changes nothing', () => {
    const given = when([], report([{ line_id: 'L1' }, { line_id: 'L2' }]));
    const applied = when(given, { type: 'RecordLineOutcome', lineId: 'L1', productId: 'p-1', outcome: { applied: true, saleId: 's-1', quantity: 1 }, now: NOW });
    expect(applied).toEqual([{ type: 'OrderLineApplied', data: { line_id: 'L1', product_id: 'p-1', sale_id: 's-1', quantity: 1, applied_at: NOW.toISOString() } }]);
    expect(when([...given, ...applied], { type: 'RecordLineOutcome', lineId: 'L1', productId: 'p-1', outcome: { applied: false, reason: 'x', detail: 'y' }, now: NOW })).toEqual([]);
    const refused = when(given, { type: 'RecordLineOutcome', lineId: 'L2', productId: null, outcome: { applied: false, reason: 'unknown_listing', detail: 'd'.repeat(600) }, now: NOW });
    expect(refused[0]).toMatchObject({ type: 'OrderLineRefused', data: { line_id: 'L2', product_id: null, reason: 'unknown_listing' } });
    expect((refused[0]!.data as { detail: string }).detail).toHaveLength(500);
  });

  it('Given no such line, when an outcome is recorded, then it is refused', () => {
    expect(() => when([], { type: 'RecordLineOutcome', lineId: 'L9', productId: null, outcome: { applied: false, reason: 'r', detail: 'd' }, now: NOW })).toThrow(/No line L9/);
  });
});

describe('A marketplace sale on the product', () => {
  const product = fold(productDecider, [created({ stock_quantity: 2 })]);
  it('Given stock, when a marketplace sale is recorded, then the product is sold on that channel; the same sale id again adds nothing', () => {
    const events = productDecider.decide({ type: 'RecordMarketplaceSale', sale_id: 's-1', marketplace: 'ebay', quantity: 1, unit_price: 37.5, now: NOW }, product);
    expect(events).toEqual([{ type: 'ProductSold', data: { sale_id: 's-1', quantity: 1, unit_price_cents: 3750, channel: 'ebay', remaining_stock: 1, sold_at: NOW.toISOString(), fees_cents: 0, shipping_charged_cents: 0, shipping_paid_cents: 0 } }]);
    const after = fold(productDecider, [created({ stock_quantity: 2 }), ...events]);
    expect(productDecider.decide({ type: 'RecordMarketplaceSale', sale_id: 's-1', marketplace: 'ebay', quantity: 1, unit_price: 37.5, now: NOW }, after)).toEqual([]);
  });

  it('Given less stock than a marketplace sold, when the sale is recorded, then an oversell is detected naming the sale that took the units; stock stays, and the same sale again adds nothing', () => {
    const soldOnEbay = productDecider.decide({ type: 'RecordMarketplaceSale', sale_id: 's-1', marketplace: 'ebay', quantity: 1, unit_price: 37.5, order_id: 'O-1', line_id: 'L-1', now: NOW }, product);
    const given = [created({ stock_quantity: 2 }), ...soldOnEbay];
    const events = productDecider.decide({ type: 'RecordMarketplaceSale', sale_id: 's-2', marketplace: 'vinted', quantity: 2, unit_price: 10, order_id: 'V-9', line_id: 'V-9', now: NOW }, fold(productDecider, given));
    expect(events).toEqual([
      {
        type: 'OversoldDetected',
        data: {
          sale_id: 's-2',
          marketplace: 'vinted',
          order_id: 'V-9',
          line_id: 'V-9',
          quantity: 2,
          unit_price_cents: 1000,
          stock_before: 1,
          competing_sales: [{ sale_id: 's-1', channel: 'ebay', quantity: 1, order_id: 'O-1', line_id: 'L-1', sold_at: NOW.toISOString() }],
          detected_at: NOW.toISOString(),
          fees_cents: 0,
          shipping_charged_cents: 0,
          shipping_paid_cents: 0,
        },
      },
    ]);
    const after = fold(productDecider, [...given, ...events]);
    expect(after).toMatchObject({ stock_quantity: 1, status: 'draft', open_oversells: ['s-2'] });
    expect(productDecider.decide({ type: 'RecordMarketplaceSale', sale_id: 's-2', marketplace: 'vinted', quantity: 2, unit_price: 10, now: NOW }, after)).toEqual([]);
  });

  it('Given the last unit sold on eBay, when Etsy reports a sale of it too, then the oversell names the eBay sale; several earlier sales are named as far back as the missing units go', () => {
    const one = (id: string, channel: 'ebay' | 'etsy', quantity: number) => productDecider.decide({ type: 'RecordMarketplaceSale', sale_id: id, marketplace: channel, quantity, unit_price: 5, now: NOW }, fold(productDecider, history));
    const history = [created({ stock_quantity: 3 })];
    history.push(...one('a', 'ebay', 1));
    history.push(...one('b', 'etsy', 1));
    history.push(...one('c', 'ebay', 1));
    expect(fold(productDecider, history)).toMatchObject({ status: 'sold', stock_quantity: 0 });
    const late = productDecider.decide({ type: 'RecordMarketplaceSale', sale_id: 'd', marketplace: 'etsy', quantity: 2, unit_price: 5, now: NOW }, fold(productDecider, history));
    expect(late[0]).toMatchObject({ type: 'OversoldDetected', data: { stock_before: 0, quantity: 2 } });
    expect((late[0]!.data as { competing_sales: { sale_id: string }[] }).competing_sales.map((s) => s.sale_id)).toEqual(['b', 'c']);
  });

  it('Given an open oversell, when the seller resolves it, then it is settled once; an unknown sale id or resolution is refused', () => {
    const given = [created({ stock_quantity: 1 })];
    given.push(...productDecider.decide({ type: 'RecordMarketplaceSale', sale_id: 'a', marketplace: 'ebay', quantity: 1, unit_price: 5, now: NOW }, fold(productDecider, given)));
    given.push(...productDecider.decide({ type: 'RecordMarketplaceSale', sale_id: 'b', marketplace: 'etsy', quantity: 1, unit_price: 5, now: NOW }, fold(productDecider, given)));
    const resolved = productDecider.decide({ type: 'ResolveOversell', sale_id: 'b', resolution: 'buyer_refunded', note: ' cancelled on Etsy ', now: NOW }, fold(productDecider, given));
    expect(resolved).toEqual([{ type: 'OversellResolved', data: { sale_id: 'b', resolution: 'buyer_refunded', note: 'cancelled on Etsy', resolved_at: NOW.toISOString() } }]);
    const after = fold(productDecider, [...given, ...resolved]);
    expect(after!.open_oversells).toEqual([]);
    expect(productDecider.decide({ type: 'ResolveOversell', sale_id: 'b', resolution: 'other', now: NOW }, after)).toEqual([]);
    expect(() => productDecider.decide({ type: 'ResolveOversell', sale_id: 'zz', resolution: 'other', now: NOW }, after)).toThrow(expect.objectContaining({ kind: 'not_found' }));
    expect(() => productDecider.decide({ type: 'ResolveOversell', sale_id: 'b', resolution: 'ignored', now: NOW }, fold(productDecider, given))).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field: 'resolution' })] }));
  });

  it('Given an offline sale beyond the stock, then it is still refused: only a marketplace buyer has already paid', () => {
    expect(() => productDecider.decide({ type: 'RecordProductSale', sale_id: 's-3', quantity: 3, unit_price: 10, channel: 'offline', now: NOW }, product)).toThrow(expect.objectContaining({ code: 'insufficient_stock' }));
  });
});

describe('Vinted prices as the extension reads them', () => {
  it('Given a decimal with a point or a comma, or a number, then cents', () => {
    expect([centsOf('12,50'), centsOf('12.5'), centsOf(12.5), centsOf('7'), centsOf('0.05')]).toEqual([1250, 1250, 1250, 700, 5]);
  });
});

describe('Checkpoint names', () => {
  it('Given every projection and reactor of the service, then no two share a name (they would share a checkpoint); a clash is refused', () => {
    // Built only for their names: nothing is called.
    const reactors = buildReactors({ pool: { query: () => Promise.reject(new Error('unused')), connect: () => Promise.reject(new Error('unused')) } } as never);
    expect(() => assertDistinctNames([...allProjections.map((p) => p.name), ...reactors.map((r) => r.name)])).not.toThrow();
    expect(() => assertDistinctNames(['listings', 'marketplace_orders', 'marketplace_orders'])).toThrow(/named marketplace_orders/);
  });
});
