import { join } from 'node:path';
import { z } from 'zod';
import { parseEncryptionKey } from './infra/token-cipher';

/** Environment flag parser: `true/false/1/0/yes/no`, case-insensitive. */
const flag = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: 'expected true or false' });
      return z.NEVER;
    });

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}://`)), {
      message: `expected a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

const optionalText = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v));

const withoutSlash = (v: string) => v.replace(/\/+$/, '');

export const configSchema = z
  .object({
    ENVIRONMENT: z.enum(['development', 'test', 'production']).default('development'),
    DEBUG: flag(true),
    PORT: int(8000, 0, 65535),
    HOST: z.string().trim().default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    STOFLOW_DATA_DIR: z.string().trim().min(1).default('.stoflow'),
    // Default <STOFLOW_DATA_DIR>/logs: the API and its workers already agree on the data folder
    // (they share its PostgreSQL), so they agree on the logs too, and one folder holds it all.
    LOG_DIR: z.string().trim().optional().transform((v) => (v === '' ? undefined : v)),
    DATABASE_URL: url(['postgres', 'postgresql']),
    DATABASE_OWNER_URL: url(['postgres', 'postgresql']),
    DATABASE_POOL_MAX: int(20, 1, 500),
    // Groups the pool's connections are split into, each the home of some tenants (tenant-pools.ts).
    DATABASE_POOL_GROUPS: int(0, 0, 500),
    DATABASE_CONNECT_TIMEOUT_MS: int(5000, 100, 600_000),
    DATABASE_STATEMENT_TIMEOUT_MS: int(5000, 0, 3_600_000),
    DATABASE_QUERY_TIMEOUT_MS: int(6000, 0, 3_600_000),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(15_000, 0, 3_600_000),
    REDIS_URL: url(['redis', 'rediss']),
    EVENTSTORE_CONNECTION_STRING: url(['esdb', 'esdb+discover', 'kurrentdb', 'kurrentdb+discover', 'kurrent', 'kurrent+discover', 'kdb', 'kdb+discover']),
    JWT_SECRET_KEY: z.string().optional().transform((v) => (v === '' ? undefined : v)),
    JWT_ALGORITHM: z.literal('HS256').default('HS256'),
    JWT_EXPIRE_MINUTES: int(1440, 1, 60 * 24 * 30),
    JWT_REFRESH_EXPIRE_DAYS: int(7, 1, 365),
    JWT_ISSUER: z.string().trim().min(1).default('stoflow'),
    JWT_AUDIENCE: z.string().trim().min(1).default('stoflow-api'),
    PASSWORD_PEPPER: z.string().optional().transform((v) => (v === '' ? undefined : v)),
    TENANT_SCHEMA_PREFIX: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]{0,30}$/, 'lowercase letters, digits and _ only, starting with a letter')
      .default('client_'),
    TENANT_MAX_SCHEMAS: int(1000, 1, 1_000_000),
    CORS_ORIGINS: z
      .string()
      .default('http://localhost:3000')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url())),
    TRUST_PROXY_HOPS: int(0, 0, 10),
    RATE_LIMIT_GLOBAL_PER_MINUTE: int(600, 1, 1_000_000),
    // Login (see src/accounts/login-limits.ts for the whole policy).
    RATE_LIMIT_LOGIN_PER_EMAIL: int(10, 1, 10_000),
    RATE_LIMIT_LOGIN_PER_IP: int(20, 1, 10_000),
    RATE_LIMIT_LOGIN_PER_EMAIL_IP: int(5, 1, 10_000),
    RATE_LIMIT_LOGIN_ATTEMPTS_PER_IP_MINUTE: int(10, 1, 1_000_000),
    // At most the 15-minute window the account's failures are remembered for.
    RATE_LIMIT_LOGIN_DELAY_BASE_SECONDS: int(1, 1, 900),
    RATE_LIMIT_LOGIN_DELAY_MAX_SECONDS: int(300, 1, 900),
    PASSWORD_HASH_CONCURRENCY: int(2, 1, 64),
    PASSWORD_HASH_QUEUE: int(4, 0, 10_000),
    PASSWORD_BUSY_PAUSE_MS: int(500, 0, 5000),
    RATE_LIMIT_REGISTER_PER_IP_HOUR: int(10, 1, 10_000),
    RUN_WORKERS: flag(true),
    READ_YOUR_WRITES_TIMEOUT_MS: int(5000, 10, 60_000),
    IDEMPOTENCY_KEY_TTL_HOURS: int(24, 1, 24 * 30),
    EVENT_STREAMS_PER_TENANT: int(20, 1, 100_000),
    // Unset: 5, or the tenant's cap when that is lower.
    EVENT_STREAMS_PER_CONSUMER: z.coerce.number().int().min(1).max(100_000).optional(),
    EVENT_STREAM_BUFFER_KB: int(1024, 16, 1024 * 1024),
    TOKEN_ENCRYPTION_KEY: z.string().optional().transform((v) => (v === '' ? undefined : v)),
    TOKEN_ENCRYPTION_OLD_KEYS: z
      .string()
      .optional()
      .transform((v) => (v ?? '').split(',').map((k) => k.trim()).filter(Boolean)),
    MARKETPLACE_TIMEOUT_MS: int(10_000, 100, 120_000),
    // Where marketplaces reach this server: photos at <base>/media/…; eBay takes https:// only.
    PUBLIC_BASE_URL: url(['https', 'http']),
    // How long the photo links handed to marketplaces and the Vinted extension stay valid.
    MEDIA_LINK_TTL_MINUTES: int(1440, 5, 7 * 1440),
    EBAY_CLIENT_ID: optionalText(),
    EBAY_CLIENT_SECRET: optionalText(),
    EBAY_RU_NAME: optionalText(),
    EBAY_ENVIRONMENT: z.enum(['production', 'sandbox']).default('production'),
    EBAY_API_BASE_URL: url(['https', 'http']),
    EBAY_AUTH_BASE_URL: url(['https', 'http']),
    EBAY_IDENTITY_BASE_URL: url(['https', 'http']),
    // 0: no polling (the notifications alone).
    EBAY_POLL_SECONDS: int(300, 0, 86_400),
    // Per eBay account, across processes: eBay states daily limits only (src/marketplaces/ebay/api.ts).
    EBAY_CALLS_PER_SECOND: int(20, 1, 10_000),
    EBAY_NOTIFICATION_VERIFICATION_TOKEN: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{32,80}$/, '32 to 80 letters, digits, underscores or hyphens, as eBay requires')
      .optional(),
    // The application's Notification API alert address, written once when eBay asks for one.
    EBAY_NOTIFICATION_ALERT_EMAIL: z.string().trim().email('an email address').max(200).optional(),
    EBAY_MARKETPLACE_ID: z.string().trim().regex(/^EBAY_[A-Z_]{2,10}$/, 'an eBay marketplace id such as EBAY_FR').default('EBAY_FR'),
    ETSY_API_KEY: optionalText(),
    ETSY_SHARED_SECRET: optionalText(),
    ETSY_REDIRECT_URI: url(['https', 'http']),
    ETSY_API_BASE_URL: url(['https', 'http']),
    ETSY_AUTH_BASE_URL: url(['https', 'http']),
    ETSY_CALLS_PER_SECOND: int(5, 1, 10_000),
    // Calls left in Etsy's day under which only delists and order reads go; unset: 5 % of Etsy's daily limit, at most 500.
    ETSY_DAILY_RESERVE: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.coerce.number().int().min(0).max(10_000_000).optional()),
    ETSY_POLL_SECONDS: int(300, 0, 86_400),
    // 0: no periodic comparison of our listings with what eBay and Etsy say of them.
    SYNC_COMPARE_MINUTES: int(60, 0, 10_080),
    ETSY_WEBHOOK_SECRET: z.string().trim().min(16, 'the signing secret of the endpoint, whsec_…').max(200).optional(),
    // The pace of each seller's Vinted account, where the browser extension writes (Vinted blocks bursts).
    VINTED_WRITES_PER_HOUR: int(40, 1, 1000),
    VINTED_MIN_GAP_SECONDS: int(20, 0, 3600),
    VINTED_MAX_GAP_SECONDS: int(50, 0, 3600),
    VINTED_TASK_LEASE_SECONDS: int(120, 1, 3600),
    VINTED_TASK_TTL_HOURS: int(168, 0, 24 * 365),
    VINTED_BLOCK_PAUSE_MINUTES: int(60, 0, 24 * 60),
    // The billing provider's webhook endpoint (Stripe's signing secret of POST /api/webhooks/billing).
    BILLING_WEBHOOK_SECRET: z.string().trim().min(16, 'the signing secret of the endpoint, whsec_…').max(200).optional(),
    BILLING_WEBHOOK_TOLERANCE_SECONDS: int(300, 1, 3600),
    // AI descriptions: without a key, the built-in template writes them (free, no provider).
    OPENAI_API_KEY: optionalText(),
    // Any OpenAI-compatible server (Ollama: http://localhost:11434/v1, llama.cpp: http://localhost:8080/v1).
    OPENAI_BASE_URL: url(['https', 'http']),
    OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
    // One budget for a generation's calls, retries included: past it, 504.
    OPENAI_TIMEOUT_MS: int(30_000, 100, 600_000),
    // Products a bulk AI job writes at the same time.
    AI_JOB_CONCURRENCY: int(3, 1, 20),
  })
  .superRefine((c, ctx) => {
    if (c.ENVIRONMENT === 'production' && !c.JWT_SECRET_KEY) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET_KEY'], message: 'is required when ENVIRONMENT=production' });
    }
    if (c.JWT_SECRET_KEY !== undefined && c.JWT_SECRET_KEY.length < 32) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET_KEY'], message: 'must be at least 32 characters' });
    }
    // A pepper kept in the data folder would vanish with a redeployed container, and every
    // password with it: production must say which one to use.
    if (c.ENVIRONMENT === 'production' && !c.PASSWORD_PEPPER) {
      ctx.addIssue({ code: 'custom', path: ['PASSWORD_PEPPER'], message: 'is required when ENVIRONMENT=production' });
    }
    // Tokens sealed with a key kept in the data folder would be lost with a redeployed container.
    if (c.ENVIRONMENT === 'production' && !c.TOKEN_ENCRYPTION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['TOKEN_ENCRYPTION_KEY'], message: 'is required when ENVIRONMENT=production' });
    }
    if (c.RATE_LIMIT_LOGIN_DELAY_MAX_SECONDS < c.RATE_LIMIT_LOGIN_DELAY_BASE_SECONDS) {
      ctx.addIssue({ code: 'custom', path: ['RATE_LIMIT_LOGIN_DELAY_MAX_SECONDS'], message: 'must be at least RATE_LIMIT_LOGIN_DELAY_BASE_SECONDS' });
    }
    // A consumer allowed more than its tenant would be held by the tenant's cap anyway: a
    // setting that cannot mean what it says is refused rather than quietly lowered.
    if (c.EVENT_STREAMS_PER_CONSUMER !== undefined && c.EVENT_STREAMS_PER_CONSUMER > c.EVENT_STREAMS_PER_TENANT) {
      ctx.addIssue({ code: 'custom', path: ['EVENT_STREAMS_PER_CONSUMER'], message: `must be at most EVENT_STREAMS_PER_TENANT (${c.EVENT_STREAMS_PER_TENANT})` });
    }
    if (c.VINTED_MAX_GAP_SECONDS < c.VINTED_MIN_GAP_SECONDS) {
      ctx.addIssue({ code: 'custom', path: ['VINTED_MAX_GAP_SECONDS'], message: `must be at least VINTED_MIN_GAP_SECONDS (${c.VINTED_MIN_GAP_SECONDS})` });
    }
    for (const [i, key] of [c.TOKEN_ENCRYPTION_KEY, ...c.TOKEN_ENCRYPTION_OLD_KEYS].entries()) {
      if (key === undefined) continue;
      try {
        parseEncryptionKey(key);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: [i === 0 ? 'TOKEN_ENCRYPTION_KEY' : 'TOKEN_ENCRYPTION_OLD_KEYS'], message: (err as Error).message });
      }
    }
  })
  .transform((c) => {
    const sandbox = c.EBAY_ENVIRONMENT === 'sandbox';
    const ebayApi = withoutSlash(c.EBAY_API_BASE_URL ?? (sandbox ? 'https://api.sandbox.ebay.com' : 'https://api.ebay.com'));
    return {
      ...c,
      LOG_DIR: c.LOG_DIR ?? join(c.STOFLOW_DATA_DIR, 'logs'),
      EVENT_STREAMS_PER_CONSUMER: c.EVENT_STREAMS_PER_CONSUMER ?? Math.min(5, c.EVENT_STREAMS_PER_TENANT),
      PUBLIC_BASE_URL: withoutSlash(c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`),
      EBAY_API_BASE_URL: ebayApi,
      EBAY_AUTH_BASE_URL: withoutSlash(c.EBAY_AUTH_BASE_URL ?? (sandbox ? 'https://auth.sandbox.ebay.com' : 'https://auth.ebay.com')),
      // eBay serves the Identity API on apiz.*; a base URL set by hand (a proxy, a double) serves both.
      EBAY_IDENTITY_BASE_URL: withoutSlash(c.EBAY_IDENTITY_BASE_URL ?? (c.EBAY_API_BASE_URL ? ebayApi : sandbox ? 'https://apiz.sandbox.ebay.com' : 'https://apiz.ebay.com')),
      // Etsy has no sandbox: a base URL set by hand is a proxy or the test double.
      ETSY_API_BASE_URL: withoutSlash(c.ETSY_API_BASE_URL ?? 'https://api.etsy.com'),
      ETSY_AUTH_BASE_URL: withoutSlash(c.ETSY_AUTH_BASE_URL ?? 'https://www.etsy.com'),
    };
  });

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })),
  );
}
