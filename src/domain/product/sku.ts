/*
 * A SKU is unique in a tenant's catalogue, whatever the case. Each SKU in use owns a stream,
 * `sku-<lower-case sku>`, whose first event reserves it for one product: the reservation is
 * appended with the product's creation, expecting the stream not to exist, so two products can
 * never take the same SKU on any event store — no read model is needed to hold the rule.
 */
import type { DomainEvent } from '../shared/decider';

const PREFIX = 'sku-';

export function skuStream(sku: string): string {
  return `${PREFIX}${sku.toLowerCase()}`;
}

export type SkuReserved = DomainEvent<'SkuReserved', { sku: string; product_id: string; reserved_at: string }>;
/** A reservation given back (a creation that could not complete): the SKU is free again. */
export type SkuReleased = DomainEvent<'SkuReleased', { sku: string; product_id: string; released_at: string }>;
export type SkuEvent = SkuReserved | SkuReleased;

export function reserveSku(sku: string, productId: string, now: Date): SkuReserved {
  return { type: 'SkuReserved', data: { sku, product_id: productId, reserved_at: now.toISOString() } };
}

export function releaseSku(sku: string, productId: string, now: Date): SkuReleased {
  return { type: 'SkuReleased', data: { sku, product_id: productId, released_at: now.toISOString() } };
}

/** Whether a reservation stream, as it stands, leaves its SKU free (it was given back). */
export function skuIsFree(events: readonly { type: string }[]): boolean {
  return events.length === 0 || events[events.length - 1]!.type === 'SkuReleased';
}
