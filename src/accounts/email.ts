import { z } from 'zod';

/** Emails are trimmed; uniqueness and sign-in compare them case-insensitively (`lower(email)`). */
export const emailSchema = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be a valid email address'));

/** The key the login limiter counts under: the same for `A@x.com ` and `a@x.com`. */
export function emailKey(email: unknown): string | undefined {
  return typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : undefined;
}
