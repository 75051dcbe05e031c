import { createHmac } from 'node:crypto';
import bcrypt from 'bcrypt';
import { boundedConcurrency, type GateStats } from '../shared/bounded-concurrency';
import { UnavailableError } from '../shared/errors';
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

/** Hashing and checking passwords through one bounded gate per API process (see below). */
export interface PasswordHashing {
  hash(password: string): Promise<string>;
  /**
   * `caller` (the account signing in) lets one refused for a busy server keep its turn: coming
   * back once its Retry-After has passed, it waits ahead of first attempts.
   */
  verify(password: string, hash: string, caller?: string): Promise<boolean>;
  /**
   * Throws the "busy" refusal `verify` would throw for this caller now, keeping its turn the same
   * way; otherwise nothing. Asked first, it refuses a flood before any other work is done for it
   * (rate-limit counters, the account's lookup): a refusal then costs next to nothing.
   */
  refuseIfFull(caller?: string): void;
  stats(): GateStats;
}

export interface PasswordHashingLimits {
  /** bcrypt computations at once (PASSWORD_HASH_CONCURRENCY). */
  concurrency: number;
  /** Computations allowed to wait for a free slot (PASSWORD_HASH_QUEUE). */
  queue: number;
}

/** How long a refused caller is told to wait: the queue drains in about a second. */
export const HASHING_BUSY_RETRY_AFTER_SECONDS = 1;

/** How long after its Retry-After a refused caller keeps its turn. */
const TURN_KEPT_MS = 30_000;
/** Callers owed a turn, at most (the oldest go first): a flood of addresses cannot grow it. */
const TURNS_KEPT = 10_000;

/**
 * Every bcrypt compare (login, including the dummy compare of an unknown email) and every bcrypt
 * hash (registration) of this process takes a slot of one gate. bcrypt runs on libuv's thread
 * pool (4 threads by default), which file writes (the log files), DNS lookups and other crypto
 * also need, and on the same cores as the event loop: with at most 2 computations at once (the
 * default), half of the pool stays free and a flood of logins cannot slow the other endpoints.
 * A few more wait their turn (4 by default: at most two rounds of cost-12 bcrypt, well under a
 * second on a server core); anything beyond is refused at once instead of piling up for seconds.
 *
 * The refusal is 503 with `Retry-After: 1`, not 429: the gate is shared by every caller of the
 * process, so being refused says nothing about this caller's own rate (the per-address and
 * per-account limits answer 429 for that). It means "this server is momentarily busy": the
 * same request succeeds a second later, or at once on another replica (a load balancer may
 * retry a 503 elsewhere; it must not retry a 429).
 */
export function boundedPasswordHashing(pepper: string, limits: PasswordHashingLimits): PasswordHashing {
  const gate = boundedConcurrency({
    ...limits,
    refuse: () => new UnavailableError('Too many sign-ins are being checked right now: retry in a second', 'server_busy', HASHING_BUSY_RETRY_AFTER_SECONDS),
  });
  // Refused callers and when they may come back. A first come, first served gate alone lets a
  // flood keep every place: the client that waits out Retry-After finds it full again. A caller
  // that comes back once the wait has passed, and not before, waits ahead of first attempts; one
  // that hammers (back before its Retry-After) loses its turn, so a flood that never pauses gains
  // nothing from it.
  const owed = new Map<string, number>();
  const owe = (caller: string, now: number) => {
    owed.delete(caller);
    owed.set(caller, now + HASHING_BUSY_RETRY_AFTER_SECONDS * 1000);
    if (owed.size > TURNS_KEPT) owed.delete(owed.keys().next().value!);
  };
  const hasTurn = (due: number | undefined, now: number) => due !== undefined && now >= due && now - due <= TURN_KEPT_MS;
  return {
    hash: (password) => gate.run(() => hashPassword(password, pepper)),
    async verify(password, hash, caller) {
      const now = Date.now();
      const due = caller === undefined ? undefined : owed.get(caller);
      if (due !== undefined) owed.delete(caller!);
      const priority = hasTurn(due, now);
      try {
        return await gate.run(() => verifyPassword(password, hash, pepper), { priority });
      } catch (err) {
        if (caller !== undefined && err instanceof UnavailableError) owe(caller, now);
        throw err;
      }
    },
    refuseIfFull(caller) {
      const now = Date.now();
      const priority = hasTurn(caller === undefined ? undefined : owed.get(caller), now);
      try {
        gate.refuseIfFull({ priority });
      } catch (err) {
        // As verify would: one back before its Retry-After starts its wait again.
        if (caller !== undefined) owe(caller, now);
        throw err;
      }
    },
    stats: () => gate.stats(),
  };
}
