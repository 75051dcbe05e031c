/*
 * What an AI description is written from and what it produces, as the domain sees them: the
 * product's facts with their labels already looked up (no I/O here), the seller's options, and
 * the listing text. The template generator, the limits and the brand check all work on these.
 */

export const AI_LANGUAGES = ['fr', 'en', 'de', 'es', 'it', 'nl'] as const;
export type AiLanguage = (typeof AI_LANGUAGES)[number];
export const AI_TONES = ['neutral', 'friendly', 'luxury', 'vintage'] as const;
export type AiTone = (typeof AI_TONES)[number];
export const AI_LENGTHS = ['short', 'standard', 'long'] as const;
export type AiLength = (typeof AI_LENGTHS)[number];
export const AI_MARKETPLACES = ['ebay', 'etsy', 'vinted'] as const;
export type AiMarketplace = (typeof AI_MARKETPLACES)[number];

export interface Labelled {
  code: string;
  en: string;
  fr: string;
}

/** The product's facts, each as stored and as labelled in the reference data. */
export interface ListingFacts {
  /** The leaf category: its slug and its labels (the labels are plural, as the catalogue lists them). */
  category: Labelled;
  brand: string | null;
  /** The size's code, label and system (letter, eu_shoe, kids_age…). */
  size: { code: string; label: string; system: string } | null;
  color: Labelled | null;
  gender: Labelled | null;
  condition: Labelled;
  materials: readonly string[];
  measurements: readonly string[];
  defects: readonly string[];
  /** How many photos the product has. */
  images: number;
}

export interface ListingOptions {
  language: AiLanguage;
  tone: AiTone;
  length: AiLength;
  marketplace: AiMarketplace | null;
}

export interface GeneratedListing {
  title: string;
  description: string;
  tags: string[];
  bullet_points: string[];
}
