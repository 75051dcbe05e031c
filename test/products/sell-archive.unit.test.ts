import { LATER, archived, created, given, sold } from './given';

const at = LATER.toISOString();
const sale = (quantity: number, overrides: Record<string, unknown> = {}) =>
  ({ type: 'RecordProductSale', sale_id: 'sale-9', quantity, unit_price: 35, channel: 'offline', now: LATER, ...overrides }) as const;

describe('RecordProductSale', () => {
  describe('given a draft product with 2 in stock', () => {
    it('When one is sold, then ProductSold records it with the stock left', () => {
      given(created())
        .when(sale(1))
        .then([{ type: 'ProductSold', data: { sale_id: 'sale-9', quantity: 1, unit_price_cents: 3500, channel: 'offline', remaining_stock: 1, sold_at: at } }]);
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
