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
  product: { status: string; title: string; stock_quantity: number; images: number; condition: string | null; category: string | null; price_cents: number };
  overrides: ListingOverrides;
  connection: ConnectionState;
  /** The marketplace's ids for the product's condition and category (public.platform_mappings), null when unknown. */
  mapped: { condition: string | null; category: string | null };
  /** Where the marketplace fetches the photos from. */
  publicBaseUrl: string;
}

/** eBay sites that sell in euros: Stoflow's prices are euros. */
export const EBAY_EURO_SITES = ['EBAY_FR', 'EBAY_DE', 'EBAY_IT', 'EBAY_ES', 'EBAY_NL', 'EBAY_BE', 'EBAY_AT', 'EBAY_IE'] as const;
/** The site whose category tree the seeded eBay category ids belong to. */
export const EBAY_MAPPED_TREE = 'EBAY_US';

export const EBAY_SETTINGS = ['fulfillment_policy_id', 'payment_policy_id', 'return_policy_id', 'merchant_location_key'] as const;

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
    case 'vinted':
      at(`marketplaces.${m}`, `publishing to ${m === 'etsy' ? 'Etsy' : 'Vinted'} is not available on this server yet`);
      break;
    default: {
      const never: never = m;
      return never;
    }
  }
  return problems;
}
