/*
 * The built-in description writer, used when no AI provider is configured: a listing written
 * from the product's facts alone, in French or English, and in German, Spanish, Italian or Dutch
 * for the common clothing, shoes and bags (languages.ts); anything else in those four languages
 * is written in English, and the answer says so. Pure: the same facts and options always give the same text, and nothing is said
 * that the facts do not support — no invented material, measurement or flaw.
 */
import { agree, categoryNoun, frenchColour, type CategoryNoun, type Gender } from './french';
import { packListing, packNoun, type PackLanguage } from './languages';
import type { AiLanguage, GeneratedListing, ListingFacts, ListingOptions } from './listing';

export const TEMPLATE_MODEL = 'template-v1';

/** The language the template writes a product in: the one asked, or English where it lacks the category's words. */
export function templateLanguage(language: AiLanguage, facts: ListingFacts): AiLanguage {
  if (language === 'fr' || language === 'en') return language;
  return packNoun(language, facts.category.code) ? language : 'en';
}

const capitalise = (s: string) => (s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1));
const sentence = (parts: (string | null | false | undefined)[]) => parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '').join(' ');
const SHOE_SYSTEMS = new Set(['eu_shoe', 'uk_shoe', 'us_shoe']);

interface Noun {
  /** Singular (or the plural of pairs), lower case except proper spellings (T-shirt). */
  text: string;
  g: Gender;
  plural: boolean;
  worn: boolean;
}

/** Without a noun of its own, a category is named by its label, treated as a plural ("Débardeurs" → "débardeurs"). */
function nounOf(facts: ListingFacts, lang: 'fr' | 'en'): Noun {
  const known: CategoryNoun | null = categoryNoun(facts.category.code);
  if (known) return { text: lang === 'fr' ? known.fr : known.en, g: known.g, plural: lang === 'fr' ? known.pl === true : known.enPlural === true, worn: known.worn === true };
  const label = (lang === 'fr' ? facts.category.fr : facts.category.en).split(' & ')[0]!;
  return { text: label.toLowerCase(), g: 'm', plural: true, worn: /^(women|men|girls|boys|baby)-|^(t-shirts|jeans|shirts|coats|jackets)$/.test(facts.category.code) };
}

function frenchSize(facts: ListingFacts): string | null {
  const size = facts.size;
  if (!size) return null;
  if (size.system === 'one_size') return 'taille unique';
  if (size.system === 'kids_age') {
    const label = size.label.replace(/^Newborn$/, 'naissance').replace(/ months?$/, ' mois').replace(/ years?$/, ' ans');
    return `taille ${label}`;
  }
  return `${SHOE_SYSTEMS.has(size.system) ? 'pointure' : 'taille'} ${size.label}`;
}

function englishSize(facts: ListingFacts): string | null {
  const size = facts.size;
  if (!size) return null;
  if (size.system === 'one_size') return 'one size';
  return `size ${size.label}`;
}

const FR_GENDER: Record<string, string> = { women: 'pour femme', men: 'pour homme', unisex: 'mixte', girls: 'pour fille', boys: 'pour garçon' };
const EN_GENDER: Record<string, string> = { women: "women's", men: "men's", unisex: 'unisex', girls: "girls'", boys: "boys'" };

function frenchCondition(code: string, n: Noun): string {
  const neuf = agree('neuf', n.g, n.plural);
  const never = `jamais ${agree(n.worn ? 'porté' : 'utilisé', n.g, n.plural)}`;
  switch (code) {
    case 'new_with_tags':
      return `${capitalise(neuf)} avec étiquette, ${never}.`;
    case 'new_without_tags':
      return `${capitalise(neuf)} sans étiquette, ${never}.`;
    case 'new_with_defects':
      return `${capitalise(neuf)} et ${never}, avec un petit défaut.`;
    case 'like_new':
      return `Comme ${neuf} : ${agree(n.worn ? 'porté' : 'utilisé', n.g, n.plural)} une ou deux fois, sans trace d'usure visible.`;
    case 'very_good':
      return "En très bon état : de légers signes d'usure, aucun défaut notable.";
    case 'good':
      return "En bon état, avec des signes d'usure visibles.";
    case 'fair':
      return "En état correct, avec des signes d'usure marqués.";
    case 'for_parts':
      return `${capitalise(agree('vendu', n.g, n.plural))} pour pièces ou à réparer.`;
    default:
      return `État : ${code.replace(/_/g, ' ')}.`;
  }
}

function englishCondition(code: string, n: Noun): string {
  const never = n.worn ? 'never worn' : 'never used';
  switch (code) {
    case 'new_with_tags':
      return `New with tags, ${never}.`;
    case 'new_without_tags':
      return `New without tags, ${never}.`;
    case 'new_with_defects':
      return `New and ${never}, with a small defect.`;
    case 'like_new':
      return `Like new: ${n.worn ? 'worn' : 'used'} once or twice, with no visible signs of wear.`;
    case 'very_good':
      return 'In very good condition: light signs of wear and no notable flaws.';
    case 'good':
      return 'In good condition, with visible signs of wear.';
    case 'fair':
      return 'In fair condition, with clear signs of wear.';
    case 'for_parts':
      return 'Sold for parts or repair.';
    default:
      return `Condition: ${code.replace(/_/g, ' ')}.`;
  }
}

/** The short condition words of a title: "neuve avec étiquette", "new with tags"; none for used grades. */
function titleCondition(code: string, lang: 'fr' | 'en', n: Noun): string | null {
  if (code === 'new_with_tags') return lang === 'fr' ? `${agree('neuf', n.g, n.plural)} avec étiquette` : 'new with tags';
  if (code === 'new_without_tags') return lang === 'fr' ? agree('neuf', n.g, n.plural) : 'new';
  return null;
}

const NEW = new Set(['new_with_tags', 'new_without_tags', 'new_with_defects']);

function closing(options: ListingOptions, lang: 'fr' | 'en', facts: ListingFacts): string | null {
  switch (options.tone) {
    case 'friendly':
      return lang === 'fr' ? "N'hésitez pas à me poser vos questions !" : 'Feel free to ask me any questions!';
    case 'luxury':
      return lang === 'fr' ? 'Je reste à votre disposition pour toute question.' : 'I am happy to answer any question.';
    case 'vintage':
      if (NEW.has(facts.condition.code)) return null;
      return lang === 'fr' ? 'Une pièce de seconde main, pour une mode plus durable.' : 'A pre-loved piece, for a more sustainable wardrobe.';
    default:
      return null;
  }
}

function french(facts: ListingFacts, options: ListingOptions): GeneratedListing {
  const n = nounOf(facts, 'fr');
  const colour = facts.color ? frenchColour(facts.color.code, facts.color.fr, n.g, n.plural) : null;
  const size = frenchSize(facts);
  const gender = facts.gender ? FR_GENDER[facts.gender.code] ?? null : null;
  const head = capitalise(sentence([n.text, colour, facts.brand]));
  const title = sentence([head, size, titleCondition(facts.condition.code, 'fr', n) && `– ${titleCondition(facts.condition.code, 'fr', n)}`]);
  const identity = `${sentence([head, gender])}${size ? `, ${size}` : ''}.`;
  const lines = [identity, frenchCondition(facts.condition.code, n)];
  if (options.length !== 'short') {
    if (facts.materials.length > 0) lines.push(`Matière : ${facts.materials.join(', ')}.`);
    if (facts.measurements.length > 0) lines.push(`Mesures : ${facts.measurements.join(', ')}.`);
    if (facts.defects.length > 0) lines.push(`À noter : ${facts.defects.join(', ')}.`);
  }
  const bullets = [
    facts.brand && `Marque : ${facts.brand}`,
    size && `${capitalise(size.split(' ')[0]!)} : ${size.split(' ').slice(1).join(' ')}`,
    colour && `Couleur : ${facts.color!.fr.toLowerCase()}`,
    `État : ${facts.condition.fr.toLowerCase().replace(/\s*état\s*/, ' ').trim()}`,
    facts.materials.length > 0 && `Matière : ${facts.materials.join(', ')}`,
  ].filter((b): b is string => typeof b === 'string');
  const paragraphs = [lines.join(' ')];
  if (options.length === 'long') paragraphs.push(bullets.map((b) => `• ${b}`).join('\n'));
  const end = options.length === 'short' ? null : closing(options, 'fr', facts);
  if (end) paragraphs.push(end);
  const tags = [n.text, facts.color?.fr.toLowerCase(), facts.brand?.toLowerCase(), gender && FR_GENDER[facts.gender!.code]!.replace(/^pour /, ''), facts.category.fr.toLowerCase().split(' & ')[0]];
  return { title, description: paragraphs.join('\n\n'), tags: uniqueTags(tags), bullet_points: bullets };
}

function english(facts: ListingFacts, options: ListingOptions): GeneratedListing {
  const n = nounOf(facts, 'en');
  const colour = facts.color ? facts.color.en.toLowerCase() : null;
  const size = englishSize(facts);
  const gender = facts.gender ? EN_GENDER[facts.gender.code] ?? null : null;
  const titleHead = sentence([facts.brand, gender, colour, n.text]);
  const condition = titleCondition(facts.condition.code, 'en', n);
  const title = capitalise(sentence([titleHead, size && `– ${size}`, condition && `– ${condition}`]));
  const identity = `${capitalise(sentence([colour, facts.brand, n.text]))}${gender ? ` (${gender})` : ''}${size ? `, ${size}` : ''}.`;
  const lines = [identity, englishCondition(facts.condition.code, n)];
  if (options.length !== 'short') {
    if (facts.materials.length > 0) lines.push(`Material: ${facts.materials.join(', ')}.`);
    if (facts.measurements.length > 0) lines.push(`Measurements: ${facts.measurements.join(', ')}.`);
    if (facts.defects.length > 0) lines.push(`Please note: ${facts.defects.join(', ')}.`);
  }
  const bullets = [
    facts.brand && `Brand: ${facts.brand}`,
    size && `Size: ${size.replace(/^size /, '')}`,
    colour && `Colour: ${colour}`,
    `Condition: ${facts.condition.en.toLowerCase()}`,
    facts.materials.length > 0 && `Material: ${facts.materials.join(', ')}`,
  ].filter((b): b is string => typeof b === 'string');
  const paragraphs = [lines.join(' ')];
  if (options.length === 'long') paragraphs.push(bullets.map((b) => `• ${b}`).join('\n'));
  const end = options.length === 'short' ? null : closing(options, 'en', facts);
  if (end) paragraphs.push(end);
  const tags = [n.text.toLowerCase(), colour, facts.brand?.toLowerCase(), facts.gender?.en.toLowerCase(), facts.category.en.toLowerCase().split(' & ')[0]];
  return { title, description: paragraphs.join('\n\n'), tags: uniqueTags(tags), bullet_points: bullets };
}

function uniqueTags(tags: (string | null | undefined | false)[]): string[] {
  const seen = new Set<string>();
  return tags.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim().toLowerCase()).filter((t) => !seen.has(t) && seen.add(t));
}

/** The listing the template writes, in `templateLanguage(options.language, facts)`. */
export function templateListing(facts: ListingFacts, options: ListingOptions): GeneratedListing {
  const language = templateLanguage(options.language, facts);
  if (language === 'fr') return french(facts, options);
  if (language === 'en') return english(facts, options);
  return packListing(language as PackLanguage, facts, options) ?? english(facts, options);
}
