import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { clientAddress } from '../http/rate-limit';
import { inTransaction } from '../infra/db/postgres';
import type { AccountDeps } from './deps';
import { AuthError } from '../shared/errors';
import { assertTenantActive } from './authenticate';
import { loginLimits } from './login-limits';
import { DUMMY_PASSWORD_HASH } from './passwords';
import { insertSession, newSession } from './sessions';
import { sessionSettings, TOKEN_RESPONSE_HEADERS, tokenPair, tokenPairSchema, type TokenPair } from './token-pair';

export const loginBody = z
  .object({
    email: z.string().trim().min(1).max(320),
    password: z.string().min(1).max(1024),
  })
  .strict();

export type LoginInput = z.infer<typeof loginBody>;

/** One answer for an unknown email and a wrong password: the response never tells which. */
function invalidCredentials(): AuthError {
  return new AuthError('Invalid email or password', false, 'invalid_credentials');
}

interface UserRow {
  id: string;
  tenant_id: number;
  role: string;
  password_hash: string;
  tenant_status: string;
}

/** Who keeps a turn after "busy": this account from this address (see passwords.ts). */
function hashingCaller(email: string, address: string | undefined): string | undefined {
  return address === undefined ? undefined : `${email.trim().toLowerCase()} ${address}`;
}

/** Refusals held for their pause at once, at most: beyond, they are answered at once. */
const PAUSED_REFUSALS_MAX = 1000;

/**
 * With the password gate full, an attempt is refused (503, Retry-After) before anything else is
 * done for it: no rate-limit counter, no lookup of the account. An attempt that gets through is
 * counted by the limits as before, so no password is checked uncounted.
 *
 * The refusal is answered after a pause (PASSWORD_BUSY_PAUSE_MS, 500 ms). Credential-stuffing
 * tools run a fixed number of connections, each sending its next attempt as soon as the last is
 * answered: answered at once, such a flood comes back hundreds of times a second, and answering it
 * is what takes the other endpoints' time. Paused, each of its connections costs two answers a
 * second. A client that honours Retry-After loses nothing. At most PAUSED_REFUSALS_MAX refusals
 * are held at a time (a timer each, nothing read or written), so a flood of connections cannot
 * pile them up.
 */
function refuseWhileHashingIsFull(services: AccountDeps): RequestHandler {
  const pauseMs = services.config.PASSWORD_BUSY_PAUSE_MS;
  let held = 0;
  return (req, _res, next) => {
    const email = (req.body as { email?: unknown } | undefined)?.email;
    try {
      services.passwordHashing.refuseIfFull(typeof email === 'string' ? hashingCaller(email, clientAddress(req)) : undefined);
    } catch (err) {
      if (pauseMs === 0 || held >= PAUSED_REFUSALS_MAX) return next(err);
      held++;
      setTimeout(() => {
        held--;
        next(err);
      }, pauseMs).unref();
      return;
    }
    next();
  };
}

/**
 * Both failures cost the same: an unknown email is compared against a dummy hash of the same cost
 * (through the same bounded gate, so "busy" does not tell either), and every failure then waits a
 * random 100–300 ms, which drowns what is left of the difference.
 */
export async function logIn(services: AccountDeps, input: LoginInput, address?: string): Promise<TokenPair> {
  const { rows } = await services.pool.query<UserRow>(
    `select u.id, u.tenant_id, u.role, u.password_hash, t.status as tenant_status
       from public.users u join public.tenants t on t.id = u.tenant_id
      where lower(u.email) = lower($1)`,
    [input.email],
  );
  const user = rows[0];
  const matches = await services.passwordHashing.verify(
    input.password,
    user?.password_hash ?? DUMMY_PASSWORD_HASH,
    // A turn kept after "busy" belongs to this account from this address: a flood from ever new
    // addresses never comes back as the same caller, even when it aims at the same account.
    hashingCaller(input.email, address),
  );
  if (!user || !matches) {
    await sleep(randomInt(100, 301));
    throw invalidCredentials();
  }
  assertTenantActive(user.tenant_status);
  const now = services.clock.now();
  const session = newSession(user.id, user.tenant_id, now, sessionSettings(services));
  await inTransaction(services.pool, (tx) => insertSession(tx, session.rows));
  return tokenPair(services, { userId: user.id, tenantId: user.tenant_id, role: user.role, sessionId: session.rows.session.id, refreshToken: session.refreshToken }, now);
}

/** POST /api/auth/login */
export function loginRoute(services: AccountDeps) {
  return defineRoute({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in with email and password',
    tags: ['Accounts'],
    auth: false,
    body: loginBody,
    // A full password gate first; then per address (every attempt, and failures), per account
    // and address, per account: login-limits.ts.
    before: [refuseWhileHashingIsFull(services), ...loginLimits(services)],
    responses: {
      200: { description: 'Signed in', schema: tokenPairSchema },
      400: { description: 'A field is missing or not allowed' },
      401: { description: 'Invalid email or password (the same answer for both)' },
      403: { description: 'The account is suspended' },
      429: { description: 'Too many sign-ins from this address, or too many failed ones for this address or this account: retry after `Retry-After` seconds' },
      503: { description: 'The server is momentarily busy checking passwords: retry after `Retry-After` seconds' },
    },
    handle: async ({ body, req }) => ({ status: 200, body: await logIn(services, body, clientAddress(req)), headers: TOKEN_RESPONSE_HEADERS }),
  });
}
