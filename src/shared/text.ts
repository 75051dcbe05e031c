/*
 * Text Stoflow can store. A JavaScript string may hold NUL characters and unpaired surrogates
 * (`"\u0000"`, `"\ud800"` in JSON), but PostgreSQL stores neither: text columns refuse NUL and
 * jsonb refuses both, so such text would fail the write (a 500) rather than be refused. Every
 * text a client sends (request bodies, queries and paths) goes through `unstorableText` first, so
 * it is refused as a field problem before anything is written. What a marketplace reports
 * (its answers, its webhooks, the extension's observations of Vinted) cannot be refused, since a
 * sale must be recorded whatever its text, nor can an AI model's listing: `withStorableText`
 * cleans them as they are read (src/marketplaces/http.ts, the routes marked `unstorableText:
 * 'clean'`, src/commands/ai/generate-description.ts).
 */
import type { FieldProblem } from './errors';

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

// With the u flag a lone surrogate is a code point of category Cs; a well-formed pair is not.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /[\u0000\p{Cs}]/u;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

// eslint-disable-next-line no-control-regex -- as above
const UNSTORABLE_ALL = /[\u0000\p{Cs}]/gu;

/** The text with each NUL and unpaired surrogate replaced by U+FFFD, as a decoder marks what it cannot read. */
export function storableText(text: string): string {
  return isStorableText(text) ? text : text.replace(UNSTORABLE_ALL, '\uFFFD');
}

/** A JSON.parse reviver: every string of the parsed value, object keys included, made storable. */
export function withStorableText(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => !isStorableText(k))) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), v]));
  }
  return value;
}

interface Pending {
  value: unknown;
  key?: string;
  parent?: Pending;
}

function pathOf(node: Pending, root: string): string {
  const keys: string[] = [];
  for (let at: Pending | undefined = node; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.length > 0 ? keys.reverse().join('.') : root;
}

/**
 * The field problems of every string in `value` (object keys included) that PostgreSQL cannot
 * store, named by their dotted path (`title`, `image_ids.1`), or `root` for the value itself.
 * Walks without recursion: a deeply nested JSON body cannot exhaust the stack.
 */
export function unstorableText(value: unknown, root: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: Pending[] = [{ value }];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    const current = node.value;
    if (typeof current === 'string') {
      if (!isStorableText(current)) problems.push({ field: pathOf(node, root), message: UNSTORABLE_TEXT_MESSAGE });
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      // Pushed last to first, so problems come out in the order of the input.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i]!;
        if (isStorableText(key)) pending.push({ value: item, key, parent: node });
        else problems.push({ field: pathOf(node, root), message: `has a key that ${UNSTORABLE_TEXT_MESSAGE}` });
      }
    }
  }
  return problems;
}
