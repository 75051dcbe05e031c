/*
 * What each marketplace accepts, enforced on every generated listing (the template's and a
 * model's alike): eBay titles ≤ 80 characters and descriptions ≤ 4,000 (inventory item
 * product.description), Etsy titles ≤ 140 and ≤ 13 tags of ≤ 20 characters, Vinted descriptions
 * ≤ 2,000 (MARKETPLACES.md gives no figure for Vinted; 2,000 is what its listing form takes).
 * Without a marketplace, the catalogue's own limits (title ≤ 200, description ≤ 10,000). Text
 * is cut at a word, never mid-word, and a cut description ends with "…".
 */
import type { AiMarketplace, GeneratedListing } from './listing';

export interface MarketplaceLimits {
  title: number;
  description: number;
  tags: number;
  tagLength: number;
}

const CATALOGUE: MarketplaceLimits = { title: 200, description: 10_000, tags: 20, tagLength: 40 };

export const MARKETPLACE_LIMITS: Record<AiMarketplace, MarketplaceLimits> = {
  ebay: { ...CATALOGUE, title: 80, description: 4000 },
  etsy: { ...CATALOGUE, title: 140, tags: 13, tagLength: 20 },
  vinted: { ...CATALOGUE, description: 2000 },
};

export function limitsFor(marketplace: AiMarketplace | null): MarketplaceLimits {
  return marketplace ? MARKETPLACE_LIMITS[marketplace] : CATALOGUE;
}

const TRAILING = /[\s,;:–—-]+$/u;

/** `text` cut to at most `max` characters at a word boundary; `ellipsis` adds "…" (counted). */
export function cutAtWord(text: string, max: number, ellipsis = false): string {
  const clean = text.trim();
  if ([...clean].length <= max) return clean;
  const room = ellipsis ? max - 1 : max;
  const chars = [...clean].slice(0, room + 1).join('');
  const lastSpace = chars.lastIndexOf(' ', room);
  const cut = (lastSpace > room / 2 ? chars.slice(0, lastSpace) : [...chars].slice(0, room).join('')).replace(TRAILING, '');
  return ellipsis ? `${cut}…` : cut;
}

/** The listing within the marketplace's limits: titles and descriptions cut, tags shortened, deduplicated and capped. */
export function enforceLimits(listing: GeneratedListing, marketplace: AiMarketplace | null): GeneratedListing {
  const limits = limitsFor(marketplace);
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of listing.tags) {
    const tag = cutAtWord(raw.replace(/\s+/g, ' '), limits.tagLength);
    const key = tag.toLowerCase();
    if (tag === '' || seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
    if (tags.length === limits.tags) break;
  }
  return {
    title: cutAtWord(listing.title.replace(/\s+/g, ' '), limits.title),
    description: cutAtWord(listing.description, limits.description, true),
    tags,
    bullet_points: listing.bullet_points.map((b) => b.trim()).filter((b) => b !== '').slice(0, 10),
  };
}

/** Problems with a listing as the limits see it (a check for tests and for a model's output after enforcing). */
export function limitViolations(listing: GeneratedListing, marketplace: AiMarketplace | null): string[] {
  const limits = limitsFor(marketplace);
  const problems: string[] = [];
  if ([...listing.title].length > limits.title) problems.push(`title longer than ${limits.title}`);
  if ([...listing.description].length > limits.description) problems.push(`description longer than ${limits.description}`);
  if (listing.tags.length > limits.tags) problems.push(`more than ${limits.tags} tags`);
  if (listing.tags.some((t) => [...t].length > limits.tagLength)) problems.push(`a tag longer than ${limits.tagLength}`);
  return problems;
}
