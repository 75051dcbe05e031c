import type { ProductEvent } from '../../src/domain/product/decider';
import { LATER, archived, created, given, sold } from './given';

const at = LATER.toISOString();
const sale = (quantity: number, overrides: Record<string, unknown> = {}) =>
  ({ type: 'RecordProductSale', sale_id: 'sale-9', quantity, unit_price: 35, channel: 'offline', now: LATER, ...overrides }) as const;

describe('RecordProductSale', () => {
  describe('given a draft product with 2 in stock', () => {
    it('When one is sold, then ProductSold records it with the stock left', () => {
      given(created())
        .when(sale(1))
        .then([{ type: 'ProductSold', data: { sale_id: 'sale-9', quantity: 1, unit_price_cents: 3500, channel: 'offline', fees_cents: 0, shipping_charged_cents: 0, shipping_paid_cents: 0, remaining_stock: 1, sold_at: at } }]);
    });

    it('When one is sold, then the product is still for sale', () => {
      expect(given(created(), sold(1, 1)).state?.status).toBe('draft');
    });

    it('When the last units are sold, then the stock reaches 0 and the product is sold', () => {
      const [event] = given(created()).when(sale(2)).events();
      expect(event).toMatchObject({ data: { remaining_stock: 0 } });
      expect(given(created(), event!).state).toMatchObject({ status: 'sold', stock_quantity: 0 });
    });

    it('When more than the stock is sold, then the sale is refused naming quantity', () => {
      given(created()).when(sale(3)).thenRefused('insufficient_stock', ['quantity']);
    });

    it.each([0, -1, 1.5])('When the quantity is %p, then the sale is refused naming quantity', (quantity) => {
      given(created()).when(sale(quantity)).thenRefused('unprocessable', ['quantity']);
    });

    it.each([0, -5, 12.345])('When the unit price is %p, then the sale is refused naming unit_price', (unit_price) => {
      given(created()).when(sale(1, { unit_price })).thenRefused('unprocessable', ['unit_price']);
    });

    it('When the channel is not offline, then the sale is refused naming channel (marketplaces record their own sales)', () => {
      given(created()).when(sale(1, { channel: 'ebay' })).thenRefused('unprocessable', ['channel']);
    });

    it('When the same sale is recorded again, then nothing new is decided', () => {
      given(created(), sold(1, 1, 'sale-9')).when(sale(1)).then([]);
    });
  });

  describe('given a sold product', () => {
    it('When another sale is recorded, then it is refused naming quantity', () => {
      given(created(), sold(2, 0)).when(sale(1)).thenRefused('product_sold', ['quantity']);
    });

    it('When a retry of the sale that sold it arrives, then nothing new is decided', () => {
      given(created(), sold(2, 0, 'sale-9')).when(sale(2)).then([]);
    });
  });

  describe('given an archived product', () => {
    it('When a sale is recorded, then it is refused', () => {
      given(created(), archived).when(sale(1)).thenRefused('product_archived');
    });
  });

  describe('given no product', () => {
    it('When a sale is recorded, then it is refused as not found', () => {
      given().when(sale(1)).thenRefused('product_not_found');
    });
  });
});

describe('ArchiveProduct', () => {
  const archive = { type: 'ArchiveProduct', now: LATER } as const;

  it('When a draft is archived, then ProductArchived is decided', () => {
    given(created()).when(archive).then([{ type: 'ProductArchived', data: { archived_at: at } }]);
  });

  it('When a sold product is archived, then it is archived too', () => {
    given(created(), sold(2, 0)).when(archive).then([{ type: 'ProductArchived', data: { archived_at: at } }]);
  });

  it('When an archived product is archived again, then nothing new is decided', () => {
    given(created(), archived).when(archive).then([]);
  });

  it('When an unknown product is archived, then it is refused as not found', () => {
    given().when(archive).thenRefused('product_not_found');
  });

  it('When a product is archived, then its state says so and keeps its details', () => {
    expect(given(created(), archived).state).toMatchObject({ status: 'archived', sku: 'JEAN-501-W32', price_cents: 3990 });
  });
});

describe("A sale's fees and shipping", () => {
  const costs = (amounts: Record<string, unknown>, saleId = 'sale-1') => ({ type: 'RecordSaleCosts', sale_id: saleId, now: LATER, ...amounts }) as const;

  it('When a sale is recorded with fees and shipping, then ProductSold carries them in cents', () => {
    given(created())
      .when(sale(1, { fees: 1.75, shipping_charged: 4.5, shipping_paid: 3.99 }))
      .then([{ type: 'ProductSold', data: { sale_id: 'sale-9', quantity: 1, unit_price_cents: 3500, channel: 'offline', fees_cents: 175, shipping_charged_cents: 450, shipping_paid_cents: 399, remaining_stock: 1, sold_at: at } }]);
  });

  it.each([
    ['fees', -1],
    ['shipping_charged', 1.005],
    ['shipping_paid', 100_000],
  ])('When %s is %p, then the sale is refused naming it, and nothing is recorded', (field, value) => {
    given(created()).when(sale(1, { [field]: value })).thenRefused('unprocessable', [field]);
  });

  it('When fees are set on a recorded sale, then SaleCostsRecorded holds the new fees and the shipping as it was', () => {
    const withShipping = { ...sold(1, 1), data: { ...(sold(1, 1).data as object), shipping_charged_cents: 450 } } as ReturnType<typeof sold>;
    given(created(), withShipping)
      .when(costs({ fees: 2.1 }))
      .then([{ type: 'SaleCostsRecorded', data: { sale_id: 'sale-1', fees_cents: 210, shipping_charged_cents: 450, shipping_paid_cents: 0, recorded_at: at } }]);
  });

  it('When the same values are set again, then nothing new is decided', () => {
    const set = given(created(), sold(1, 1)).when(costs({ fees: 2.1, shipping_paid: 0 })).events();
    given(created(), sold(1, 1), ...set).when(costs({ fees: 2.1 })).then([]);
  });

  it('When the sale is not one of the product, then it is refused as not found', () => {
    given(created(), sold(1, 1)).when(costs({ fees: 1 }, 'sale-7')).thenRefused('sale_not_found');
  });

  it('When an amount is negative, then it is refused naming it', () => {
    given(created(), sold(1, 1)).when(costs({ shipping_paid: -0.5 })).thenRefused('unprocessable', ['shipping_paid']);
  });

  it('When costs are set on an open oversell, then they are recorded for it (it may still become a sale)', () => {
    const oversold = {
      type: 'OversoldDetected',
      data: { sale_id: 'sale-o', marketplace: 'etsy', quantity: 1, unit_price_cents: 4000, stock_before: 0, competing_sales: [], detected_at: at, fees_cents: 0, shipping_charged_cents: 0, shipping_paid_cents: 0 },
    } as unknown as ReturnType<typeof sold>;
    const [event] = given(created(), sold(2, 0), oversold).when(costs({ fees: 3 }, 'sale-o')).events();
    expect(event).toMatchObject({ type: 'SaleCostsRecorded', data: { sale_id: 'sale-o', fees_cents: 300 } });
  });
});

describe('RecordSaleReturn', () => {
  const back = (overrides: Record<string, unknown> = {}) => ({ type: 'RecordSaleReturn', sale_id: 'sale-1', now: LATER, ...overrides }) as const;
  const soldWithShipping = (quantity: number, remaining: number) => ({ ...sold(quantity, remaining), data: { ...(sold(quantity, remaining).data as object), shipping_charged_cents: 490 } }) as ReturnType<typeof sold>;

  it('When a sold-out product comes back, then it is refunded the price paid by default, restocked, and for sale again', () => {
    const events = given(created(), sold(2, 0)).when(back({ reason: '  wrong size ' })).events();
    expect(events).toEqual([{ type: 'SaleReturned', data: { sale_id: 'sale-1', quantity: 2, refund_cents: 7980, restocked: true, stock_quantity: 2, reason: 'wrong size', returned_at: at } }]);
    expect(given(created(), sold(2, 0), ...events).state).toMatchObject({ status: 'draft', stock_quantity: 2 });
  });

  it('When it comes back without restocking, then the stock stays and the product stays sold', () => {
    const events = given(created(), sold(2, 0)).when(back({ restock: false, refund: 10 })).events();
    expect(events[0]).toMatchObject({ data: { refund_cents: 1000, restocked: false, stock_quantity: 0 } });
    expect(given(created(), sold(2, 0), ...events).state).toMatchObject({ status: 'sold', stock_quantity: 0 });
  });

  it('When the refund is the price and the shipping the buyer paid, then it is taken; a cent more is refused naming refund', () => {
    given(created(), soldWithShipping(1, 1)).when(back({ refund: 44.8 })).events();
    given(created(), soldWithShipping(1, 1)).when(back({ refund: 44.81 })).thenRefused('unprocessable', ['refund']);
  });

  it.each([-1, 1.001])('When the refund is %p, then it is refused naming refund', (refund) => {
    given(created(), sold(1, 1)).when(back({ refund })).thenRefused('unprocessable', ['refund']);
  });

  it('When the sale came back already, then nothing new is decided; an unknown sale is not found', () => {
    const events = given(created(), sold(1, 1)).when(back()).events();
    given(created(), sold(1, 1), ...events).when(back({ refund: 1 })).then([]);
    given(created(), sold(1, 1)).when(back({ sale_id: 'sale-7' })).thenRefused('sale_not_found');
  });

  describe('an oversell', () => {
    const oversold = {
      type: 'OversoldDetected',
      data: {
        sale_id: 'over-1',
        marketplace: 'etsy',
        order_id: 'R-7',
        line_id: 'T-7',
        quantity: 1,
        unit_price_cents: 3500,
        stock_before: 0,
        competing_sales: [{ sale_id: 'sale-1', channel: 'offline', quantity: 1, sold_at: at }],
        detected_at: at,
        fees_cents: 0,
        shipping_charged_cents: 300,
        shipping_paid_cents: 0,
      },
    } as ProductEvent;
    const settled = (resolution: 'item_found' | 'buyer_refunded'): ProductEvent => ({ type: 'OversellResolved', data: { sale_id: 'over-1', resolution, note: null, resolved_at: at } });

    it('When an oversell the seller settled by finding another unit comes back, then it is a return like any sale: its price refunded by default, restocked', () => {
      const history = [created({ stock_quantity: 1 }), sold(1, 0), oversold, settled('item_found')];
      const events = given(...history).when(back({ sale_id: 'over-1' })).events();
      expect(events).toEqual([{ type: 'SaleReturned', data: { sale_id: 'over-1', quantity: 1, refund_cents: 3500, restocked: true, stock_quantity: 1, reason: null, returned_at: at } }]);
      // At most the price and the shipping the buyer paid; and only once.
      given(...history).when(back({ sale_id: 'over-1', refund: 38.01 })).thenRefused('unprocessable', ['refund']);
      given(...history, ...events).when(back({ sale_id: 'over-1' })).then([]);
    });

    it('When an oversell is still open, or was settled by refunding the buyer, then it is no sale to bring back', () => {
      given(created({ stock_quantity: 1 }), sold(1, 0), oversold).when(back({ sale_id: 'over-1' })).thenRefused('sale_not_found');
      given(created({ stock_quantity: 1 }), sold(1, 0), oversold, settled('buyer_refunded')).when(back({ sale_id: 'over-1' })).thenRefused('sale_not_found');
    });
  });

  it('When the product is archived, then it comes back without restocking by default, and restocking is refused', () => {
    const [event] = given(created(), sold(1, 1), archived).when(back()).events();
    expect(event).toMatchObject({ data: { restocked: false, stock_quantity: 1 } });
    given(created(), sold(1, 1), archived).when(back({ restock: true })).thenRefused('product_archived', ['restock']);
  });
});
