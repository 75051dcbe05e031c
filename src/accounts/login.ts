import { createHash, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { inTransaction } from '../infra/db/postgres';
import type { AccountDeps } from './deps';
import { AuthError } from '../shared/errors';
import { assertTenantActive } from './authenticate';
import { emailKey } from './email';
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

const LOGIN_WINDOW_MS = 15 * 60_000;

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

/**
 * Both failures cost the same: an unknown email is compared against a dummy hash of the same cost
 * (through the same bounded gate, so "busy" does not tell either), and every failure then waits a
 * random 100–300 ms, which drowns what is left of the difference.
 */
export async function logIn(services: AccountDeps, input: LoginInput): Promise<TokenPair> {
  const { rows } = await services.pool.query<UserRow>(
    `select u.id, u.tenant_id, u.role, u.password_hash, t.status as tenant_status
       from public.users u join public.tenants t on t.id = u.tenant_id
      where lower(u.email) = lower($1)`,
    [input.email],
  );
  const user = rows[0];
  const matches = await services.passwordHashing.verify(input.password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
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

/** Redis keys never hold the email itself. */
function perEmailKey(req: Request): string {
  const email = emailKey((req.body as { email?: unknown } | undefined)?.email);
  return email === undefined ? `no-email:${req.ip}` : createHash('sha256').update(email).digest('hex').slice(0, 32);
}

/** POST /api/auth/login */
export function loginRoute(services: AccountDeps) {
  const { config } = services;
  const detail = 'Too many failed sign-ins: retry later';
  return defineRoute({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in with email and password',
    tags: ['Accounts'],
    auth: false,
    body: loginBody,
    // Only failures count, per address and per account; unknown emails are counted like the others.
    before: [
      services.limiter({ name: 'login-ip', windowMs: LOGIN_WINDOW_MS, limit: config.RATE_LIMIT_LOGIN_PER_IP, onlyFailures: true, detail }),
      services.limiter({ name: 'login-email', windowMs: LOGIN_WINDOW_MS, limit: config.RATE_LIMIT_LOGIN_PER_EMAIL, onlyFailures: true, key: perEmailKey, detail }),
    ],
    responses: {
      200: { description: 'Signed in', schema: tokenPairSchema },
      400: { description: 'A field is missing or not allowed' },
      401: { description: 'Invalid email or password (the same answer for both)' },
      403: { description: 'The account is suspended' },
      429: { description: 'Too many failed sign-ins for this address or this email' },
      503: { description: 'The server is momentarily busy checking passwords: retry after `Retry-After` seconds' },
    },
    handle: async ({ body }) => ({ status: 200, body: await logIn(services, body), headers: TOKEN_RESPONSE_HEADERS }),
  });
}
