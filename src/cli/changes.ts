/*
 * What support staff want to read in a history: which fields each event changed, from what to
 * what. For a product stream the events are folded with the product's own `evolve` and each state
 * is compared with the one before, so the answer is what the product became, not a guess from
 * the event's data. Other streams show their events' data.
 */
import { DETAIL_FIELDS, productDecider, productIdOfStream, productStream, type Product, type ProductEvent, type ProductState } from '../domain/product/decider';
import type { RecordedEvent } from '../eventstore/types';
import { toJson } from './format';

export interface FieldChange {
  field: string;
  from?: unknown;
  to: unknown;
}

export interface TimelineEntry {
  event: RecordedEvent;
  /** When it happened: the original recording time for imported events. */
  at: Date;
  changes: FieldChange[];
  /** The product after this event (product streams only). */
  state?: ProductState;
}

/** Imported events keep their original recording time in metadata; that is when they happened. */
export function eventTime(event: RecordedEvent): Date {
  const original = event.metadata.imported_recorded_at;
  if (typeof original === 'string') {
    const at = new Date(original);
    if (!Number.isNaN(at.getTime())) return at;
  }
  return event.recordedAt;
}

/** The product as flat fields: details alongside price and stock, images as their ids in order. */
export function productFields(product: Product | null): Record<string, unknown> {
  if (!product) return {};
  const { id, sku, status, details, price_cents, stock_quantity, images, sale_ids: _ids, sales, open_oversells, oversold: _oversold, found_sales, ...rest } = product;
  const ordered = Object.fromEntries(DETAIL_FIELDS.map((field) => [field, details[field]]));
  return { id, sku, status, ...ordered, ...details, price_cents, stock_quantity, images: images.map((i) => i.image_id), sales: sales.length + found_sales.length, open_oversells: open_oversells.length, ...rest };
}

function diff(before: Record<string, unknown>, after: Record<string, unknown>, created: boolean): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (toJson(before[field]) === toJson(after[field])) continue;
    if (created && field === 'id') continue; // the stream already names it
    changes.push(created ? { field, to: after[field] } : { field, from: before[field], to: after[field] });
  }
  return changes;
}

function dataFields(event: RecordedEvent): FieldChange[] {
  const data = event.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [{ field: 'data', to: data }];
  return Object.entries(data as Record<string, unknown>).map(([field, to]) => ({ field, to }));
}

export function isProductStream(stream: string): boolean {
  return productIdOfStream(stream) !== null;
}

export function timeline(stream: string, events: readonly RecordedEvent[]): TimelineEntry[] {
  if (!isProductStream(stream)) return events.map((event) => ({ event, at: eventTime(event), changes: dataFields(event) }));
  let state: ProductState = productDecider.initialState;
  return events.map((event) => {
    const before = state;
    state = productDecider.evolve(state, event as unknown as ProductEvent);
    const changes = diff(productFields(before), productFields(state), before === null);
    // An event the product's evolve does not know (yet) still shows what it said.
    return { event, at: eventTime(event), changes: changes.length > 0 || state !== before ? changes : dataFields(event), state };
  });
}

function short(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return `[${value.map((v: string) => v.slice(0, 8)).join(',')}]`;
  const text = value === undefined ? '–' : toJson(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** `price_cents 1990 → 2490, title "Veste" → "Veste en jean"`; a creation lists what it set. */
export function describeChanges(changes: readonly FieldChange[]): string {
  return changes.map((c) => ('from' in c ? `${c.field} ${short(c.from)} → ${short(c.to)}` : `${c.field}=${short(c.to)}`)).join(', ');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A product id stands for its stream; anything else is taken as a stream name. */
export function streamOf(productOrStream: string): string {
  return UUID.test(productOrStream) ? productStream(productOrStream.toLowerCase()) : productOrStream;
}
