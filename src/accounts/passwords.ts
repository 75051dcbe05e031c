import { createHmac } from 'node:crypto';
import bcrypt from 'bcrypt';
import { COMMON_PASSWORDS } from './common-passwords';

export const BCRYPT_COST = 12;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * A bcrypt hash (cost 12) of 32 random bytes nobody kept. Unknown emails are compared against it,
 * so a login costs one bcrypt compare whether or not the account exists.
 */
export const DUMMY_PASSWORD_HASH = '$2b$12$Oa76xkhzuS0pPJcjbQ3hq.D5EvcWoi4HlfnDVPRbAKBvcPkQkJdKu';

/** The same password typed on two keyboards (composed or decomposed accents) is the same password. */
function normalize(password: string): string {
  return password.normalize('NFKC');
}

/** Characters as a person counts them (code points), not UTF-16 units or bytes. */
function characterCount(text: string): number {
  return [...text].length;
}

/** Every rule the password breaks, as messages for the `password` field; empty when it is fine. */
export function passwordProblems(password: string): string[] {
  const normalized = normalize(password);
  const length = characterCount(normalized);
  const problems: string[] = [];
  if (length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (!/\p{L}/u.test(normalized)) problems.push('must contain at least one letter');
  if (!/\p{Nd}/u.test(normalized)) problems.push('must contain at least one digit');
  if (COMMON_PASSWORDS.has(normalized.toLowerCase())) problems.push('is one of the most common passwords');
  return problems;
}

/**
 * bcrypt reads at most 72 bytes and stops at a NUL byte: 128 characters of UTF-8 can be 512 bytes,
 * so two long passwords sharing their first 72 bytes would be the same password. HMAC-SHA-256
 * with the server's pepper maps any password to 44 base64 characters (never a NUL, always under
 * 72 bytes) first; a stolen database without the pepper is also useless for offline guessing.
 */
export function preHash(password: string, pepper: string): string {
  return createHmac('sha256', pepper).update(normalize(password), 'utf8').digest('base64');
}

/** bcrypt's async API runs on the libuv pool: hashing never blocks the event loop. */
export function hashPassword(password: string, pepper: string): Promise<string> {
  return bcrypt.hash(preHash(password, pepper), BCRYPT_COST);
}

export function verifyPassword(password: string, hash: string, pepper: string): Promise<boolean> {
  return bcrypt.compare(preHash(password, pepper), hash);
}
