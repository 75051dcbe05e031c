/*
 * The limits on POST /api/auth/login (OWASP Authentication and Credential Stuffing Prevention
 * cheat sheets). They run in this order, before any bcrypt work, and each answers 429 with
 * `Retry-After` (problem details). Before them, a full password gate answers 503 (login.ts):
 * an attempt refused for that is not counted here, since no password was checked.
 *
 * An address is the client's (after TRUST_PROXY_HOPS), or for IPv6 its /56 network.
 *
 * 1. Every attempt per address, right or wrong: RATE_LIMIT_LOGIN_ATTEMPTS_PER_IP_MINUTE (10) per
 *    minute. A flood of correct logins (one address signing in to many accounts) is bcrypt work
 *    like any other.
 * 2. Failures per address, whatever the accounts: RATE_LIMIT_LOGIN_PER_IP (20) per 15 minutes
 *    (password spraying from one address).
 * 3. Failures per account and address, the strict one: RATE_LIMIT_LOGIN_PER_EMAIL_IP (5) per 15
 *    minutes. Whoever guesses from one address is stopped there; the owner, from any other
 *    address, is not affected.
 * 4. Failures per account from every address, the loose one: a growing wait, never a fixed
 *    lock-out. The first RATE_LIMIT_LOGIN_PER_EMAIL (10) failures cost nothing; the 10th makes
 *    the account wait RATE_LIMIT_LOGIN_DELAY_BASE_SECONDS (1 s, counted from that failure's
 *    answer) before its next attempt is even checked, and each further failure doubles the wait
 *    (the n-th waits 1 s × 2^(n−10): 2, 4, 8 … s) up to RATE_LIMIT_LOGIN_DELAY_MAX_SECONDS
 *    (300 s). An attempt during the wait, right password or not, is not checked (no bcrypt) and
 *    answers 429 with the time left. The count is forgotten 15 minutes after the account's last
 *    failure. A distributed attack (many addresses) thus gets about one guess per 5 minutes on an
 *    account, and the owner gets in as soon as a wait is over. From an address the account has
 *    signed in from successfully (remembered for 14 days, then again from the next success),
 *    the wait does not apply at all (limits 1–3 still do): an attacker cannot keep a seller out
 *    from the seller's usual address, and learns nothing from it, since only the password makes
 *    an address known.
 *
 * A failure is an answer saying the credentials are wrong (401), and for the per-address limit 2
 * also a malformed request (400); a success, a suspended shop (403: the password was right), a
 * refusal by another limit (429) and "busy" (503) are not. Each attempt is counted when it starts
 * and taken back when it turns out not to be a failure, so a burst of concurrent guesses cannot
 * all slip in before the first is counted.
 *
 * Unknown emails are counted exactly like real accounts (the keys are hashes of the email, never
 * user ids), so no limit behaves differently for an account that does not exist. Counters live
 * in Redis, shared by every replica, and fall back to process memory as the other limits do
 * (src/http/rate-limit.ts). bcrypt itself is bounded per process: see passwords.ts.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { clientAddress } from '../http/rate-limit';
import { RateLimitedError } from '../shared/errors';
import type { AccountDeps } from './deps';
import { emailKey } from './email';

export const LOGIN_WINDOW_MS = 15 * 60_000;
const ATTEMPTS_WINDOW_MS = 60_000;
// Under 2^31 ms, the longest timer the in-memory fallback can set.
const KNOWN_ADDRESS_MS = 14 * 24 * 3_600_000;

/** The answers that count as an account's failed sign-ins: wrong credentials (see above). */
export function isWrongCredentials(status: number): boolean {
  return status === 401;
}

/** What an address is counted for: wrong credentials, or a request that is not even valid. */
function isFailedFromAddress(status: number): boolean {
  return status === 400 || status === 401;
}

/** Redis keys never hold the email itself. */
function perEmailKey(req: Request): string {
  const email = emailKey((req.body as { email?: unknown } | undefined)?.email);
  return email === undefined ? `no-email:${clientAddress(req)}` : createHash('sha256').update(email).digest('hex').slice(0, 32);
}

function perEmailAndAddressKey(req: Request): string {
  return `${perEmailKey(req)}:${clientAddress(req)}`;
}

/** Limit 4: the growing wait per account, waived for the addresses it signed in from. */
function accountBackoff(services: AccountDeps): RequestHandler {
  const { config, throttles } = services;
  const backoff = throttles.backoff({
    name: 'login-email',
    free: config.RATE_LIMIT_LOGIN_PER_EMAIL,
    baseMs: config.RATE_LIMIT_LOGIN_DELAY_BASE_SECONDS * 1000,
    maxMs: config.RATE_LIMIT_LOGIN_DELAY_MAX_SECONDS * 1000,
    forgetMs: LOGIN_WINDOW_MS,
  });
  const knownAddresses = throttles.counter('login-known', KNOWN_ADDRESS_MS);
  return (req, res, next) => {
    const account = perEmailKey(req);
    const address = perEmailAndAddressKey(req);
    void (async () => {
      const known = (await knownAddresses.count(address)) > 0;
      const answer = await backoff.attempt(account, known);
      if (!answer.allowed) {
        const seconds = Math.max(1, Math.ceil(answer.retryInMs / 1000));
        throw new RateLimitedError(seconds, `Too many failed sign-ins for this account: retry in ${seconds} s`);
      }
      // A failure's wait starts again from its answer; anything else gives back its count (and
      // the wait it set), and a success makes the address known.
      const { ticket } = answer;
      res.once('finish', () => {
        void backoff.settle(ticket, isWrongCredentials(res.statusCode));
        if (res.statusCode === 200 && !known) void knownAddresses.hit(address);
      });
    })().then(() => next(), next);
  };
}

/** Limits 1 to 4, in order, for the login route's `before`. */
export function loginLimits(services: AccountDeps): RequestHandler[] {
  const { config, limiter } = services;
  const failed = 'Too many failed sign-ins: retry later';
  return [
    limiter({ name: 'login-attempts-ip', windowMs: ATTEMPTS_WINDOW_MS, limit: config.RATE_LIMIT_LOGIN_ATTEMPTS_PER_IP_MINUTE, detail: 'Too many sign-ins from this address: retry later' }),
    limiter({ name: 'login-ip', windowMs: LOGIN_WINDOW_MS, limit: config.RATE_LIMIT_LOGIN_PER_IP, onlyFailures: true, isFailure: isFailedFromAddress, detail: failed }),
    limiter({ name: 'login-email-ip', windowMs: LOGIN_WINDOW_MS, limit: config.RATE_LIMIT_LOGIN_PER_EMAIL_IP, onlyFailures: true, isFailure: isWrongCredentials, key: perEmailAndAddressKey, detail: failed }),
    accountBackoff(services),
  ];
}
