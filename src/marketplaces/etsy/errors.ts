import type { MarketplaceProblem } from '../http';

/**
 * Etsy's error bodies: the Open API's `{error}` (a sentence, such as "User does not own Shop 1"),
 * and OAuth's `{error, error_description}` (the token endpoint, and invalid_token or
 * insufficient_scope on API calls). OAuth errors keep their code as the id; a plain `{error}` has
 * none, so the HTTP status stands for it.
 */
export function etsyProblems(body: unknown, status: number): MarketplaceProblem[] {
  if (typeof body !== 'object' || body === null) return [];
  const b = body as { error?: unknown; error_description?: unknown };
  if (typeof b.error !== 'string') return [];
  if (typeof b.error_description === 'string') return [{ id: b.error, message: b.error_description.slice(0, 1000) }];
  return [{ id: String(status), message: b.error.slice(0, 1000) }];
}
