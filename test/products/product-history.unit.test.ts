import { createUpcasterRegistry } from '../../src/eventstore/upcasters';
import type { RecordedEvent } from '../../src/eventstore/types';
import { productDecider, productIdOfStream, productStream, type ProductEvent } from '../../src/domain/product/decider';
import { toCents } from '../../src/domain/product/money';
import { productUpcasters } from '../../src/domain/product/upcasters';
import { fold } from '../../src/domain/shared/decider';
import { PRODUCT_ID, created } from './given';

describe('Money', () => {
  it.each([
    [19.9, 1990],
    [19.99, 1999],
    [0.07, 7],
    [1234.5, 123450],
  ])('When %p euros are converted, then they are %p cents exactly', (euros, cents) => {
    expect(toCents(euros)).toBe(cents);
  });

  it.each([0.001, 1.005, Number.NaN])('When %p has more than two decimals (or is no number), then it has no cents value', (euros) => {
    expect(toCents(euros)).toBeNull();
  });
});

describe('Product stream', () => {
  it('When a stream name is built, then it is product-<id> and reads back to the id', () => {
    expect(productStream(PRODUCT_ID)).toBe(`product-${PRODUCT_ID}`);
    expect(productIdOfStream(productStream(PRODUCT_ID))).toBe(PRODUCT_ID);
    expect(productIdOfStream('listing-1')).toBeNull();
  });
});

describe('ProductCreated v1 (euros) in a stream', () => {
  it('When it is read back, then the decider folds it as v2 cents like a new one', () => {
    const registry = createUpcasterRegistry(productUpcasters);
    const v2 = created() as Extract<ProductEvent, { type: 'ProductCreated' }>;
    const { price_cents: _p, cost_price_cents: _c, ...rest } = v2.data;
    const v1: RecordedEvent = {
      id: 'e1',
      type: 'ProductCreated',
      data: { ...rest, price: 39.9, cost_price: 12 },
      schemaVersion: 1,
      metadata: {},
      streamId: productStream(PRODUCT_ID),
      streamVersion: 1,
      position: 1n,
      recordedAt: new Date(),
    };
    const upcast = registry.upcast(v1);
    expect(upcast.schemaVersion).toBe(2);
    expect(fold(productDecider, [upcast as unknown as ProductEvent])).toEqual(fold(productDecider, [v2]));
  });

  it('When ProductCreated is appended without a version, then the store files it under v2, the current one', () => {
    expect(createUpcasterRegistry(productUpcasters).currentVersion('ProductCreated')).toBe(2);
  });
});
