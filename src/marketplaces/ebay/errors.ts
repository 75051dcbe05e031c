import type { MarketplaceProblem } from '../http';

/** eBay's REST error body: `{errors: [{errorId, domain, category, message, longMessage, parameters}]}`; OAuth's: `{error, error_description}`. */
export function ebayProblems(body: unknown): MarketplaceProblem[] {
  if (typeof body !== 'object' || body === null) return [];
  const b = body as { errors?: unknown; error?: unknown; error_description?: unknown };
  if (Array.isArray(b.errors)) {
    return b.errors.slice(0, 20).map((e: { errorId?: unknown; message?: unknown; longMessage?: unknown }) => ({
      id: String(e?.errorId ?? 'unknown'),
      message: String(e?.longMessage ?? e?.message ?? '').slice(0, 1000),
    }));
  }
  if (typeof b.error === 'string') return [{ id: b.error, message: String(b.error_description ?? '').slice(0, 1000) }];
  return [];
}
