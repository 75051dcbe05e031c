/*
 * The parameters of createDraftListing and updateListing, as the OAS (2026-05) defines them, and
 * the content rules their descriptions state.
 *
 * createDraftListing requires quantity, title, description, price, who_made, when_made and
 * taxonomy_id; shipping_profile_id is "Required when listing type is `physical`" (Etsy's answer
 * otherwise, quoted in anitabyte/etsyv3#13: "A shipping_profile_id is required for physical
 * listings."); who_made, when_made and is_supply each "Requires" the other two (and Etsy staff in
 * etsy/open-api #511: "If any of those 3 are included all three need to be provided"), so
 * is_supply is required too. Title: letters, numbers, punctuation, math symbols, spaces, ™ © ®,
 * with %, :, & and + at most once each; tags: letters, numbers, spaces, - ' ™ © ®; materials and
 * styles: letters, numbers, spaces; styles at most two of 45 characters; image_ids at most 20.
 *
 * Assumptions (limits Etsy states in its seller help, not in the OAS): title at most 140
 * characters; at most 13 tags of at most 20 characters; at most 13 materials of at most 45;
 * quantity 1..999; price 0.20..50,000.00 in the shop's currency; an item dimension or weight
 * needs its unit. when_made's enum moves every year (2023: 2020_2023, 2004_2009, before_2004,
 * 2000_2003; 2026: 2020_2026, 2007_2009, before_2007, 2000_2006), so it is computed from a year,
 * the current UTC year unless `whenMadeYear` is given.
 */
import { z } from 'zod';
import { fieldError } from './errors';

export const WHO_MADE = ['i_did', 'someone_else', 'collective'] as const;
export const LISTING_TYPES = ['physical', 'download', 'both'] as const;
const WEIGHT_UNITS = ['oz', 'lb', 'g', 'kg'] as const;
const DIMENSION_UNITS = ['in', 'ft', 'mm', 'cm', 'm', 'yd', 'inches'] as const;

export function whenMadeValues(year: number): string[] {
  const decades = ['1990s', '1980s', '1970s', '1960s', '1950s', '1940s', '1930s', '1920s', '1910s', '1900s', '1800s', '1700s'];
  const cut = year - 19;
  return ['made_to_order', `2020_${year}`, '2010_2019', `${cut}_2009`, `before_${cut}`, `2000_${cut - 1}`, ...decades, 'before_1700'];
}

const TITLE_BAD = /[^\p{L}\p{Nd}\p{P}\p{Sm}\p{Zs}™©®]/u;
const TAG_BAD = /[^\p{L}\p{Nd}\p{Zs}\-'™©®]/u;
const WORDS_BAD = /[^\p{L}\p{Nd}\p{Zs}]/u;

const last = (v: unknown) => (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? v[v.length - 1] : v);
const blankToNull = (v: unknown) => (v === '' ? null : v);

function toInt(v: unknown): unknown {
  const s = last(v);
  return typeof s === 'string' && /^-?\d+$/.test(s.trim()) ? Number(s.trim()) : s;
}
function toNumber(v: unknown): unknown {
  const s = last(v);
  return typeof s === 'string' && s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s;
}
function toBool(v: unknown): unknown {
  const s = last(v);
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  return s;
}
function toList(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  const parts = Array.isArray(v) ? v : [v];
  if (!parts.every((p) => typeof p === 'string' || typeof p === 'number')) return v;
  const split = Array.isArray(v) && parts.every((p) => typeof p !== 'string' || !p.includes(',')) ? parts.map(String) : parts.flatMap((p) => String(p).split(','));
  return split.map((s) => s.trim()).filter((s) => s !== '');
}

const msg = (m: string) => ({ error: m });
const int = () => z.preprocess(toInt, z.number(msg('must be an integer')).int(msg('must be an integer')));
const id = () => z.preprocess((v) => blankToNull(toInt(v)), z.number(msg('must be a positive integer')).int(msg('must be a positive integer')).min(1, msg('must be a positive integer')).nullable());
const num = () => z.preprocess((v) => blankToNull(toNumber(v)), z.number(msg('must be a number')).nullable());
const bool = () => z.preprocess(toBool, z.boolean(msg('must be a boolean')));
const text = () => z.preprocess(last, z.string(msg('must be a string')));
const list = () => z.preprocess(toList, z.array(z.string(msg('must be a list of strings')), msg('must be a list of strings')).nullable());
const ids = () => z.preprocess(toList, z.array(z.preprocess(toInt, z.number(msg('must be a list of positive integers')).int().min(1)), msg('must be a list of positive integers')).nullable());
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.preprocess((v) => blankToNull(last(v)), z.enum(values, msg(`must be one of: ${values.join(', ')}`)).nullable());

function fields(whenMade: [string, ...string[]]) {
  return {
    quantity: int(),
    title: text(),
    description: text(),
    price: num(),
    who_made: oneOf(WHO_MADE),
    when_made: oneOf(whenMade),
    taxonomy_id: id(),
    shipping_profile_id: id(),
    return_policy_id: id(),
    readiness_state_id: id(),
    shop_section_id: id(),
    processing_min: id(),
    processing_max: id(),
    materials: list(),
    tags: list(),
    styles: list(),
    item_weight: num(),
    item_length: num(),
    item_width: num(),
    item_height: num(),
    item_weight_unit: oneOf(WEIGHT_UNITS),
    item_dimensions_unit: oneOf(DIMENSION_UNITS),
    is_personalizable: bool(),
    production_partner_ids: ids(),
    image_ids: ids(),
    is_supply: bool(),
    is_customizable: bool(),
    should_auto_renew: bool(),
    is_taxable: bool(),
    type: oneOf(LISTING_TYPES),
  };
}

const REQUIRED_ON_CREATE = ['quantity', 'title', 'description', 'price', 'who_made', 'when_made', 'taxonomy_id'] as const;

export function createSchema(year: number) {
  const f = fields(whenMadeValues(year) as [string, ...string[]]);
  const shape: Record<string, z.ZodType> = {};
  for (const [name, schema] of Object.entries(f)) shape[name] = (REQUIRED_ON_CREATE as readonly string[]).includes(name) ? schema : schema.optional();
  return z.object(shape);
}

export function updateSchema(year: number) {
  const f = fields(whenMadeValues(year) as [string, ...string[]]);
  const { quantity: _q, price: _p, ...updatable } = f;
  const shape: Record<string, z.ZodType> = {};
  for (const [name, schema] of Object.entries(updatable)) shape[name] = schema.optional();
  shape.state = oneOf(['active', 'inactive'] as const).optional();
  shape.featured_rank = z.preprocess((v) => blankToNull(toInt(v)), z.number(msg('must be an integer')).int().nullable()).optional();
  return z.object(shape);
}

export type ListingInput = Record<string, unknown>;

/** Parses with `schema`, answering the first problem as Etsy does, one field at a time. */
export function parseListingInput(schema: z.ZodType, body: Record<string, unknown>): ListingInput {
  const result = schema.safeParse(body);
  if (result.success) return result.data as ListingInput;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('/') || 'body';
  const top = String(issue.path[0] ?? '');
  if (body[top] === undefined) throw fieldError(field, 'is required');
  throw fieldError(field, issue.message);
}

function words(field: string, values: string[] | null | undefined, max: number, maxLength: number, bad: RegExp) {
  if (!values) return;
  if (values.length > max) throw fieldError(field, `may contain at most ${max} values`);
  for (const v of values) {
    if (v.length > maxLength) throw fieldError(field, `"${v}" is longer than ${maxLength} characters`);
    if (bad.test(v)) throw fieldError(field, 'contains invalid character');
  }
}

/** The rules a value must keep beyond its type, applied to whatever the request sets. */
export function checkContent(input: ListingInput): void {
  if (typeof input.title === 'string') {
    const title = input.title.trim();
    if (title === '') throw fieldError('title', 'must not be empty');
    if (title.length > 140) throw fieldError('title', 'must be 140 characters or fewer');
    if (TITLE_BAD.test(title)) throw fieldError('title', 'contains invalid character');
    for (const c of ['%', ':', '&', '+']) if (title.split(c).length > 2) throw fieldError('title', `may use the character ${c} only once`);
  }
  if (typeof input.description === 'string' && input.description.trim() === '') throw fieldError('description', 'must not be empty');
  if (typeof input.quantity === 'number' && (input.quantity < 1 || input.quantity > 999)) throw fieldError('quantity', 'must be between 1 and 999');
  if (input.price !== undefined) {
    const price = input.price as number | null;
    if (price === null || price < 0.2) throw fieldError('price', 'must be above min price 0.20');
    if (price > 50000) throw fieldError('price', 'must be below max price 50000.00');
  }
  const tags = input.tags as string[] | null | undefined;
  words('tags', tags, 13, 20, TAG_BAD);
  if (tags && new Set(tags.map((t) => t.toLowerCase())).size !== tags.length) throw fieldError('tags', 'You may not have duplicate tags.');
  words('materials', input.materials as string[] | null | undefined, 13, 45, WORDS_BAD);
  words('styles', input.styles as string[] | null | undefined, 2, 45, WORDS_BAD);
  const images = input.image_ids as number[] | null | undefined;
  if (images && images.length > 20) throw fieldError('image_ids', 'may contain at most 20 images');
  if (images && images.length === 0) throw fieldError('images', 'cannot be less than 1 items');
  for (const dim of ['item_weight', 'item_length', 'item_width', 'item_height']) {
    const value = input[dim] as number | null | undefined;
    if (typeof value === 'number' && value <= 0) throw fieldError(dim, 'must be greater than 0');
  }
  if (typeof input.item_weight === 'number' && !input.item_weight_unit) throw fieldError('item_weight_unit', 'is required when item_weight is set');
  const hasDimension = ['item_length', 'item_width', 'item_height'].some((d) => typeof input[d] === 'number');
  if (hasDimension && !input.item_dimensions_unit) throw fieldError('item_dimensions_unit', 'is required when a dimension is set');
}
