/*
 * What a model is asked: a system message with the rules (the language, the tone, the length,
 * the marketplace's limits, and never a claim the facts do not support), the facts as JSON, and
 * the answer's schema (title, description, tags, bullet points), which is also the check of what
 * comes back.
 */
import { z } from 'zod';
import { limitsFor } from '../../domain/ai/limits';
import type { ListingFacts, ListingOptions } from '../../domain/ai/listing';

export const aiListingSchema = z.object({
  title: z.string().trim().min(1).max(400),
  description: z.string().trim().min(1).max(20_000),
  tags: z.array(z.string().trim().min(1).max(100)).max(50),
  bullet_points: z.array(z.string().trim().min(1).max(300)).max(20),
});

export const PROMPT_VERSION = 'listing-v1';

const LANGUAGE_NAMES = { fr: 'French', en: 'English', de: 'German', es: 'Spanish', it: 'Italian', nl: 'Dutch' } as const;
const TONES = {
  neutral: 'plain and factual',
  friendly: 'warm and friendly, addressing the buyer directly',
  luxury: 'refined and elegant, as a premium boutique would write',
  vintage: 'evocative of vintage and second-hand charm, without claiming an age or era the facts do not give',
} as const;
const LENGTHS = { short: 'two or three sentences', standard: 'one paragraph of four to six sentences', long: 'two or three paragraphs' } as const;

export function systemPrompt(facts: ListingFacts, options: ListingOptions, photos: number): string {
  const limits = limitsFor(options.marketplace);
  return [
    'You write listings for second-hand items sold by resellers on online marketplaces.',
    `Write in ${LANGUAGE_NAMES[options.language]}. Tone: ${TONES[options.tone]}. Description length: ${LENGTHS[options.length]}.`,
    options.marketplace ? `The listing is for ${options.marketplace}.` : '',
    `The title has at most ${limits.title} characters; the description at most ${limits.description}; give at most ${limits.tags} tags of at most ${limits.tagLength} characters each, and up to 6 short bullet points of facts.`,
    'Use only the facts given (and what the photos plainly show, if any). Never invent a material, a measurement, a size, a defect, an age, an origin, authenticity or a history. If a fact is missing, leave it out rather than guess.',
    facts.brand ? `The brand is ${facts.brand}: never name any other brand, not even as a comparison.` : 'The item has no known brand: never name a brand.',
    'State the condition honestly as given. No prices, no shipping promises, no contact details, no links, no emojis.',
    photos > 0 ? `${photos} photo(s) of the item are attached.` : '',
    'Answer with JSON only, matching the schema.',
  ]
    .filter(Boolean)
    .join('\n');
}

export function userPrompt(facts: ListingFacts, title: string): string {
  const lang = (l: { en: string; fr: string } | null) => (l ? { en: l.en, fr: l.fr } : null);
  return JSON.stringify({
    current_title: title,
    category: lang(facts.category),
    brand: facts.brand,
    size: facts.size?.label ?? null,
    colour: lang(facts.color),
    gender: lang(facts.gender),
    condition: lang(facts.condition),
    materials: facts.materials,
    measurements: facts.measurements,
    defects: facts.defects,
  });
}
