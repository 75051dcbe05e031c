/*
 * A product's facts with their labels, as the template and the prompt use them: codes looked up
 * in the seeded reference data (categories, colours, genders, conditions, sizes), which is the
 * same data the catalogue serves.
 */
import type { ListingFacts, Labelled } from '../../domain/ai/listing';
import type { Product } from '../../domain/product/decider';
import { CATEGORY_TREE, type CategorySeed } from '../../seed/data/categories';
import { COLORS, CONDITIONS, GENDERS, SIZES } from '../../seed/data/attributes';

function flatten(nodes: readonly CategorySeed[], into = new Map<string, Labelled>()): Map<string, Labelled> {
  for (const node of nodes) {
    into.set(node.slug, { code: node.slug, en: node.en, fr: node.fr });
    if (node.children) flatten(node.children, into);
  }
  return into;
}

const CATEGORIES = flatten(CATEGORY_TREE);
const byCode = <T extends { en: string; fr: string }>(list: readonly T[], key: (t: T) => string) => new Map(list.map((t) => [key(t), { code: key(t), en: t.en, fr: t.fr }]));
const COLOR_LABELS = byCode(COLORS, (c) => c.slug);
const CONDITION_LABELS = byCode(CONDITIONS, (c) => c.code);
const GENDER_LABELS = byCode(GENDERS, (g) => g.code);
const SIZE_LABELS = new Map(SIZES.map((s) => [s.code, { code: s.code, label: s.label, system: s.system }]));

const asIs = (code: string): Labelled => ({ code, en: code.replace(/[-_]/g, ' '), fr: code.replace(/[-_]/g, ' ') });

export interface ExtraFacts {
  materials?: string[];
  measurements?: string[];
  defects?: string[];
}

export function listingFacts(product: Product, extra: ExtraFacts = {}): ListingFacts {
  const d = product.details;
  return {
    category: CATEGORIES.get(d.category) ?? asIs(d.category),
    brand: d.brand ?? null,
    size: d.size ? SIZE_LABELS.get(d.size) ?? { code: d.size, label: d.size.toUpperCase(), system: 'letter' } : null,
    color: d.color ? COLOR_LABELS.get(d.color) ?? asIs(d.color) : null,
    gender: d.gender ? GENDER_LABELS.get(d.gender) ?? asIs(d.gender) : null,
    condition: CONDITION_LABELS.get(d.condition) ?? asIs(d.condition),
    materials: extra.materials ?? [],
    measurements: extra.measurements ?? [],
    defects: extra.defects ?? [],
    images: product.images.length,
  };
}
