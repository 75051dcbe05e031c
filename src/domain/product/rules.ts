/* The catalogue's rules on values, each answering with the problems it finds (none = valid). */
import type { FieldProblem } from '../../shared/errors';
import { PRODUCT_FIELDS, REFERENCE_FIELDS, type ReferenceField } from '../../shared/product-fields';
import type { DetailChanges, NewImage, ProductInput, ReferenceFacts } from './commands';
import type { ProductDetails, SaleChannel } from './events';
import { MAX_AMOUNT_CENTS, toCents } from './money';

export const SKU_PATTERN = /^[A-Za-z0-9._-]{1,50}$/;
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 10_000;
export const STOCK_MAX = 1_000_000;
export const DEFAULT_STOCK = 1;
export const MAX_IMAGES = 20;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp'];
export const SALE_CHANNELS: readonly SaleChannel[] = ['offline'];

type Checked<T> = { value: T; problems: FieldProblem[] };

const ok = <T>(value: T): Checked<T> => ({ value, problems: [] });
const bad = <T>(value: T, field: string, message: string): Checked<T> => ({ value, problems: [{ field, message }] });

export function checkSku(sku: string): FieldProblem[] {
  return SKU_PATTERN.test(sku) ? [] : [{ field: 'sku', message: 'must be 1 to 50 characters among letters, digits, ".", "_" and "-"' }];
}

export function checkTitle(title: string): Checked<string> {
  const trimmed = title.trim();
  if (trimmed.length < 1 || trimmed.length > TITLE_MAX) return bad(trimmed, 'title', `must be 1 to ${TITLE_MAX} characters`);
  return ok(trimmed);
}

export function checkDescription(description: string | null | undefined): Checked<string> {
  const text = description ?? '';
  return text.length > DESCRIPTION_MAX ? bad(text, 'description', `must be at most ${DESCRIPTION_MAX} characters`) : ok(text);
}

/** A selling price: more than 0, at most 99,999.99, at most two decimals. */
export function checkPrice(price: number, field = 'price'): Checked<number> {
  const cents = toCents(price);
  if (cents === null) return bad(0, field, 'must have at most two decimals');
  if (cents <= 0) return bad(0, field, 'must be greater than 0');
  if (cents > MAX_AMOUNT_CENTS) return bad(0, field, 'must be at most 99999.99');
  return ok(cents);
}

/** An amount that may be nothing (fees, shipping): 0 to 99,999.99 with at most two decimals. */
export function checkAmount(amount: number, field: string): Checked<number> {
  const cents = toCents(amount);
  if (cents === null) return bad(0, field, 'must have at most two decimals');
  if (cents < 0) return bad(0, field, 'must not be negative');
  if (cents > MAX_AMOUNT_CENTS) return bad(0, field, 'must be at most 99999.99');
  return ok(cents);
}

/** What the seller paid: absent, or 0 to 99,999.99 with at most two decimals. */
export function checkCostPrice(cost: number | null | undefined): Checked<number | null> {
  if (cost === null || cost === undefined) return ok(null);
  const cents = toCents(cost);
  if (cents === null) return bad(null, 'cost_price', 'must have at most two decimals');
  if (cents < 0) return bad(null, 'cost_price', 'must be 0 or more');
  if (cents > MAX_AMOUNT_CENTS) return bad(null, 'cost_price', 'must be at most 99999.99');
  return ok(cents);
}

export function checkStock(stock: number): FieldProblem[] {
  if (!Number.isInteger(stock) || stock < 0) return [{ field: 'stock_quantity', message: 'must be a whole number, 0 or more' }];
  if (stock > STOCK_MAX) return [{ field: 'stock_quantity', message: `must be at most ${STOCK_MAX}` }];
  return [];
}

export function checkQuantity(quantity: number): FieldProblem[] {
  if (!Number.isInteger(quantity) || quantity < 1) return [{ field: 'quantity', message: 'must be a whole number, 1 or more' }];
  return quantity > STOCK_MAX ? [{ field: 'quantity', message: `must be at most ${STOCK_MAX}` }] : [];
}

export function checkChannel(channel: string): Checked<SaleChannel> {
  const known = SALE_CHANNELS.find((c) => c === channel);
  return known ? ok(known) : bad('offline', 'channel', `must be one of ${SALE_CHANNELS.join(', ')}`);
}

/** Where a seller lists the values a reference field accepts. */
const LISTED_AT: Record<ReferenceField, string> = {
  category: 'GET /api/categories',
  brand: 'GET /api/attributes/brands',
  size: 'GET /api/attributes/sizes',
  color: 'GET /api/attributes/colors',
  gender: 'GET /api/attributes/genders',
  condition: 'GET /api/attributes/conditions',
};

function unknownReference(field: ReferenceField, facts: ReferenceFacts, what: string, advice = ` (${LISTED_AT[field]} lists them)`): FieldProblem {
  const close = facts.suggestions?.[field] ?? [];
  const hint = close.length > 0 ? `: did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : '';
  return { field, message: `is not a known ${what}${hint}${advice}` };
}

/**
 * Category must be a LEAF of the tree (a product is filed precisely); brand, size, colour,
 * gender and condition must exist in the reference data. Absent optional references are fine.
 */
export function checkReferences(input: Partial<Record<ReferenceField, string | null>>, facts: ReferenceFacts): Checked<{ brand: string | null | undefined }> {
  const problems: FieldProblem[] = [];
  const given = (field: ReferenceField) => input[field] !== undefined && input[field] !== null;
  if (given('category')) {
    if (facts.category === 'branch') problems.push({ field: 'category', message: 'has sub-categories: choose one of them (GET /api/categories)' });
    else if (facts.category !== 'leaf') problems.push(unknownReference('category', facts, 'category'));
  }
  let brand = input.brand;
  if (given('brand')) {
    if (facts.brand) brand = facts.brand;
    else problems.push(unknownReference('brand', facts, 'brand', ' — add it to your brands first (POST /api/attributes/brands)'));
  }
  for (const field of ['size', 'color', 'gender', 'condition'] as const) {
    if (given(field) && facts[field] !== true) problems.push(unknownReference(field, facts, field === 'color' ? 'colour' : field));
  }
  return { value: { brand }, problems };
}

/** Checks the detail fields present in `changes`; returns them as stored (trimmed, cents, canonical brand). */
export function checkDetailChanges(changes: DetailChanges, facts: ReferenceFacts): Checked<Partial<ProductDetails>> {
  const value: Partial<ProductDetails> = {};
  const problems: FieldProblem[] = [];
  const take = <T>(checked: Checked<T>, assign: (v: T) => void) => {
    problems.push(...checked.problems);
    if (checked.problems.length === 0) assign(checked.value);
  };
  if (changes.title !== undefined) take(checkTitle(changes.title), (v) => (value.title = v));
  if (changes.description !== undefined) take(checkDescription(changes.description), (v) => (value.description = v));
  if (changes.cost_price !== undefined) take(checkCostPrice(changes.cost_price), (v) => (value.cost_price_cents = v));
  const refs = checkReferences(changes, facts);
  problems.push(...refs.problems);
  for (const field of REFERENCE_FIELDS) {
    const given = changes[field];
    if (given === undefined) continue;
    (value as Record<string, unknown>)[field] = field === 'brand' ? (refs.value.brand ?? null) : given;
  }
  return { value, problems };
}

/** A whole new product: every rule at once, so one answer names every offending field. */
export function checkNewProduct(input: ProductInput, facts: ReferenceFacts): Checked<ProductDetails & { sku: string; price_cents: number; stock_quantity: number }> {
  const { sku, price, stock_quantity: _stock, ...rest } = input;
  const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as typeof rest;
  const details = checkDetailChanges({ description: null, cost_price: null, brand: null, size: null, color: null, gender: null, ...given }, facts);
  const checkedPrice = checkPrice(price);
  const stock = input.stock_quantity ?? DEFAULT_STOCK;
  const problems = [...checkSku(sku), ...details.problems, ...checkedPrice.problems, ...checkStock(stock)];
  // Every detail is present once the checks pass (defaults above); with problems it is refused anyway.
  const d = details.value as ProductDetails;
  return {
    value: { sku, ...d, price_cents: checkedPrice.value, stock_quantity: stock },
    problems: sortProblems(problems),
  };
}

export function checkImages(images: readonly NewImage[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  images.forEach((image, i) => {
    const field = images.length === 1 ? 'file' : `file.${i}`;
    if (!IMAGE_TYPES.includes(image.content_type)) problems.push({ field, message: 'must be a JPEG, PNG or WebP image' });
    else if (image.size_bytes <= 0 || image.size_bytes > MAX_IMAGE_BYTES) problems.push({ field, message: 'must be at most 10 MB' });
  });
  return problems;
}

const FIELD_ORDER: readonly string[] = PRODUCT_FIELDS;

/** Problems in the order the fields appear in the form. */
export function sortProblems(problems: FieldProblem[]): FieldProblem[] {
  const rank = (f: string) => {
    const i = FIELD_ORDER.indexOf(f);
    return i === -1 ? FIELD_ORDER.length : i;
  };
  return [...problems].sort((a, b) => rank(a.field) - rank(b.field));
}
