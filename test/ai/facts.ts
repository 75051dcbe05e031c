import type { ListingFacts } from '../../src/domain/ai/listing';

const CATEGORIES: Record<string, { en: string; fr: string }> = {
  'women-dresses': { en: 'Dresses', fr: 'Robes' },
  'women-jeans': { en: 'Jeans', fr: 'Jeans' },
  jeans: { en: 'Jeans', fr: 'Jeans' },
  'women-sneakers': { en: 'Sneakers', fr: 'Baskets' },
  sneakers: { en: 'Sneakers', fr: 'Baskets' },
  'women-heels': { en: 'Heels', fr: 'Escarpins' },
  'women-tank-tops': { en: 'Tank tops', fr: 'Débardeurs' },
  'women-coats': { en: 'Coats', fr: 'Manteaux' },
  'home-lighting': { en: 'Lighting', fr: 'Luminaires' },
  'women-handbags': { en: 'Handbags', fr: 'Sacs à main' },
  'women-t-shirts': { en: 'T-shirts', fr: 'T-shirts' },
};
const COLORS: Record<string, { en: string; fr: string }> = {
  black: { en: 'Black', fr: 'Noir' },
  white: { en: 'White', fr: 'Blanc' },
  navy: { en: 'Navy', fr: 'Bleu marine' },
  brown: { en: 'Brown', fr: 'Marron' },
  blue: { en: 'Blue', fr: 'Bleu' },
};
const CONDITIONS: Record<string, { en: string; fr: string }> = {
  new_with_tags: { en: 'New with tags', fr: 'Neuf avec étiquette' },
  new_without_tags: { en: 'New without tags', fr: 'Neuf sans étiquette' },
  like_new: { en: 'Like new', fr: 'Comme neuf' },
  very_good: { en: 'Very good', fr: 'Très bon état' },
  good: { en: 'Good', fr: 'Bon état' },
  fair: { en: 'Fair', fr: 'État satisfaisant' },
  for_parts: { en: 'For parts or repair', fr: 'Pour pièces ou à réparer' },
};
const GENDERS: Record<string, { en: string; fr: string }> = { women: { en: 'Women', fr: 'Femme' }, men: { en: 'Men', fr: 'Homme' } };

/** Facts as the handler builds them from the reference data, for a few categories and colours. */
export function facts(p: { category: string; brand?: string | null; size?: [code: string, label: string, system: string] | null; color?: string | null; gender?: string | null; condition: string; materials?: string[]; measurements?: string[]; defects?: string[] }): ListingFacts {
  return {
    category: { code: p.category, ...CATEGORIES[p.category]! },
    brand: p.brand ?? null,
    size: p.size ? { code: p.size[0], label: p.size[1], system: p.size[2] } : null,
    color: p.color ? { code: p.color, ...COLORS[p.color]! } : null,
    gender: p.gender ? { code: p.gender, ...GENDERS[p.gender]! } : null,
    condition: { code: p.condition, ...CONDITIONS[p.condition]! },
    materials: p.materials ?? [],
    measurements: p.measurements ?? [],
    defects: p.defects ?? [],
    images: 0,
  };
}
