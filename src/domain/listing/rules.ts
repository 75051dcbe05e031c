/*
 * Whether a product can be published on a marketplace, decided before anything is queued, so a
 * seller learns every missing piece at once (field by field) rather than from a failed listing
 * later. Pure: the caller gathers the product, the connection and the mapped values.
 */
import type { FieldProblem } from '../../shared/errors';
import type { ConnectionState, Marketplace } from '../connection/connection';
import type { ListingOverrides } from './listing';

export interface PublicationCandidate {
  marketplace: Marketplace;
  product: { status: string; sku: string; title: string; description?: string; stock_quantity: number; images: number; condition: string | null; category: string | null; price_cents: number };
  overrides: ListingOverrides;
  connection: ConnectionState;
  /** The marketplace's ids for the product's condition and category (public.platform_mappings), null when unknown. */
  mapped: { condition: string | null; category: string | null };
  /** Where the marketplace fetches the photos from. */
  publicBaseUrl: string;
  /** The current UTC year: Etsy's when_made values move with it. */
  year: number;
}

/** eBay sites that sell in euros: Stoflow's prices are euros. */
export const EBAY_EURO_SITES = ['EBAY_FR', 'EBAY_DE', 'EBAY_IT', 'EBAY_ES', 'EBAY_NL', 'EBAY_BE', 'EBAY_AT', 'EBAY_IE'] as const;
/** The site whose category tree the seeded eBay category ids belong to. */
export const EBAY_MAPPED_TREE = 'EBAY_US';

export const EBAY_SETTINGS = ['fulfillment_policy_id', 'payment_policy_id', 'return_policy_id', 'merchant_location_key'] as const;

export const ETSY_WHO_MADE = ['i_did', 'collective', 'someone_else'] as const;

const DECADES = ['1990s', '1980s', '1970s', '1960s', '1950s', '1940s', '1930s', '1920s', '1910s', '1900s', '1800s', '1700s', 'before_1700'];

/**
 * Etsy's when_made values in `year`. The enum moves with the year (2025: 2020_2025, 2006_2009,
 * before_2006, 2000_2005; 2026: 2020_2026, 2007_2009, before_2007, 2000_2006): the ranges
 * nearest now split at the year 20 years back, where vintage begins.
 */
export function etsyWhenMadeValues(year: number): string[] {
  const cut = year - 19;
  return ['made_to_order', `2020_${year}`, '2010_2019', `${cut}_2009`, `before_${cut}`, `2000_${cut - 1}`, ...DECADES];
}

/** The when_made values of an item at least 20 years old in `year`: what Etsy calls vintage. */
export function etsyVintageWhenMade(year: number): string[] {
  const cut = year - 19;
  return [`before_${cut}`, `2000_${cut - 1}`, ...DECADES];
}

/** Etsy's seller policy: the only three kinds of item it lists. */
export const ETSY_ELIGIBILITY = 'Etsy lists only handmade items (who_made i_did or collective), vintage items at least 20 years old, and craft supplies (is_supply: true)';

export const ETSY_TITLE_MAX = 140;
export const ETSY_TAGS_MAX = 13;
export const ETSY_TAG_LENGTH = 20;
export const ETSY_MATERIALS_MAX = 13;
export const ETSY_MATERIAL_LENGTH = 45;
/** Etsy's bounds on a listing's price (in the shop's currency) and quantity. */
export const ETSY_PRICE_CENTS = { min: 20, max: 5_000_000 } as const;
export const ETSY_QUANTITY_MAX = 999;
export const ETSY_SKU_LENGTH = 32;

// Etsy's character rules: titles take letters, numbers, punctuation, maths symbols, spaces and
// ™ © ®, with %, :, & and + at most once each; tags letters, numbers, spaces, - ' ™ © ®;
// materials letters, numbers and spaces.
const ETSY_TITLE_BAD = /[^\p{L}\p{M}\p{Nd}\p{P}\p{Sm}\p{Zs}™©®]/u;
const ETSY_TAG_BAD = /[^\p{L}\p{M}\p{Nd}\p{Zs}\-'™©®]/u;
const ETSY_MATERIAL_BAD = /[^\p{L}\p{M}\p{Nd}\p{Zs}]/u;

/** The connection settings Etsy needs, and those needed only when the shop has some to choose from. */
export const ETSY_SETTINGS = ['shipping_profile_id'] as const;
export const ETSY_SETTINGS_WHEN_LISTED = ['return_policy_id', 'readiness_state_id'] as const;

function etsyProblems(c: PublicationCandidate, at: (field: string, message: string) => void): void {
  const o = c.overrides;
  const site = c.connection.site ?? '';
  if (site !== 'EUR') at('marketplaces.etsy', `prices are in euros, and this Etsy shop sells in ${site || 'another currency'}`);

  const title = (o.title ?? c.product.title).trim();
  const titleField = o.title !== undefined ? 'overrides.etsy.title' : 'title';
  if (title.length > ETSY_TITLE_MAX) at(titleField, `Etsy titles are at most ${ETSY_TITLE_MAX} characters (this one has ${title.length}): send overrides.etsy.title`);
  else if (ETSY_TITLE_BAD.test(title)) at(titleField, 'Etsy titles take only letters, numbers, punctuation, spaces and ™ © ®: send overrides.etsy.title');
  else {
    const repeated = ['%', ':', '&', '+'].filter((ch) => title.split(ch).length > 2);
    if (repeated.length > 0) at(titleField, `Etsy titles use ${repeated.join(' ')} at most once each: send overrides.etsy.title`);
  }

  if (c.product.price_cents < ETSY_PRICE_CENTS.min || c.product.price_cents > ETSY_PRICE_CENTS.max) {
    at(o.price_cents !== undefined ? 'overrides.etsy.price' : 'price', 'Etsy prices are between 0.20 and 50,000.00');
  }
  if (c.product.stock_quantity > ETSY_QUANTITY_MAX) at('stock_quantity', `Etsy listings hold at most ${ETSY_QUANTITY_MAX} units`);
  if (c.product.sku.length > ETSY_SKU_LENGTH) at('sku', `Etsy SKUs are at most ${ETSY_SKU_LENGTH} characters (this one has ${c.product.sku.length})`);

  if (!o.category_id) at('overrides.etsy.taxonomy_id', 'choose the Etsy seller taxonomy id (a leaf of getSellerTaxonomyNodes) for this product');
  else if (!/^[1-9]\d{0,9}$/.test(o.category_id)) at('overrides.etsy.taxonomy_id', 'must be an Etsy seller taxonomy id (digits)');

  // Handmade, vintage or a craft supply: the seller says which, per listing.
  const values = etsyWhenMadeValues(c.year);
  if (!o.who_made) at('overrides.etsy.who_made', `say who made the item: ${ETSY_WHO_MADE.join(', ')}. ${ETSY_ELIGIBILITY}`);
  else if (!(ETSY_WHO_MADE as readonly string[]).includes(o.who_made)) at('overrides.etsy.who_made', `must be one of ${ETSY_WHO_MADE.join(', ')}`);
  if (!o.when_made) at('overrides.etsy.when_made', `say when the item was made (${values.join(', ')}). ${ETSY_ELIGIBILITY}`);
  else if (!values.includes(o.when_made)) at('overrides.etsy.when_made', `is not one of Etsy's values in ${c.year}: ${values.join(', ')}`);
  else if (o.who_made === 'someone_else' && o.is_supply !== true && !etsyVintageWhenMade(c.year).includes(o.when_made)) {
    at(
      'overrides.etsy.when_made',
      `${ETSY_ELIGIBILITY}: an item someone else made must be vintage, made ${c.year - 20} or earlier (${etsyVintageWhenMade(c.year).slice(0, 3).join(', ')}…), or be a craft supply; ${o.when_made} is not (Etsy's seller policy)`,
    );
  }

  const words = (field: string, list: string[] | undefined, max: number, length: number, bad: RegExp, allowed: string) => {
    if (!list) return;
    if (list.length > max) at(field, `Etsy takes at most ${max} (there are ${list.length})`);
    const long = list.find((w) => w.length > length);
    if (long !== undefined) at(field, `"${long}" is longer than ${length} characters`);
    const odd = list.find((w) => w.trim() === '' || bad.test(w));
    if (odd !== undefined) at(field, `"${odd}" must be ${allowed}`);
    const twice = list.find((w, i) => list.findIndex((other) => other.toLowerCase() === w.toLowerCase()) !== i);
    if (twice !== undefined) at(field, `"${twice}" is there twice`);
  };
  words('overrides.etsy.tags', o.tags, ETSY_TAGS_MAX, ETSY_TAG_LENGTH, ETSY_TAG_BAD, "letters, numbers, spaces, - ' ™ © ® only");
  words('overrides.etsy.materials', o.materials, ETSY_MATERIALS_MAX, ETSY_MATERIAL_LENGTH, ETSY_MATERIAL_BAD, 'letters, numbers and spaces only');

  for (const key of ETSY_SETTINGS) if (!c.connection.settings[key]) at(`settings.etsy.${key}`, 'choose it with PUT /api/integrations/etsy/settings');
  for (const key of ETSY_SETTINGS_WHEN_LISTED) {
    if (!c.connection.settings[key] && (c.connection.options[key] ?? []).length > 0) at(`settings.etsy.${key}`, 'choose it with PUT /api/integrations/etsy/settings');
  }
  if (!c.connection.account?.shop_id) at('marketplaces.etsy', 'the connected Etsy account has no shop: connect Etsy again');
}

/** An address or a contact in a listing's text: Vinted hides listings that send buyers elsewhere. */
const VINTED_OFF_PLATFORM = /\b(?:https?:\/\/|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.]+\b/i;

function vintedProblems(c: PublicationCandidate, at: (field: string, message: string) => void): void {
  if (!c.mapped.condition) {
    at('condition', c.product.condition ? `${c.product.condition} has no Vinted condition (Vinted's grades stop at satisfactory)` : 'is needed to publish on Vinted');
  }
  const category = c.overrides.category_id ?? c.mapped.category;
  if (!category) at('overrides.vinted.category_id', "choose the Vinted catalog id for this product (the extension picks the leaf catalog under it)");
  else if (!/^\d{1,10}$/.test(category)) at('overrides.vinted.category_id', 'must be a Vinted catalog id (digits)');
  const title = c.overrides.title ?? c.product.title;
  const texts: [string, string][] = [[c.overrides.title !== undefined ? 'overrides.vinted.title' : 'title', title], ['description', c.product.description ?? '']];
  for (const [field, text] of texts) {
    if (VINTED_OFF_PLATFORM.test(text)) at(field, 'must not contain a web address or an e-mail address: Vinted hides listings that send buyers off Vinted');
  }
  if (!c.connection.account) at('marketplaces.vinted', 'no Vinted member is connected: sign in to Vinted with the extension');
}

export function publicationProblems(c: PublicationCandidate): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const at = (field: string, message: string) => problems.push({ field, message });
  const m = c.marketplace;
  if (c.product.status === 'sold' || c.product.status === 'archived') at('product', `is ${c.product.status}: it cannot be published`);
  if (c.product.stock_quantity < 1) at('stock_quantity', 'must be at least 1 to publish');
  if (c.product.images < 1) at('images', 'at least one photo is needed to publish');
  if (c.connection.status !== 'connected') {
    at(`marketplaces.${m}`, c.connection.status === 'revoked' ? `${m} refused Stoflow's access: connect it again` : `${m} is not connected: connect it first (GET /api/integrations/${m}/connect)`);
    return problems;
  }
  switch (m) {
    case 'ebay': {
      const site = c.connection.site ?? '';
      const title = c.overrides.title ?? c.product.title;
      if (title.length > 80) at(c.overrides.title !== undefined ? 'overrides.ebay.title' : 'title', `eBay titles are at most 80 characters (this one has ${title.length}): send overrides.ebay.title`);
      if (!(EBAY_EURO_SITES as readonly string[]).includes(site)) at('marketplaces.ebay', `prices are in euros, and ${site || 'this eBay site'} does not sell in euros`);
      const category = c.overrides.category_id ?? (site === EBAY_MAPPED_TREE ? c.mapped.category : null);
      if (!category) at('overrides.ebay.category_id', `choose the eBay category id of ${site}'s category tree for this product`);
      else if (!/^\d{1,10}$/.test(category)) at('overrides.ebay.category_id', 'must be an eBay category id (digits)');
      if (!c.mapped.condition) at('condition', c.product.condition ? `${c.product.condition} has no eBay condition` : 'is needed to publish on eBay');
      for (const key of EBAY_SETTINGS) {
        if (!c.connection.settings[key]) at(`settings.ebay.${key}`, 'choose it with PUT /api/integrations/ebay/settings');
      }
      if (!c.publicBaseUrl.startsWith('https://')) at('marketplaces.ebay', 'eBay fetches photos over HTTPS only: set PUBLIC_BASE_URL to this server’s https:// address');
      break;
    }
    case 'etsy':
      etsyProblems(c, at);
      break;
    case 'vinted':
      vintedProblems(c, at);
      break;
    default: {
      const never: never = m;
      return never;
    }
  }
  return problems;
}
