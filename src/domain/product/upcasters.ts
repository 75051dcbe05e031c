/*
 * ProductCreated v1 stored `price` and `cost_price` as decimal euros (19.9); v2 stores integer
 * cents (`price_cents`, `cost_price_cents`) so no arithmetic on money ever meets a float again.
 * Everything else in the event is unchanged.
 *
 * ProductSold and OversoldDetected v1 recorded no fees and no shipping; v2 always carries them
 * (`fees_cents`, `shipping_charged_cents`, `shipping_paid_cents`), and a v1 sale had none: 0.
 */
import type { Upcaster } from '../../eventstore/types';

function toCents(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const euros = typeof value === 'string' ? Number(value.replace(',', '.')) : value;
  if (typeof euros !== 'number' || !Number.isFinite(euros)) throw new Error(`Unreadable v1 amount: ${String(value)}`);
  // v1 amounts had at most two decimals, so euros * 100 is within 1e-9 of an integer and
  // rounding recovers it exactly (19.9 * 100 = 1989.9999999999998 → 1990).
  return Math.round(euros * 100);
}

const productCreatedV1ToV2: Upcaster = {
  type: 'ProductCreated',
  fromVersion: 1,
  upcast(data) {
    const { price, cost_price, ...rest } = data as Record<string, unknown>;
    const v2: Record<string, unknown> = { ...rest, price_cents: toCents(price) };
    // An absent cost price stays absent; a recorded null stays null.
    if (cost_price !== undefined) v2.cost_price_cents = toCents(cost_price);
    return v2;
  },
};

function withSaleMoney(type: string): Upcaster {
  return {
    type,
    fromVersion: 1,
    upcast: (data) => ({ fees_cents: 0, shipping_charged_cents: 0, shipping_paid_cents: 0, ...(data as Record<string, unknown>) }),
  };
}

export const productUpcasters: Upcaster[] = [productCreatedV1ToV2, withSaleMoney('ProductSold'), withSaleMoney('OversoldDetected')];
