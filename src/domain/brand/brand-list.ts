/*
 * A tenant's own brands, added to the shared list: one stream per tenant (`tenant-brands`), so
 * they are in the log like everything else (audited, exported, restored, rebuilt).
 */
import { ConflictError, ValidationError } from '../../shared/errors';
import type { Decider, DomainEvent } from '../shared/decider';

export type BrandAdded = DomainEvent<'BrandAdded', { name: string; slug: string; added_at: string }>;
export type BrandListEvent = BrandAdded;

export interface AddBrand {
  type: 'AddBrand';
  /** As the seller typed it. */
  name: string;
  /** Slug of the name, computed by the caller with the shared list's own rule. */
  slug: string;
  /** The shared brand of that name, any case, when the shared list already has it. */
  shared: string | null;
  now: Date;
}

/** Lower-cased name → the name as added. */
export type BrandListState = ReadonlyMap<string, string>;

export const BRAND_LIST_STREAM = 'tenant-brands';

export function normaliseBrandName(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ');
}

function taken(existing: string): ConflictError {
  return new ConflictError(`The brand "${existing}" already exists`, 'brand_exists', { errors: [{ field: 'name', message: `already exists as "${existing}"` }] });
}

export const brandListDecider: Decider<AddBrand, BrandListEvent, BrandListState> = {
  initialState: new Map(),
  evolve(state, event) {
    switch (event.type) {
      case 'BrandAdded':
        return new Map(state).set(event.data.name.toLowerCase(), event.data.name);
      default: {
        const never: never = event.type;
        return never;
      }
    }
  },
  decide(command, state) {
    const name = normaliseBrandName(command.name);
    if (name.length < 1 || name.length > 100 || command.slug === '') {
      throw new ValidationError([{ field: 'name', message: 'must be 1 to 100 characters, with at least one letter or digit' }], true);
    }
    if (command.shared !== null) throw taken(command.shared);
    const existing = state.get(name.toLowerCase());
    if (existing !== undefined) throw taken(existing);
    return [{ type: 'BrandAdded', data: { name, slug: command.slug, added_at: command.now.toISOString() } }];
  },
};
