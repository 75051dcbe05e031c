import type { FieldProblem } from '../../src/shared/errors';
import { AppError, ValidationError } from '../../src/shared/errors';
import { productDecider, type ProductCommand, type ProductEvent, type ProductInput, type ReferenceFacts } from '../../src/domain/product/decider';
import { fold } from '../../src/domain/shared/decider';

/** Given events, when a command, then events (or a refusal): the decider's tests read as specs. */
export const NOW = new Date('2026-03-01T10:00:00.000Z');
export const LATER = new Date('2026-03-02T09:30:00.000Z');
export const PRODUCT_ID = '0b7f6a52-5a4e-4a58-9a57-1d4b8c2a1f00';

export const KNOWN: ReferenceFacts = { category: 'leaf', brand: 'Nike', size: true, color: true, gender: true, condition: true };

export function input(overrides: Partial<ProductInput> = {}): ProductInput {
  return {
    sku: 'JEAN-501-W32',
    title: 'Levi’s 501 jeans',
    description: 'Dark wash',
    price: 39.9,
    cost_price: 12,
    stock_quantity: 2,
    category: 'jeans',
    brand: 'nike',
    size: 'm',
    color: 'blue',
    gender: 'men',
    condition: 'very_good',
    ...overrides,
  };
}

export function created(overrides: Record<string, unknown> = {}): ProductEvent {
  return {
    type: 'ProductCreated',
    data: {
      product_id: PRODUCT_ID,
      sku: 'JEAN-501-W32',
      title: 'Levi’s 501 jeans',
      description: 'Dark wash',
      price_cents: 3990,
      cost_price_cents: 1200,
      stock_quantity: 2,
      category: 'jeans',
      brand: 'Nike',
      size: 'm',
      color: 'blue',
      gender: 'men',
      condition: 'very_good',
      created_at: NOW.toISOString(),
      ...overrides,
    },
  } as ProductEvent;
}

export function sold(quantity: number, remaining: number, saleId = 'sale-1'): ProductEvent {
  return { type: 'ProductSold', data: { sale_id: saleId, quantity, unit_price_cents: 3990, channel: 'offline', fees_cents: 0, shipping_charged_cents: 0, shipping_paid_cents: 0, remaining_stock: remaining, sold_at: NOW.toISOString() } };
}

export const archived: ProductEvent = { type: 'ProductArchived', data: { archived_at: NOW.toISOString() } };

export function imageAdded(imageId: string, position: number): ProductEvent {
  return { type: 'ProductImageAdded', data: { image_id: imageId, file: `${imageId}.jpg`, content_type: 'image/jpeg', size_bytes: 1000, position, added_at: NOW.toISOString() } };
}

export function given(...history: ProductEvent[]) {
  const state = fold(productDecider, history);
  return {
    state,
    when(command: ProductCommand) {
      const run = () => productDecider.decide(command, state);
      return {
        then(expected: ProductEvent[]) {
          expect(run()).toEqual(expected);
        },
        /** The events, for assertions that look at only part of them. */
        events: run,
        thenRefused(code: string, fields?: string[]) {
          let error: unknown;
          try {
            run();
          } catch (err) {
            error = err;
          }
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe(code);
          if (fields) expect(problemFields(error as AppError)).toEqual(fields);
        },
      };
    },
  };
}

function problemFields(error: AppError): string[] {
  if (error instanceof ValidationError) return error.errors.map((e: FieldProblem) => e.field);
  const field = (error as AppError & { field?: string }).field;
  return field ? [field] : [];
}
