import { brandListDecider, type AddBrand, type BrandListEvent } from '../../src/domain/brand/brand-list';
import { ConflictError, ValidationError } from '../../src/shared/errors';

const now = new Date('2026-03-01T09:00:00Z');
const add = (name: string, shared: string | null = null): AddBrand => ({ type: 'AddBrand', name, slug: name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-'), shared, now });
const given = (...events: BrandListEvent[]) => events.reduce(brandListDecider.evolve, brandListDecider.initialState);
const added = (name: string): BrandListEvent => ({ type: 'BrandAdded', data: { name, slug: name.toLowerCase(), added_at: now.toISOString() } });

describe('A tenant brand list', () => {
  describe('given no brands', () => {
    it('When a brand is added, then BrandAdded carries the tidied name, its slug and the time', () => {
      expect(brandListDecider.decide(add('  Atelier   Camille '), given())).toEqual([
        { type: 'BrandAdded', data: { name: 'Atelier Camille', slug: 'atelier-camille', added_at: '2026-03-01T09:00:00.000Z' } },
      ]);
    });

    it('When the shared list already has it, then it is refused as existing', () => {
      expect(() => brandListDecider.decide(add('nike', 'Nike'), given())).toThrow(ConflictError);
    });

    it.each([[''], ['   '], ['x'.repeat(101)]])('When the name is %j, then it is refused naming name', (name) => {
      let caught: unknown;
      try {
        brandListDecider.decide({ ...add(name), slug: name.trim() === '' ? '' : 'x' }, given());
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).errors[0]!.field).toBe('name');
    });
  });

  describe('given "Maison Rivière" was added', () => {
    it('When it is added again in another case, then it is refused naming the existing spelling', () => {
      let caught: unknown;
      try {
        brandListDecider.decide(add('MAISON RIVIÈRE'), given(added('Maison Rivière')));
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConflictError);
      expect((caught as ConflictError).message).toContain('Maison Rivière');
    });

    it('When another brand is added, then it is accepted', () => {
      expect(brandListDecider.decide(add('Fil Rouge'), given(added('Maison Rivière')))).toHaveLength(1);
    });
  });
});
