/*
 * The no-invented-brand check: a listing must not name a brand other than the product's. Brands
 * are looked for as whole words in the title, description, tags and bullet points, spelled as the
 * brand list spells them, case aside. Brands that are also everyday words ("Next", "Gap",
 * "Element", "Champion") are matched only as spelled, capital included and not at the start of
 * a sentence, so that "next day" or "a gap" are not taken for brands.
 */
import type { GeneratedListing } from './listing';

const EVERYDAY = new Set(
  ['next', 'gap', 'element', 'arena', 'head', 'polar', 'craft', 'champion', 'giant', 'trek', 'scott', 'starter', 'mango', 'vans', 'on running', 'lotto', 'joma', 'canyon', 'brooks', 'fischer', 'atomic', 'converse', 'jordan', 'puma', 'boss', 'guess', 'only', 'pieces', 'object', 'vero moda', 'selected', 'bench', 'replay', 'diesel', 'coach', 'kappa', 'cos', 'arket', 'monki', 'weekday'].map((b) => b.toLowerCase()),
);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function textOf(listing: GeneratedListing): string {
  return [listing.title, listing.description, ...listing.tags, ...listing.bullet_points].join('\n');
}

/** The brands of `known` that the listing names, other than `own` (the product's brand, or none). */
export function foreignBrands(listing: GeneratedListing, own: string | null, known: readonly string[]): string[] {
  const text = textOf(listing);
  const ownKey = own?.trim().toLowerCase() ?? null;
  const found: string[] = [];
  for (const brand of known) {
    const key = brand.trim().toLowerCase();
    if (key.length < 2 || key === ownKey) continue;
    // The product's own brand may contain another ("Levi's" holds no other; "Tommy Hilfiger" holds "Tommy"?): skip brands inside it.
    if (ownKey && ownKey.includes(key)) continue;
    const word = `(?<![\\p{L}\\p{N}])${escape(brand.trim())}(?![\\p{L}\\p{N}])`;
    if (EVERYDAY.has(key)) {
      // As spelled, and not where any word would be capitalised (the start of the text or a sentence).
      const pattern = new RegExp(`(?<![.!?:•\\n]\\s*|^\\s*)${word}`, 'gu');
      if (pattern.test(text)) found.push(brand);
    } else if (new RegExp(word, 'iu').test(text)) {
      found.push(brand);
    }
  }
  return found;
}
