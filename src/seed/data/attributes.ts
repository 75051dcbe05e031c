/**
 * Colours, sizes, genders and conditions. Slugs and codes are permanent identifiers that
 * products store: relabel freely, never rename. Array order is display order.
 */

export interface ColorSeed {
  slug: string;
  en: string;
  fr: string;
  hex: string | null;
}

// Close to the palettes the marketplaces offer, so most colours map one-to-one.
export const COLORS: readonly ColorSeed[] = [
  { slug: 'black', en: 'Black', fr: 'Noir', hex: '#000000' },
  { slug: 'white', en: 'White', fr: 'Blanc', hex: '#FFFFFF' },
  { slug: 'grey', en: 'Grey', fr: 'Gris', hex: '#919191' },
  { slug: 'cream', en: 'Cream', fr: 'Crème', hex: '#F8F8E1' },
  { slug: 'beige', en: 'Beige', fr: 'Beige', hex: '#F4E0C8' },
  { slug: 'camel', en: 'Camel', fr: 'Camel', hex: '#C19A6B' },
  { slug: 'brown', en: 'Brown', fr: 'Marron', hex: '#663300' },
  { slug: 'apricot', en: 'Apricot', fr: 'Abricot', hex: '#FFCC98' },
  { slug: 'orange', en: 'Orange', fr: 'Orange', hex: '#FFA500' },
  { slug: 'coral', en: 'Coral', fr: 'Corail', hex: '#FE7F5D' },
  { slug: 'red', en: 'Red', fr: 'Rouge', hex: '#CC3300' },
  { slug: 'burgundy', en: 'Burgundy', fr: 'Bordeaux', hex: '#AE2E3D' },
  { slug: 'pink', en: 'Pink', fr: 'Rose', hex: '#FF0080' },
  { slug: 'light-pink', en: 'Light pink', fr: 'Rose pâle', hex: '#FFCCCA' },
  { slug: 'purple', en: 'Purple', fr: 'Violet', hex: '#800080' },
  { slug: 'lilac', en: 'Lilac', fr: 'Lilas', hex: '#D297D2' },
  { slug: 'light-blue', en: 'Light blue', fr: 'Bleu clair', hex: '#89CFF0' },
  { slug: 'blue', en: 'Blue', fr: 'Bleu', hex: '#007BC4' },
  { slug: 'navy', en: 'Navy', fr: 'Bleu marine', hex: '#35358D' },
  { slug: 'turquoise', en: 'Turquoise', fr: 'Turquoise', hex: '#B7DEE8' },
  { slug: 'mint', en: 'Mint', fr: 'Menthe', hex: '#A2FFBC' },
  { slug: 'green', en: 'Green', fr: 'Vert', hex: '#369A3D' },
  { slug: 'dark-green', en: 'Dark green', fr: 'Vert foncé', hex: '#356639' },
  { slug: 'khaki', en: 'Khaki', fr: 'Kaki', hex: '#86814A' },
  { slug: 'mustard', en: 'Mustard', fr: 'Moutarde', hex: '#E5B539' },
  { slug: 'yellow', en: 'Yellow', fr: 'Jaune', hex: '#FFF200' },
  { slug: 'silver', en: 'Silver', fr: 'Argenté', hex: '#DDDDDD' },
  { slug: 'gold', en: 'Gold', fr: 'Doré', hex: '#BE9927' },
  // No single swatch exists for these two.
  { slug: 'multicolour', en: 'Multicolour', fr: 'Multicolore', hex: null },
  { slug: 'transparent', en: 'Transparent', fr: 'Transparent', hex: null },
];

export type SizeSystem = 'letter' | 'eu_clothing' | 'waist' | 'eu_shoe' | 'uk_shoe' | 'us_shoe' | 'kids_age' | 'one_size';

export interface SizeSeed {
  code: string;
  system: SizeSystem;
  label: string;
}

/** Size codes are lowercase and prefixed by system wherever numbers would otherwise collide. */
function numbered(system: SizeSystem, codePrefix: string, labelPrefix: string, from: number, to: number, step: number): SizeSeed[] {
  const sizes: SizeSeed[] = [];
  // Integer arithmetic on tenths keeps half sizes exact (38.5, not 38.49999).
  for (let tenths = Math.round(from * 10); tenths <= Math.round(to * 10); tenths += Math.round(step * 10)) {
    const value = String(tenths / 10);
    sizes.push({ code: `${codePrefix}${value}`, system, label: `${labelPrefix}${value}` });
  }
  return sizes;
}

const KIDS_AGES: readonly [code: string, label: string][] = [
  ['kids-newborn', 'Newborn'],
  ['kids-1m', '1 month'],
  ['kids-3m', '3 months'],
  ['kids-6m', '6 months'],
  ['kids-9m', '9 months'],
  ['kids-12m', '12 months'],
  ['kids-18m', '18 months'],
  ['kids-24m', '24 months'],
  ['kids-3y', '3 years'],
  ['kids-4y', '4 years'],
  ['kids-5y', '5 years'],
  ['kids-6y', '6 years'],
  ['kids-7y', '7 years'],
  ['kids-8y', '8 years'],
  ['kids-9y', '9 years'],
  ['kids-10y', '10 years'],
  ['kids-11y', '11 years'],
  ['kids-12y', '12 years'],
  ['kids-13y', '13 years'],
  ['kids-14y', '14 years'],
  ['kids-16y', '16 years'],
];

export const SIZES: readonly SizeSeed[] = [
  ...['xxs', 'xs', 's', 'm', 'l', 'xl', 'xxl', 'xxxl'].map((code): SizeSeed => ({ code, system: 'letter', label: code.toUpperCase() })),
  // French/EU dress sizes 32–56.
  ...numbered('eu_clothing', 'eu-', 'EU ', 32, 56, 2),
  // Jeans waist in inches, W24–W40.
  ...numbered('waist', 'w', 'W', 24, 40, 1),
  ...numbered('eu_shoe', 'eu-shoe-', 'EU ', 16, 48, 0.5),
  ...numbered('uk_shoe', 'uk-shoe-', 'UK ', 2, 13, 0.5),
  ...numbered('us_shoe', 'us-shoe-', 'US ', 4, 14, 0.5),
  ...KIDS_AGES.map(([code, label]): SizeSeed => ({ code, system: 'kids_age', label })),
  { code: 'one-size', system: 'one_size', label: 'One size' },
];

export interface GenderSeed {
  code: string;
  en: string;
  fr: string;
}

export const GENDERS: readonly GenderSeed[] = [
  { code: 'women', en: 'Women', fr: 'Femme' },
  { code: 'men', en: 'Men', fr: 'Homme' },
  { code: 'unisex', en: 'Unisex', fr: 'Mixte' },
  { code: 'girls', en: 'Girls', fr: 'Fille' },
  { code: 'boys', en: 'Boys', fr: 'Garçon' },
];

export interface ConditionSeed {
  code: string;
  en: string;
  fr: string;
  description: string;
}

// Best first: the order is the grading scale.
export const CONDITIONS: readonly ConditionSeed[] = [
  {
    code: 'new_with_tags',
    en: 'New with tags',
    fr: 'Neuf avec étiquette',
    description: 'Brand new and unworn, with the original tags or packaging still attached.',
  },
  {
    code: 'new_without_tags',
    en: 'New without tags',
    fr: 'Neuf sans étiquette',
    description: 'Brand new and unworn, but the tags or original packaging are missing.',
  },
  {
    code: 'new_with_defects',
    en: 'New with defects',
    fr: 'Neuf avec défauts',
    description: 'Never worn or used, with a manufacturing flaw or shop-soiling that is shown in the photos.',
  },
  {
    code: 'like_new',
    en: 'Like new',
    fr: 'Comme neuf',
    description: 'Worn or used once or twice, with no visible signs of wear.',
  },
  {
    code: 'very_good',
    en: 'Very good',
    fr: 'Très bon état',
    description: 'Lightly used, with minor signs of wear and no notable flaws.',
  },
  {
    code: 'good',
    en: 'Good',
    fr: 'Bon état',
    description: 'Used, with visible signs of wear such as light fading or pilling; any flaw is described.',
  },
  {
    code: 'fair',
    en: 'Fair',
    fr: 'État satisfaisant',
    description: 'Well used, with clear signs of wear or small defects that are described and shown.',
  },
  {
    code: 'for_parts',
    en: 'For parts or repair',
    fr: 'Pour pièces ou à réparer',
    description: 'Damaged or not working; sold for repair, upcycling or spare parts.',
  },
];
