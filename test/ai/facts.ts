import type { ListingFacts } from '../../src/domain/ai/listing';

import { CATEGORY_TREE, type CategorySeed } from '../../src/seed/data/categories';
import { COLORS as COLOR_SEEDS, CONDITIONS as CONDITION_SEEDS, GENDERS as GENDER_SEEDS } from '../../src/seed/data/attributes';

type Labels = Record<string, { en: string; fr: string }>;
const byKey = (rows: readonly ({ en: string; fr: string } & ({ slug: string } | { code: string }))[]): Labels =>
  Object.fromEntries(rows.map((r) => ['slug' in r ? r.slug : r.code, { en: r.en, fr: r.fr }]));

/** Every leaf category of the shared tree, with its labels, as the reference data holds them. */
export const LEAF_CATEGORIES: Labels = {};
const walk = (nodes: readonly CategorySeed[]): void => {
  for (const n of nodes) {
    if (n.children?.length) walk(n.children);
    else LEAF_CATEGORIES[n.slug] = { en: n.en, fr: n.fr };
  }
};
walk(CATEGORY_TREE);
const COLORS = byKey(COLOR_SEEDS);
const CONDITIONS = byKey(CONDITION_SEEDS);
const GENDERS = byKey(GENDER_SEEDS);

/** Facts as the handler builds them from the reference data. */
export function facts(p: { category: string; brand?: string | null; size?: [code: string, label: string, system: string] | null; color?: string | null; gender?: string | null; condition: string; materials?: string[]; measurements?: string[]; defects?: string[] }): ListingFacts {
  return {
    category: { code: p.category, ...LEAF_CATEGORIES[p.category]! },
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
