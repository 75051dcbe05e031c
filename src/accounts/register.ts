import type { Knex } from 'knex';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { createTenant } from '../infra/db/migrator';
import type { AccountDeps } from './deps';
import { ConflictError, UnavailableError, ValidationError } from '../shared/errors';
import { isTimeZone } from '../domain/subscription/credit-period';
import { emailSchema } from './email';
import { estimatedProductsInput } from './estimated-products';
import { passwordProblems } from './passwords';
import { newSession } from './sessions';
import { sessionSettings, TOKEN_RESPONSE_HEADERS, tokenPair, tokenPairSchema, type TokenPair } from './token-pair';

export const registerBody = z
  .object({
    email: emailSchema,
    password: z.string().max(1024).describe('8 to 128 characters, at least one letter and one digit, not a common password'),
    full_name: z.string().trim().min(1).max(200),
    business_name: z.string().trim().min(1).max(200).optional(),
    account_type: z.enum(['individual', 'business']),
    business_type: z.string().trim().min(1).max(100).optional(),
    estimated_products: estimatedProductsInput.optional(),
    time_zone: z
      .string()
      .max(100)
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris')
      .optional()
      .describe('IANA zone (default Europe/Paris): the monthly AI credits reset at the subscription anniversary in it'),
  })
  .strict();

export type RegisterInput = z.infer<typeof registerBody>;

/** Registrations take turns on this lock, so the capacity count and the email check hold until commit. */
const REGISTRATION_LOCK = [0x5341, 1]; // "SA": accounts

function duplicateEmail(): ConflictError {
  return new ConflictError('An account with this email already exists', 'email_taken', { errors: [{ field: 'email', message: 'is already registered' }] });
}

function capacityReached(): UnavailableError {
  return new UnavailableError('This server has reached its maximum number of accounts: registration is closed for now', 'tenant_capacity_reached');
}

async function emailTaken(db: Knex | Knex.Transaction, email: string): Promise<boolean> {
  return (await db('public.users').whereRaw('lower(email) = lower(?)', [email]).first('id')) !== undefined;
}

/** Every tenant has exactly one schema, created in the same transaction, so tenants count schemas. */
async function tenantCount(db: Knex | Knex.Transaction): Promise<number> {
  const row = (await db('public.tenants').count<{ count: string | number }[]>('* as count'))[0];
  return Number(row?.count ?? 0);
}

function isEmailUniqueViolation(err: unknown): boolean {
  const pgError = err as { code?: string; constraint?: string };
  return pgError.code === '23505' && pgError.constraint === 'users_email_lower_uq';
}

/**
 * Tenant, schema with every tenant migration, admin user and first session in
 * one transaction: PostgreSQL's DDL is transactional, so a failure anywhere leaves nothing behind
 * and the same registration can simply be sent again. A new tenant is on the free plan: its log has
 * no subscription stream until a plan change.
 */
export async function registerAccount(services: AccountDeps, input: RegisterInput): Promise<TokenPair> {
  const problems = passwordProblems(input.password);
  if (problems.length > 0) throw new ValidationError(problems.map((message) => ({ field: 'password', message })), true, 'The password does not meet the password policy');
  const { knex, config } = services;
  // Cheap refusals before the bcrypt work; the transaction checks both again under the lock.
  if (await emailTaken(knex, input.email)) throw duplicateEmail();
  if ((await tenantCount(knex)) >= config.TENANT_MAX_SCHEMAS) throw capacityReached();
  // The same bounded gate as login's compares: 503 with Retry-After when it is full.
  const passwordHash = await services.passwordHashing.hash(input.password);
  const now = services.clock.now();
  const userId = services.ids.uuid();
  try {
    return await knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?, ?)', REGISTRATION_LOCK);
      if (await emailTaken(trx, input.email)) throw duplicateEmail();
      if ((await tenantCount(trx)) >= config.TENANT_MAX_SCHEMAS) throw capacityReached();
      const tenantId = await createTenant(trx, services.tenancy, {
        business_name: input.business_name ?? null,
        account_type: input.account_type,
        business_type: input.business_type ?? null,
        estimated_products: input.estimated_products ?? null,
        ...(input.time_zone ? { time_zone: input.time_zone } : {}),
        created_at: now,
      });
      await trx('public.users').insert({ id: userId, tenant_id: tenantId, email: input.email, password_hash: passwordHash, full_name: input.full_name, role: 'admin', created_at: now });
      const session = newSession(userId, tenantId, now, sessionSettings(services));
      await trx('public.auth_sessions').insert(session.rows.session);
      await trx('public.refresh_tokens').insert(session.rows.token);
      return tokenPair(services, { userId, tenantId, role: 'admin', sessionId: session.rows.session.id, refreshToken: session.refreshToken }, now);
    });
  } catch (err) {
    if (isEmailUniqueViolation(err)) throw duplicateEmail();
    throw err;
  }
}

/** POST /api/auth/register */
export function registerRoute(services: AccountDeps) {
  return defineRoute({
    method: 'post',
    path: '/api/auth/register',
    summary: 'Create an account (tenant, admin user, free plan) and sign in',
    tags: ['Accounts'],
    auth: false,
    body: registerBody,
    before: [
      services.limiter({ name: 'register-ip', windowMs: 3_600_000, limit: services.config.RATE_LIMIT_REGISTER_PER_IP_HOUR, detail: 'Too many registrations from this address: retry later' }),
    ],
    responses: {
      201: { description: 'Account created; the caller is signed in as its admin', schema: tokenPairSchema },
      400: { description: 'A field is missing, malformed (email, estimated_products) or not allowed' },
      409: { description: 'An account with this email already exists' },
      422: { description: 'The password does not meet the password policy' },
      429: { description: 'Too many registrations from this address' },
      503: { description: 'The server has reached its maximum number of accounts, or is momentarily busy hashing passwords (with `Retry-After`)' },
    },
    handle: async ({ body }) => ({ status: 201, body: await registerAccount(services, body), headers: TOKEN_RESPONSE_HEADERS }),
  });
}
