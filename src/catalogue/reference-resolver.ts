/*
 * Turns reference values as a seller writes them — a code or a label, any case, with stray
 * spaces (`M`, `EU 38`, `eu-38`, `Black`, `T-Shirts`, `Very good`) — into the codes products
 * store, and says which values match nothing, with the closest codes for a "did you mean".
 *
 * The shared lists are small (a few hundred rows) and change only with a migration or a seed, so
 * they are held in memory and reloaded at most every minute; a tenant's own brands are looked up
 * per request, and only when the shared list lacks the brand.
 */
import type { ReferenceFacts } from '../domain/product/decider';
import type { Connections, Queryable } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import { perTenant, type TenantPools } from '../infra/db/tenant-pools';
import { REFERENCE_FIELDS, type ReferenceField } from '../shared/product-fields';

type Values = Partial<Record<ReferenceField, string | null>>;

export interface Resolution {
  values: Values;
  facts: ReferenceFacts;
}

/** One kind of reference: its codes, and the labels that also name them. */
interface Vocabulary {
  byCode: Map<string, string>;
  byLabel: Map<string, string[]>;
  /** Every key a value may be compared with, and the code it stands for (for suggestions). */
  keys: { key: string; code: string }[];
}

interface Lists {
  vocabularies: Record<ReferenceField, Vocabulary>;
  leaves: Set<string>;
  loadedAt: number;
}

/**
 * The comparison key of a value: no accents, lower case, spaces, `_` and `-` alike, and the
 * apostrophes phones type (’ ‘ ʼ) the same as the keyboard's ' (Levi’s is Levi's).
 */
export function referenceKey(value: string): string {
  return value
    .replace(/[\u2018\u2019\u02bc\u2032]/g, "'")
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-');
}

function vocabulary(rows: { code: string; labels: (string | null)[] }[]): Vocabulary {
  const v: Vocabulary = { byCode: new Map(), byLabel: new Map(), keys: [] };
  for (const row of rows) {
    v.byCode.set(referenceKey(row.code), row.code);
    v.keys.push({ key: referenceKey(row.code), code: row.code });
    for (const label of new Set(row.labels.filter((l): l is string => l !== null).map(referenceKey))) {
      v.byLabel.set(label, [...(v.byLabel.get(label) ?? []), row.code]);
      v.keys.push({ key: label, code: row.code });
    }
  }
  return v;
}

/** A code wins over a label; a label counts only when it names exactly one code. */
function lookUp(v: Vocabulary, value: string): string | null {
  const key = referenceKey(value);
  const byCode = v.byCode.get(key);
  if (byCode !== undefined) return byCode;
  const byLabel = v.byLabel.get(key);
  return byLabel?.length === 1 ? byLabel[0]! : null;
}

/** Levenshtein distance, bounded: anything beyond `max` is `max + 1`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, current[j]!);
    }
    if (best > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/** Up to three codes closest to what was typed: the same start, or a few letters apart. */
export function closestCodes(v: Vocabulary, value: string, limit = 3): string[] {
  const key = referenceKey(value);
  if (key === '') return [];
  const max = Math.max(2, Math.floor(key.length / 3));
  const scored = new Map<string, number>();
  for (const candidate of v.keys) {
    const d = candidate.key.startsWith(key) || key.startsWith(candidate.key) ? 0.5 : distance(key, candidate.key, max);
    if (d <= max && d < (scored.get(candidate.code) ?? Infinity)) scored.set(candidate.code, d);
  }
  // An ambiguous label suggests every code it names.
  for (const code of v.byLabel.get(key) ?? []) scored.set(code, 0);
  return [...scored].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, limit).map(([code]) => code);
}

async function loadLists(db: Queryable): Promise<Lists> {
  const [categories, brands, sizes, colors, genders, conditions] = await Promise.all([
    db.query<{ slug: string; label_en: string; label_fr: string; is_leaf: boolean }>('select slug, label_en, label_fr, is_leaf from public.categories'),
    db.query<{ name: string }>('select name from public.brands'),
    db.query<{ code: string; label: string }>('select code, label from public.sizes'),
    db.query<{ slug: string; label_en: string; label_fr: string }>('select slug, label_en, label_fr from public.colors'),
    db.query<{ code: string; label_en: string; label_fr: string }>('select code, label_en, label_fr from public.genders'),
    db.query<{ code: string; label_en: string; label_fr: string }>('select code, label_en, label_fr from public.conditions'),
  ]);
  return {
    vocabularies: {
      category: vocabulary(categories.rows.map((r) => ({ code: r.slug, labels: [r.label_en, r.label_fr] }))),
      brand: vocabulary(brands.rows.map((r) => ({ code: r.name, labels: [] }))),
      size: vocabulary(sizes.rows.map((r) => ({ code: r.code, labels: [r.label] }))),
      color: vocabulary(colors.rows.map((r) => ({ code: r.slug, labels: [r.label_en, r.label_fr] }))),
      gender: vocabulary(genders.rows.map((r) => ({ code: r.code, labels: [r.label_en, r.label_fr] }))),
      condition: vocabulary(conditions.rows.map((r) => ({ code: r.code, labels: [r.label_en, r.label_fr] }))),
    },
    leaves: new Set(categories.rows.filter((r) => r.is_leaf).map((r) => r.slug)),
    loadedAt: Date.now(),
  };
}

export interface ReferenceResolver {
  resolve(tenant: number, values: Values): Promise<Resolution>;
  /** The shared list's spelling of a brand (any case), or null. */
  sharedBrand(name: string): Promise<string | null>;
}

/** `db`: the shared lists are read on any connection, a tenant's brands on its own. */
export function createReferenceResolver(db: Connections | TenantPools, tenancy: Tenancy, options: { maxAgeMs?: number } = {}): ReferenceResolver {
  const tenants = perTenant(db);
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  let lists: Promise<Lists> | null = null;

  function current(): Promise<Lists> {
    if (lists === null) {
      lists = loadLists(db);
      lists.catch(() => (lists = null)); // a failed load is tried again by the next request
    }
    return lists.then((l) => {
      if (Date.now() - l.loadedAt > maxAgeMs) lists = null;
      return l;
    });
  }

  async function customBrand(tenant: number, name: string): Promise<string | null> {
    const { rows } = await tenants.of(tenant).query<{ name: string }>(`select name from ${tenancy.table(tenant, 'custom_brands')} where lower(name) = lower($1)`, [name.trim()]);
    return rows[0]?.name ?? null;
  }

  return {
    async resolve(tenant, input) {
      const given = REFERENCE_FIELDS.filter((f) => typeof input[f] === 'string');
      const result: Resolution = { values: {}, facts: {} };
      if (given.length === 0) return result;
      const { vocabularies, leaves } = await current();
      const suggestions: Partial<Record<ReferenceField, readonly string[]>> = {};
      for (const field of given) {
        const typed = input[field] as string;
        let code = lookUp(vocabularies[field], typed);
        if (code === null && field === 'brand') code = await customBrand(tenant, typed);
        result.values[field] = code ?? typed;
        if (code === null) suggestions[field] = closestCodes(vocabularies[field], typed);
        if (field === 'category') result.facts.category = code === null ? 'unknown' : leaves.has(code) ? 'leaf' : 'branch';
        else if (field === 'brand') result.facts.brand = code;
        else result.facts[field] = code !== null;
      }
      if (Object.keys(suggestions).length > 0) result.facts.suggestions = suggestions;
      return result;
    },
    async sharedBrand(name) {
      return lookUp((await current()).vocabularies.brand, name);
    },
  };
}
