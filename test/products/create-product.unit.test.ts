import { ValidationError } from '../../src/shared/errors';
import { KNOWN, NOW, PRODUCT_ID, created, given, input } from './given';

const create = (overrides: Parameters<typeof input>[0] = {}, references = KNOWN) =>
  ({ type: 'CreateProduct', product_id: PRODUCT_ID, input: input(overrides), references, now: NOW }) as const;

describe('CreateProduct', () => {
  describe('given no product', () => {
    it('When a valid product is created, then ProductCreated records it in cents with the canonical brand and the time', () => {
      given().when(create()).then([created()]);
    });

    it('When stock is not given, then it is 1', () => {
      const [event] = given().when(create({ stock_quantity: undefined })).events();
      expect(event).toMatchObject({ data: { stock_quantity: 1 } });
    });

    it('When only the required fields are given, then the optional ones are empty', () => {
      const [event] = given()
        .when(create({ description: undefined, cost_price: undefined, brand: undefined, size: undefined, color: undefined, gender: undefined }))
        .events();
      expect(event).toMatchObject({ data: { description: '', cost_price_cents: null, brand: null, size: null, color: null, gender: null } });
    });

    it('When the title has surrounding spaces, then it is stored trimmed', () => {
      expect(given().when(create({ title: '  Denim jacket  ' })).events()[0]).toMatchObject({ data: { title: 'Denim jacket' } });
    });

    it.each([
      [19.9, 1990],
      [0.01, 1],
      [99_999.99, 9_999_999],
      [0.1 + 0.2, 30],
    ])('When the price is %p euros, then it is kept as %p cents', (price, cents) => {
      expect(given().when(create({ price })).events()[0]).toMatchObject({ data: { price_cents: cents } });
    });

    it.each(['A', 'a'.repeat(50), 'JEAN_501-W32.blue'])('When the SKU is %p, then it is accepted', (sku) => {
      expect(given().when(create({ sku })).events()).toHaveLength(1);
    });

    it.each(['', 'a'.repeat(51), 'has space', 'café', 'a/b', 'x#1'])('When the SKU is %p, then the create is refused naming sku', (sku) => {
      given().when(create({ sku })).thenRefused('unprocessable', ['sku']);
    });

    it.each(['', '   ', 't'.repeat(201)])('When the title is %p, then the create is refused naming title', (title) => {
      given().when(create({ title })).thenRefused('unprocessable', ['title']);
    });

    it('When the title is 200 characters, then it is accepted', () => {
      expect(given().when(create({ title: 't'.repeat(200) })).events()).toHaveLength(1);
    });

    it('When the description is longer than 10,000 characters, then the create is refused naming description', () => {
      given().when(create({ description: 'd'.repeat(10_001) })).thenRefused('unprocessable', ['description']);
    });

    it.each([0, -1, 100_000, 99_999.991, 19.999, Number.NaN, Number.POSITIVE_INFINITY])('When the price is %p, then the create is refused naming price', (price) => {
      given().when(create({ price })).thenRefused('unprocessable', ['price']);
    });

    it('When the cost price is 0, then it is accepted', () => {
      expect(given().when(create({ cost_price: 0 })).events()[0]).toMatchObject({ data: { cost_price_cents: 0 } });
    });

    it.each([-0.01, 12.345, 100_000])('When the cost price is %p, then the create is refused naming cost_price', (cost_price) => {
      given().when(create({ cost_price })).thenRefused('unprocessable', ['cost_price']);
    });

    it('When stock is 0, then it is accepted', () => {
      expect(given().when(create({ stock_quantity: 0 })).events()[0]).toMatchObject({ data: { stock_quantity: 0 } });
    });

    it.each([-1, 1.5, 1_000_001])('When stock is %p, then the create is refused naming stock_quantity', (stock_quantity) => {
      given().when(create({ stock_quantity })).thenRefused('unprocessable', ['stock_quantity']);
    });

    it('When the category has sub-categories, then the create is refused naming category', () => {
      given().when(create({}, { ...KNOWN, category: 'branch' })).thenRefused('unprocessable', ['category']);
    });

    it('When the category is unknown, then the create is refused naming category', () => {
      given().when(create({}, { ...KNOWN, category: 'unknown' })).thenRefused('unprocessable', ['category']);
    });

    it.each(['brand', 'size', 'color', 'gender', 'condition'] as const)('When the %s is not in the reference data, then the create is refused naming it', (field) => {
      const references = { ...KNOWN, [field]: field === 'brand' ? null : false };
      given().when(create({}, references)).thenRefused('unprocessable', [field]);
    });

    it('When the brand is typed in another case, then the reference spelling is stored', () => {
      const [event] = given().when(create({ brand: 'LEVI’S' }, { ...KNOWN, brand: 'Levi’s' })).events();
      expect(event).toMatchObject({ data: { brand: 'Levi’s' } });
    });

    it('When several fields are wrong, then one refusal names each of them in form order', () => {
      const when = given().when(create({ sku: 'bad sku', title: '', price: 0, stock_quantity: -2, category: 'women' }, { ...KNOWN, category: 'branch', color: false }));
      when.thenRefused('unprocessable', ['sku', 'title', 'price', 'stock_quantity', 'category', 'color']);
      expect(when.events).toThrow(ValidationError);
    });
  });

  describe('given a product', () => {
    it('When it is created again, then the create is refused as existing', () => {
      given(created()).when(create()).thenRefused('product_exists');
    });
  });
});
