import { KNOWN, LATER, archived, created, given, sold } from './given';

const at = LATER.toISOString();
const edit = (changes: Record<string, unknown>, references = KNOWN) => ({ type: 'EditProduct', changes, references, now: LATER }) as const;

describe('EditProduct', () => {
  describe('given a draft product', () => {
    it('When details change, then ProductDetailsUpdated carries only the fields that differ', () => {
      given(created())
        .when(edit({ title: 'Levi’s 501 jeans', description: 'Dark wash, hemmed', color: 'black' }))
        .then([{ type: 'ProductDetailsUpdated', data: { changes: { description: 'Dark wash, hemmed', color: 'black' }, updated_at: at } }]);
    });

    it('When nothing differs, then no event is appended', () => {
      given(created()).when(edit({ title: 'Levi’s 501 jeans', price: 39.9, stock_quantity: 2 })).then([]);
    });

    it('When the price changes, then ProductPriceChanged keeps the previous price', () => {
      given(created()).when(edit({ price: 35 })).then([{ type: 'ProductPriceChanged', data: { price_cents: 3500, previous_price_cents: 3990, changed_at: at } }]);
    });

    it('When the stock changes, then ProductStockAdjusted carries the new stock and the delta', () => {
      given(created()).when(edit({ stock_quantity: 5 })).then([{ type: 'ProductStockAdjusted', data: { stock_quantity: 5, delta: 3, adjusted_at: at } }]);
    });

    it('When details, price and stock change together, then one event of each kind is decided, details first', () => {
      const types = given(created()).when(edit({ title: 'Jeans', cost_price: 10, price: 20, stock_quantity: 0 })).events().map((e) => e.type);
      expect(types).toEqual(['ProductDetailsUpdated', 'ProductPriceChanged', 'ProductStockAdjusted']);
    });

    it('When the cost price changes, then it is recorded in cents', () => {
      expect(given(created()).when(edit({ cost_price: 8.5 })).events()[0]).toMatchObject({ data: { changes: { cost_price_cents: 850 } } });
    });

    it('When optional fields are cleared with null, then they become empty', () => {
      expect(given(created()).when(edit({ brand: null, size: null, description: null, cost_price: null })).events()[0]).toMatchObject({
        data: { changes: { brand: null, size: null, description: '', cost_price_cents: null } },
      });
    });

    it('When the brand is typed in another case, then the reference spelling is stored (and no change is seen)', () => {
      given(created()).when(edit({ brand: 'NIKE' }, { ...KNOWN, brand: 'Nike' })).then([]);
    });

    it('When several fields break rules, then one refusal names each and nothing is decided', () => {
      given(created())
        .when(edit({ title: '', price: -1, stock_quantity: 1.5, category: 'men', condition: 'mint' }, { ...KNOWN, category: 'branch', condition: false }))
        .thenRefused('unprocessable', ['title', 'price', 'stock_quantity', 'category', 'condition']);
    });

    it('When the category is changed to an unknown one, then the edit is refused naming category', () => {
      given(created()).when(edit({ category: 'nope' }, { ...KNOWN, category: 'unknown' })).thenRefused('unprocessable', ['category']);
    });

    it('When stock is set to 0 by an edit, then the product stays a draft (only a sale sells it)', () => {
      const state = given(created(), { type: 'ProductStockAdjusted', data: { stock_quantity: 0, delta: -2, adjusted_at: at } }).state;
      expect(state?.status).toBe('draft');
    });
  });

  describe('given no product', () => {
    it('When it is edited, then the edit is refused as not found', () => {
      given().when(edit({ title: 'x' })).thenRefused('product_not_found');
    });
  });

  describe('given a sold product', () => {
    it.each([{ title: 'New title' }, { price: 10 }, { stock_quantity: 3 }])('When %p is edited, then the edit is refused: a sold product is history', (changes) => {
      given(created(), sold(2, 0)).when(edit(changes)).thenRefused('product_sold');
    });
  });

  describe('given an archived product', () => {
    it('When it is edited, then the edit is refused', () => {
      given(created(), archived).when(edit({ title: 'New title' })).thenRefused('product_archived');
    });
  });
});

describe('EditProduct with one kind of change', () => {
  it('When details are updated alone, then only ProductDetailsUpdated is decided', () => {
    given(created())
      .when({ type: 'EditProduct', changes: { title: 'Jeans' }, references: KNOWN, now: LATER })
      .then([{ type: 'ProductDetailsUpdated', data: { changes: { title: 'Jeans' }, updated_at: at } }]);
  });

  it('When the price is changed with three decimals, then it is refused naming price', () => {
    given(created()).when({ type: 'EditProduct', changes: { price: 10.001 }, references: {}, now: LATER }).thenRefused('unprocessable', ['price']);
  });

  it('When the stock is adjusted below zero, then it is refused naming stock_quantity', () => {
    given(created()).when({ type: 'EditProduct', changes: { stock_quantity: -1 }, references: {}, now: LATER }).thenRefused('unprocessable', ['stock_quantity']);
  });

  it('When the stock is adjusted, then the delta is relative to the current stock', () => {
    given(created()).when({ type: 'EditProduct', changes: { stock_quantity: 1 }, references: {}, now: LATER }).then([{ type: 'ProductStockAdjusted', data: { stock_quantity: 1, delta: -1, adjusted_at: at } }]);
  });
});
