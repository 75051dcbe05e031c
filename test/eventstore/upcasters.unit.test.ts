import { productUpcasters } from '../../src/domain/product/upcasters';
import type { RecordedEvent, Upcaster } from '../../src/eventstore/types';
import { createUpcasterRegistry } from '../../src/eventstore/upcasters';

const recorded = (type: string, schemaVersion: number, data: unknown): RecordedEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  type,
  data,
  schemaVersion,
  metadata: {},
  streamId: 'product-1',
  streamVersion: 1,
  position: 1n,
  recordedAt: new Date(0),
});

describe('Upcaster registry', () => {
  const registry = createUpcasterRegistry(productUpcasters);

  describe('ProductCreated v1 → v2', () => {
    it('When a v1 event holds decimal euros, then v2 holds integer cents and keeps every other field', () => {
      const v1 = recorded('ProductCreated', 1, { title: 'Levi 501', price: 19.9, cost_price: 7.35, brand: 'Levi', stock: 1 });

      const v2 = registry.upcast(v1);

      expect(v2.schemaVersion).toBe(2);
      expect(v2.data).toEqual({ title: 'Levi 501', price_cents: 1990, cost_price_cents: 735, brand: 'Levi', stock: 1 });
      expect(v2).toMatchObject({ id: v1.id, position: 1n, streamVersion: 1 });
    });

    it.each([
      [0.1, 10],
      [0.29, 29],
      [1.15, 115],
      [4.35, 435],
      [1234.56, 123456],
      [10, 1000],
      ['12,50', 1250],
    ])('When the v1 price is %p euros, then it becomes %p cents exactly', (price, cents) => {
      const v2 = registry.upcast(recorded('ProductCreated', 1, { price }));

      expect(v2.data).toEqual({ price_cents: cents });
    });

    it('When a v1 event has no cost price, then v2 has none either, and a null stays null', () => {
      const absent = registry.upcast(recorded('ProductCreated', 1, { price: 5 }));
      const nulled = registry.upcast(recorded('ProductCreated', 1, { price: 5, cost_price: null }));

      expect(absent.data).toEqual({ price_cents: 500 });
      expect(nulled.data).toEqual({ price_cents: 500, cost_price_cents: null });
    });

    it('When a v1 amount is not a number, then upcasting refuses instead of inventing a price', () => {
      expect(() => registry.upcast(recorded('ProductCreated', 1, { price: 'cheap' }))).toThrow('Unreadable v1 amount');
    });

    it('When the event is already v2, then it is returned untouched', () => {
      const v2 = recorded('ProductCreated', 2, { price_cents: 500 });

      expect(registry.upcast(v2)).toBe(v2);
      expect(registry.currentVersion('ProductCreated')).toBe(2);
    });
  });

  describe('chains', () => {
    const chain: Upcaster[] = [
      { type: 'Renamed', fromVersion: 2, upcast: (d) => ({ ...(d as object), step2: true }) },
      { type: 'Renamed', fromVersion: 1, upcast: (d) => ({ ...(d as object), step1: true }) },
    ];

    it('When an event is two versions behind, then each step applies in order to reach the latest', () => {
      const registry = createUpcasterRegistry(chain);

      const fromV1 = registry.upcast(recorded('Renamed', 1, { name: 'x' }));
      const fromV2 = registry.upcast(recorded('Renamed', 2, { name: 'x' }));

      expect(fromV1).toMatchObject({ schemaVersion: 3, data: { name: 'x', step1: true, step2: true } });
      expect(fromV2).toMatchObject({ schemaVersion: 3, data: { name: 'x', step2: true } });
      expect(fromV2.data).not.toHaveProperty('step1');
    });

    it('When a type has no upcaster, then its events pass through and its current version is 1', () => {
      const registry = createUpcasterRegistry(chain);
      const other = recorded('Other', 1, { a: 1 });

      expect(registry.upcast(other)).toBe(other);
      expect(registry.currentVersion('Other')).toBe(1);
    });

    it('When two upcasters claim the same step, then the registry refuses to be built', () => {
      expect(() => createUpcasterRegistry([...chain, { type: 'Renamed', fromVersion: 1, upcast: (d) => d }])).toThrow('Two upcasters');
    });
  });
});
