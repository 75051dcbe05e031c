/*
 * Everything with a connection or a side effect, built once by a composition root (src/main.ts,
 * src/worker.ts, the CLI) and handed down, piece by piece, as each handler, query and reactor
 * declares what it needs (src/app/routes.ts does the handing). Nothing connects at import time.
 */
import type { Knex } from 'knex';
import type { Config } from '../config';
import { createKnex } from '../infra/db/postgres';
import { createTenantPools, type TenantPools } from '../infra/db/tenant-pools';
import { createTenancy, type Tenancy } from '../infra/db/tenancy';
import type { Logger } from '../infra/logger';
import { createRedis, redisCircuit, type Redis } from '../infra/redis';
import { persistentSecret } from '../infra/secrets';
import { systemClock, randomIds, type Clock, type IdGenerator } from '../infra/clock';
import { createCallPacer } from '../infra/call-pacer';
import { createMarketplaceAccounts, type MarketplaceAccounts } from '../infra/marketplace-accounts';
import { createMediaLinks, type MediaLinks } from '../infra/media-links';
import { imageStorage, type ObjectStorage } from '../infra/storage';
import { limiterFactory, throttles, type LimiterFactory, type Throttles } from '../http/rate-limit';
import { boundedPasswordHashing, type PasswordHashing } from '../accounts/passwords';
import { createEventStore } from '../eventstore';
import type { EventStore } from '../eventstore/types';
import { productUpcasters } from '../domain/product/upcasters';
import { createInlineProjector } from '../engine/inline';
import { createProcessor, type Processor } from '../engine/processor';
import type { Projection } from '../engine/projection';
import type { Reactor } from '../engine/reactor';
import { readYourWrites } from '../engine/read-your-writes';
import { createReferenceResolver, type ReferenceResolver } from '../catalogue/reference-resolver';
import type { CommandDeps } from '../commands/command';
import { idempotencyKeys, purgeIdempotencyKeys, type IdempotencyKeys } from '../commands/idempotency';
import type { ProductCommandDeps } from '../commands/products/deps';
import { allProjections } from '../projections';
import { representProduct } from '../projections/products';
import { buildReactors } from '../reactors';
import type { SyncDeps } from '../commands/sync/deps';
import { pollMarketplaceOrders } from '../commands/sync/poll-orders';
import { compareMarketplaceListings, type CompareDeps, type Comparison } from '../commands/sync/compare-listings';
import { createPollCursors } from '../infra/poll-cursors';
import { listingsToCompare, productOfMarketplaceListing } from '../queries/listings/list-listings';
import { isPublished } from '../queries/products/published';
import { awaitingNotifications } from '../queries/connections/list-integrations';
import { ebayOrderReader } from '../marketplaces/ebay/orders';
import { etsyOrderReader } from '../marketplaces/etsy/orders';
import { etsyApi } from '../marketplaces/etsy/api';
import { ebayNotificationVerifier, type EbayNotificationVerifier } from '../marketplaces/ebay/notifications';
import { ebayApplicationToken } from '../marketplaces/ebay/application-token';
import { downsized } from '../infra/image-resize';
import { ebayNotificationSubscriber } from '../marketplaces/ebay/notification-subscriptions';
import { subscribeNotifications, type NotificationDeps } from '../commands/connections/subscribe-notifications';
import { EBAY_WEBHOOK_PATH } from '../commands/sync/ebay-webhooks';
import { commandHandlers, type CommandHandlers } from '../commands/handlers';
import { createHash } from 'node:crypto';
import type { ConnectionDeps } from '../commands/connections/deps';
import { recordRevocation } from '../commands/connections/record-connection';
import { createCredentialStore, type CredentialStore } from '../infra/marketplace-credentials';
import { createOAuthStates } from '../infra/oauth-states';
import { createTokenCipher, parseEncryptionKey, type TokenCipher } from '../infra/token-cipher';
import { ebayAuth } from '../marketplaces/ebay/auth';
import { ebayPublisher } from '../marketplaces/ebay/publisher';
import { ebayApi } from '../marketplaces/ebay/api';
import type { ListingWorkDeps, PublishDeps } from '../commands/listings/deps';
import { findCategoryMapping, findPlatformMapping } from '../queries/catalogue/reference-data';
import { UNMAPPED } from '../seed/data/platform-mappings';
import { etsyAuth } from '../marketplaces/etsy/auth';
import { etsyPublisher } from '../marketplaces/etsy/publisher';
import type { Marketplace } from '../domain/connection/connection';
import type { MarketplaceAuth } from '../shared/marketplace-auth';
import { createPostgresWatcher } from '../eventstore/postgres-watch';
import type { VintedQueueDeps } from '../commands/vinted/deps';
import { cancelVintedTasks, enqueueVintedTask, type EnqueueVintedTask } from '../commands/vinted/enqueue-task';
import { retellVintedResults, settleVintedTasks } from '../commands/vinted/lease-task';
import { vintedPublisher } from '../commands/vinted/listing-tasks';
import { recordVintedOutcome } from '../commands/listings/vinted-results';
import { VINTED_TASKS_CHANNEL, type OnVintedTaskResult, type VintedTask } from '../commands/vinted/tasks';
import { taskWakeups, type TaskWakeups } from '../commands/vinted/wakeups';
import type { SubscriptionDeps } from '../commands/subscription/deps';
import { planLimits, planLimitsGuard } from '../billing/plan-limits';
import { aiCredits } from '../billing/ai-credits';
import { loadPlans } from '../billing/tenant-plan';
import { getSubscription } from '../billing/subscription-routes';
import { stripeBilling } from '../billing/stripe';
import { createBillingRecords, type BillingRecords } from '../infra/billing-records';
import type { BillingProvider } from '../shared/billing';
import type { AiCredits, PlanLimits } from '../shared/plan-limits';
import type { SubscriptionSummary } from '../accounts/me';
import type { AiDescriptionDeps } from '../commands/ai/deps';
import { aiContext } from '../infra/ai-context';
import { openAiProvider } from '../infra/openai-provider';

export interface Container {
  config: Config;
  logger: Logger;
  /** The connections: `pool.of(tenant)` for a tenant's tables, `pool` itself for shared ones. */
  pool: TenantPools;
  /** Where each tenant's tables are (TENANT_SCHEMA_PREFIX). */
  tenancy: Tenancy;
  knex: Knex;
  redis?: Redis;
  clock: Clock;
  ids: IdGenerator;
  jwtSecret: string;
  /** Short-lived photo links for marketplaces (and the media route that opens them). */
  mediaLinks: MediaLinks;
  /** Server-side secret mixed into every password before bcrypt (see src/accounts/passwords.ts). */
  passwordPepper: string;
  limiter: LimiterFactory;
  /** Counters and growing waits over the same Redis (the login policy). */
  throttles: Throttles;
  /** bcrypt through one bounded gate per process (PASSWORD_HASH_CONCURRENCY, PASSWORD_HASH_QUEUE). */
  passwordHashing: PasswordHashing;
  eventStore: EventStore;
  projections: readonly Projection[];
  reactors: readonly Reactor[];
  /** Projectors and reactors for the tenants this process leases (started by `startProcessing`). */
  processor: Processor;
  storage: ObjectStorage;
  references: ReferenceResolver;
  idempotency: IdempotencyKeys;
  /** What every command handler needs: the store, time, ids and read-your-writes. */
  commandDeps: CommandDeps;
  productCommandDeps: ProductCommandDeps;
  /** Every command, ready to call: the API, reactors, the CLI and importers use the same ones. */
  commands: CommandHandlers;
  /** Each marketplace's sign-in (OAuth adapters), configured or saying what is missing. */
  marketplaceAuth: Partial<Record<Marketplace, MarketplaceAuth>>;
  /** Marketplace tokens, sealed at rest, refreshed on use. */
  credentials: CredentialStore;
  connectionDeps: ConnectionDeps;
  /** Which tenants a marketplace account is connected to (notifications name the account). */
  marketplaceAccounts: MarketplaceAccounts;
  /** Checks that a notification was signed by eBay. */
  ebayNotifications: EbayNotificationVerifier;
  /** Sync: each marketplace's order reader, the tokens, and finding a product by a marketplace's listing id. */
  syncDeps: SyncDeps;
  /** One poll of a marketplace's orders for a tenant, as the workers run it every EBAY_POLL_SECONDS; answers the new lines. */
  pollOrders(tenant: number, marketplace: Marketplace): Promise<number>;
  /** The periodic comparison of one marketplace's listings, run at once. */
  compareListings(tenant: number, marketplace: Marketplace): Promise<Comparison>;
  publishDeps: PublishDeps;
  /** The Vinted extension's task queue: its tables, the account's pace, and who hears of results. */
  vintedQueue: VintedQueueDeps;
  /** Wakes devices waiting on GET /api/plugin/tasks when their tenant's queue moves. */
  vintedWakeups: TaskWakeups;
  /** Work for the extension, as the write side queues it (the publishing reactor). */
  vintedTasks: {
    enqueue(tenant: number, input: EnqueueVintedTask): Promise<{ task: VintedTask; created: boolean }>;
    cancel(tenant: number, listingId: string): Promise<number>;
  };
  /** The plan's caps as handlers check them before the work. */
  planLimits: PlanLimits;
  /** What the AI features spend: the plan's monthly credits. */
  aiCredits: AiCredits;
  /** AI descriptions: the provider (null without OPENAI_API_KEY: the template), credits, photos, brands. */
  aiDescriptionDeps: AiDescriptionDeps;
  subscriptionDeps: SubscriptionDeps;
  /** The tenant's plan in force, as GET /api/auth/me shows it. */
  subscriptionSummary: SubscriptionSummary;
  /** Stripe's webhooks, verified with BILLING_WEBHOOK_SECRET; null when it is unset. */
  billingProvider: BillingProvider | null;
  billingRecords: BillingRecords;
  /** Starts projecting and reacting for this process's share of tenants. */
  startProcessing(): Promise<void>;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  /** Also hears of Vinted task results, after the listing has recorded them (default: a log line). */
  onVintedTaskResult?: OnVintedTaskResult;
  /**
   * Which tenants this process's projections and reactors serve (default: every tenant, shared
   * with the other processes of group 0). A test app serves only the tenants it registered, in a
   * group of its own, so apps with other doubles and keys never carry out each other's work.
   */
  processing?: { group: number; listTenants: () => Promise<number[]> };
}

export function resolveJwtSecret(config: Config, logger: Logger): string {
  if (config.JWT_SECRET_KEY) return config.JWT_SECRET_KEY;
  const secret = persistentSecret(config.STOFLOW_DATA_DIR, 'jwt-secret');
  logger.warn(
    { file: `${config.STOFLOW_DATA_DIR}/jwt-secret`, created: secret.created },
    'JWT_SECRET_KEY is not set: using a development key kept in the data folder (set it in production)',
  );
  return secret.value;
}

/**
 * The data-folder secret, tolerating another process creating it at the same moment (two API
 * processes or test workers starting together): it is then read once the writer is done.
 */
function sharedPersistentSecret(dataDir: string, name: string): { value: string; created: boolean } {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const secret = persistentSecret(dataDir, name);
      if (secret.value !== '') return secret;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  throw new Error(`${dataDir}/${name} stays empty: delete it and start again`);
}

/** TOKEN_ENCRYPTION_KEY (and the old keys still opening what they sealed), or a development key kept in the data folder. */
export function resolveTokenCipher(config: Config, logger: Logger): TokenCipher {
  const old = config.TOKEN_ENCRYPTION_OLD_KEYS.map(parseEncryptionKey);
  if (config.TOKEN_ENCRYPTION_KEY) return createTokenCipher(parseEncryptionKey(config.TOKEN_ENCRYPTION_KEY), old);
  const secret = sharedPersistentSecret(config.STOFLOW_DATA_DIR, 'token-encryption-key');
  logger.warn(
    { file: `${config.STOFLOW_DATA_DIR}/token-encryption-key`, created: secret.created },
    'TOKEN_ENCRYPTION_KEY is not set: marketplace tokens are sealed with a development key kept in the data folder (set it in production)',
  );
  return createTokenCipher(createHash('sha256').update(secret.value).digest(), old);
}

export function resolvePasswordPepper(config: Config, logger: Logger): string {
  if (config.PASSWORD_PEPPER) return config.PASSWORD_PEPPER;
  const secret = sharedPersistentSecret(config.STOFLOW_DATA_DIR, 'password-pepper');
  logger.warn(
    { file: `${config.STOFLOW_DATA_DIR}/password-pepper`, created: secret.created },
    'PASSWORD_PEPPER is not set: using a development pepper kept in the data folder (losing it invalidates every password)',
  );
  return secret.value;
}

/**
 * The connections: `url` for every request and background job (rows only), `ownerUrl` for what
 * creates schemas (registration); one URL serves both when they are the same role.
 */
export interface DatabaseUrls {
  url: string;
  ownerUrl?: string;
}

export function buildContainer(config: Config, logger: Logger, database: DatabaseUrls, overrides: ContainerOverrides = {}): Container {
  const databaseUrl = database.url;
  const tenancy = createTenancy(config.TENANT_SCHEMA_PREFIX);
  const pool = createTenantPools(databaseUrl, {
    max: config.DATABASE_POOL_MAX,
    groups: config.DATABASE_POOL_GROUPS || config.DATABASE_POOL_MAX,
    applicationName: 'stoflow',
    timeouts: {
      connectMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      statementMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      queryMs: config.DATABASE_QUERY_TIMEOUT_MS,
      idleInTransactionMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
  });
  const knex = createKnex(database.ownerUrl ?? databaseUrl, 4);
  let redis: Redis | undefined;
  if (config.REDIS_URL) {
    let lastWarning = 0;
    redis = createRedis(config.REDIS_URL, (err) => {
      // A Redis outage is survivable (limits fall back to memory); say so, but not on every retry.
      if (Date.now() - lastWarning > 30_000) {
        lastWarning = Date.now();
        logger.warn({ err: err.message }, 'Redis connection problem');
      }
    });
  } else {
    logger.warn('REDIS_URL is not set: rate limits are counted in process memory (one process only)');
  }
  const circuit = redis ? redisCircuit(redis, logger) : undefined;
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const projections = allProjections;
  // The inline projector reads the log through the store it is part of (for catching up).
  const holder: { store?: EventStore } = {};
  const eventStore = createEventStore({
    pool,
    tenancy,
    connectionString: config.EVENTSTORE_CONNECTION_STRING,
    // The plan's caps are checked again inside the append transaction, under the tenant's lock.
    inline: createInlineProjector(projections, tenancy, () => holder.store!, [planLimitsGuard]),
    upcasters: productUpcasters,
  });
  holder.store = eventStore;
  const awaitReadModels = readYourWrites({ pool, tenancy, projections, inline: eventStore.projectsInline, timeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS });
  const commandDeps: CommandDeps = { store: eventStore, clock, ids, readYourWrites: awaitReadModels };
  const references = createReferenceResolver(pool, tenancy);
  // A command's reply says `published` as GET does: a draft with a live listing.
  const representLive = async (tenant: number, stream: Parameters<typeof representProduct>[0]) => {
    const product = representProduct(stream);
    return product?.status === 'draft' && (await isPublished({ db: pool, tenancy }, tenant, product.id)) ? { ...product, status: 'published' as const } : product;
  };
  const limits = planLimits(pool, tenancy, () => clock.now());
  const productCommandDeps: ProductCommandDeps = { ...commandDeps, references: references.resolve, represent: representLive, limits };
  const subscriptionDeps: SubscriptionDeps = { ...commandDeps, planCodes: async () => (await loadPlans(pool)).map((p) => p.code) };
  const storage = imageStorage(config.STOFLOW_DATA_DIR);
  const jwtSecret = resolveJwtSecret(config, logger);
  const mediaLinks = createMediaLinks({ secret: jwtSecret, publicBaseUrl: config.PUBLIC_BASE_URL, ttlMs: config.MEDIA_LINK_TTL_MINUTES * 60_000, now: () => clock.now() });
  const commands = commandHandlers({ commandDeps, productCommandDeps, subscriptionDeps, storage, logger, sharedBrand: references.sharedBrand });
  const cipher = resolveTokenCipher(config, logger);
  // One budget of calls per Etsy shop for connecting, publishing and reading orders: 5 a second by
  // default (Etsy allows 10 per token, and its own lower figure is followed), counted across
  // processes in Redis, the day's last calls kept for delists and order reads (ETSY_DAILY_RESERVE).
  const etsy = etsyApi({
    apiKey: config.ETSY_API_KEY,
    sharedSecret: config.ETSY_SHARED_SECRET,
    apiBaseUrl: config.ETSY_API_BASE_URL,
    timeoutMs: config.MARKETPLACE_TIMEOUT_MS,
    pacer: createCallPacer({ perSecond: config.ETSY_CALLS_PER_SECOND, burst: config.ETSY_CALLS_PER_SECOND, prefix: 'pace:etsy', circuit }),
    dailyReserve: config.ETSY_DAILY_RESERVE,
  });
  // The publisher's and the order reader's calls for an eBay account, on one pace across processes.
  const ebay = ebayApi({ pacer: createCallPacer({ perSecond: config.EBAY_CALLS_PER_SECOND, burst: config.EBAY_CALLS_PER_SECOND, prefix: 'pace:ebay', circuit }) });
  const marketplaceAuth: Partial<Record<Marketplace, MarketplaceAuth>> = {
    ebay: ebayAuth(
      {
        clientId: config.EBAY_CLIENT_ID,
        clientSecret: config.EBAY_CLIENT_SECRET,
        ruName: config.EBAY_RU_NAME,
        apiBaseUrl: config.EBAY_API_BASE_URL,
        authBaseUrl: config.EBAY_AUTH_BASE_URL,
        identityBaseUrl: config.EBAY_IDENTITY_BASE_URL,
        marketplaceId: config.EBAY_MARKETPLACE_ID,
        timeoutMs: config.MARKETPLACE_TIMEOUT_MS,
      },
      () => clock.now(),
    ),
    etsy: etsyAuth(
      {
        apiKey: config.ETSY_API_KEY,
        sharedSecret: config.ETSY_SHARED_SECRET,
        redirectUri: config.ETSY_REDIRECT_URI,
        apiBaseUrl: config.ETSY_API_BASE_URL,
        authBaseUrl: config.ETSY_AUTH_BASE_URL,
        timeoutMs: config.MARKETPLACE_TIMEOUT_MS,
      },
      () => clock.now(),
      etsy,
    ),
  };
  const credentials = createCredentialStore({
    pool,
    tenancy,
    cipher,
    auth: marketplaceAuth,
    now: () => clock.now(),
    onRevoked: (tenant, marketplace, reason) => recordRevocation(commandDeps, tenant, marketplace, reason, { event: { actor: 'system:token-refresh' } }),
  });
  const publishDeps: PublishDeps = {
    ...commandDeps,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    photoLink: (file) => mediaLinks.link(file),
    mapping: async (marketplace, kind, code) =>
      (kind === 'category' ? await findCategoryMapping(pool, marketplace, code, UNMAPPED[marketplace].category.inherit === true) : await findPlatformMapping(pool, marketplace, kind, code))?.external_id ?? null,
  };
  const ebayListings = ebayPublisher({ apiBaseUrl: config.EBAY_API_BASE_URL, timeoutMs: config.MARKETPLACE_TIMEOUT_MS, api: ebay });
  // Asked with the seller's token; a marketplace that cannot answer now (or a token that cannot
  // be had) refuses nothing here: the publication goes on and the marketplace decides.
  publishDeps.conditionRefusal = async (tenant, marketplace, site, categoryId, conditionId) => {
    const publisher = marketplace === 'ebay' ? ebayListings : null;
    if (!publisher?.conditionRefusal) return null;
    try {
      return await publisher.conditionRefusal(await credentials.accessToken(tenant, marketplace), site, categoryId, conditionId);
    } catch {
      return null;
    }
  };
  const listingWork: ListingWorkDeps = {
    ...publishDeps,
    credentials,
    publishers: {
      ebay: ebayListings,
      etsy: etsyPublisher({
        apiKey: config.ETSY_API_KEY,
        sharedSecret: config.ETSY_SHARED_SECRET,
        apiBaseUrl: config.ETSY_API_BASE_URL,
        timeoutMs: config.MARKETPLACE_TIMEOUT_MS,
        // Etsy takes the photos' bytes: they are read from storage, never fetched back from our own public address.
        readImage: (file) => storage.get(file),
        api: etsy,
      }),
      // Vinted's steps go to the seller's extension through its task queue.
      vinted: vintedPublisher({ pool, tenancy, clock, ids }, { taskTtlHours: config.VINTED_TASK_TTL_HOURS }),
    },
  };
  const syncDeps: SyncDeps = {
    ...productCommandDeps,
    credentials,
    orders: {
      ebay: ebayOrderReader({ apiBaseUrl: config.EBAY_API_BASE_URL, timeoutMs: config.MARKETPLACE_TIMEOUT_MS, api: ebay }),
      etsy: etsyOrderReader(etsy),
    },
    productOfListing: (tenant, marketplace, listingId) => productOfMarketplaceListing({ db: pool, tenancy }, tenant, marketplace, listingId),
    listingsToCompare: (tenant, marketplace, externalIds) => listingsToCompare({ db: pool, tenancy }, tenant, marketplace, externalIds),
  };
  const pollCursors = createPollCursors(pool, tenancy, () => clock.now());
  const pollOrders = (tenant: number, marketplace: Marketplace) => pollMarketplaceOrders({ ...syncDeps, cursors: pollCursors }, tenant, marketplace);
  const compareDeps: CompareDeps = { ...listingWork, listingsToCompare: syncDeps.listingsToCompare };
  const compareListings = async (tenant: number, marketplace: Marketplace) => {
    const comparison = await compareMarketplaceListings(compareDeps, tenant, marketplace);
    if (comparison.corrections.length > 0) logger.info({ tenant, marketplace, compared: comparison.compared, answered: comparison.answered, corrections: comparison.corrections }, 'listings corrected by the periodic comparison');
    return comparison;
  };
  // One application token per process for eBay's application-level calls (verifying pushes, the push destination).
  const ebayApplication = ebayApplicationToken({ clientId: config.EBAY_CLIENT_ID, clientSecret: config.EBAY_CLIENT_SECRET, apiBaseUrl: config.EBAY_API_BASE_URL, timeoutMs: config.MARKETPLACE_TIMEOUT_MS });
  const notificationDeps: NotificationDeps = {
    ...commandDeps,
    credentials,
    subscribers: {
      ebay: ebayNotificationSubscriber({
        apiBaseUrl: config.EBAY_API_BASE_URL,
        timeoutMs: config.MARKETPLACE_TIMEOUT_MS,
        endpoint: `${config.PUBLIC_BASE_URL}${EBAY_WEBHOOK_PATH}`,
        verificationToken: config.EBAY_NOTIFICATION_VERIFICATION_TOKEN,
        alertEmail: config.EBAY_NOTIFICATION_ALERT_EMAIL,
        applicationToken: ebayApplication,
        credentialsMissing: marketplaceAuth.ebay?.unavailable ?? null,
      }),
    },
  };
  const credits = aiCredits({ pool, tenancy, clock });
  const context = aiContext(pool, tenancy);
  const aiDescriptionDeps: AiDescriptionDeps = {
    ...commandDeps,
    products: productCommandDeps,
    provider: config.OPENAI_API_KEY ? openAiProvider({ apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, model: config.OPENAI_MODEL, timeoutMs: config.OPENAI_TIMEOUT_MS }) : null,
    credits,
    // A vision model gets each photo sized down (longest side 1,024 px), not the stored original.
    readImage: async (file) => {
      const stored = await storage.get(file);
      return stored ? downsized(stored) : null;
    },
    knownBrands: context.knownBrands,
    accountLanguage: context.accountLanguage,
  };
  if (!aiDescriptionDeps.provider) logger.info('OPENAI_API_KEY is not set: AI descriptions are written by the built-in template (free)');
  const reactors = buildReactors({ pool, tenancy, clock, ids, commands, listings: listingWork, sync: syncDeps, notifications: notificationDeps, ai: { ...aiDescriptionDeps, concurrency: config.AI_JOB_CONCURRENCY } });
  const marketplaceAccounts = createMarketplaceAccounts(pool, () => clock.now());
  const ebayNotifications = ebayNotificationVerifier({ apiBaseUrl: config.EBAY_API_BASE_URL, timeoutMs: config.MARKETPLACE_TIMEOUT_MS, applicationToken: ebayApplication });
  const connectionDeps: ConnectionDeps = { ...commandDeps, auth: marketplaceAuth, accounts: marketplaceAccounts, states: createOAuthStates(pool, cipher, () => clock.now()), credentials, returnOrigins: config.CORS_ORIGINS.map((o) => new URL(o).origin), limits };
  const recordListingOutcome = recordVintedOutcome(listingWork);
  const logResult: OnVintedTaskResult = async (tenant, task, result) => {
    logger.info({ tenant, task_id: task.id, kind: task.kind, listing_id: task.listingId, state: task.state, ok: result.ok }, 'Vinted task result');
  };
  const vintedQueue: VintedQueueDeps = {
    pool,
    tenancy,
    clock,
    ids,
    random: Math.random,
    pace: {
      writesPerHour: config.VINTED_WRITES_PER_HOUR,
      minGapMs: config.VINTED_MIN_GAP_SECONDS * 1000,
      maxGapMs: config.VINTED_MAX_GAP_SECONDS * 1000,
      leaseMs: config.VINTED_TASK_LEASE_SECONDS * 1000,
      pauseMs: config.VINTED_BLOCK_PAUSE_MINUTES * 60_000,
    },
    onResult: async (tenant, task, result) => {
      try {
        await recordListingOutcome(tenant, task, result);
      } finally {
        await (overrides.onVintedTaskResult ?? logResult)(tenant, task, result);
      }
    },
    logger,
  };
  // NOTIFY wakes waiting devices; the timer only covers a notification lost in a way reconnecting does not.
  const vintedWakeups = taskWakeups(createPostgresWatcher({ pool, tenancy, channel: VINTED_TASKS_CHANNEL, pollIntervalMs: 30_000 }));
  const processor = createProcessor({
    pool,
    tenancy,
    connectionString: databaseUrl,
    store: eventStore,
    projections,
    reactors,
    logger,
    clock,
    ids,
    ...(overrides.processing ?? {}),
    housekeeping: [
      {
        name: 'upkeep',
        everyMs: 60 * 60_000,
        run: async (tenant) => {
          await purgeIdempotencyKeys(pool, tenancy, tenant, config.IDEMPOTENCY_KEY_TTL_HOURS);
          // Tasks no device came for still expire, and their listeners hear of it.
          await settleVintedTasks(vintedQueue, tenant);
          // Outcomes whose listing did not hear of them (a process stopped in between) are told again.
          await retellVintedResults(vintedQueue, tenant);
        },
      },
      // eBay's and Etsy's orders, polled under the notifications (a push can be lost).
      ...(config.EBAY_POLL_SECONDS > 0 ? [{ name: 'ebay_orders_poll', everyMs: config.EBAY_POLL_SECONDS * 1000, run: async (tenant: number) => void (await pollOrders(tenant, 'ebay')) }] : []),
      ...(config.ETSY_POLL_SECONDS > 0 ? [{ name: 'etsy_orders_poll', everyMs: config.ETSY_POLL_SECONDS * 1000, run: async (tenant: number) => void (await pollOrders(tenant, 'etsy')) }] : []),
      // Connected eBay accounts that eBay does not push yet (it could not be reached, or refused): asked again.
      ...(config.SYNC_COMPARE_MINUTES > 0
        ? [
            {
              name: 'ebay_notifications_check',
              everyMs: config.SYNC_COMPARE_MINUTES * 60_000,
              run: async (tenant: number) => {
                if (await awaitingNotifications({ db: pool, tenancy }, tenant, 'ebay')) await subscribeNotifications(notificationDeps, tenant, 'ebay', { event: { actor: 'system:notifications-check' } });
              },
            },
          ]
        : []),
      // Our listings against what eBay and Etsy say of them: the drift nobody told us about.
      ...(config.SYNC_COMPARE_MINUTES > 0
        ? (['ebay', 'etsy'] as const).map((marketplace) => ({ name: `${marketplace}_listings_comparison`, everyMs: config.SYNC_COMPARE_MINUTES * 60_000, run: async (tenant: number) => void (await compareListings(tenant, marketplace)) }))
        : []),
    ],
  });
  let processing = false;
  const passwordPepper = resolvePasswordPepper(config, logger);
  const container: Container = {
    config,
    logger,
    pool,
    tenancy,
    knex,
    redis,
    clock,
    ids,
    jwtSecret,
    mediaLinks,
    passwordPepper,
    limiter: limiterFactory(circuit),
    throttles: throttles(circuit),
    passwordHashing: boundedPasswordHashing(passwordPepper, { concurrency: config.PASSWORD_HASH_CONCURRENCY, queue: config.PASSWORD_HASH_QUEUE }),
    eventStore,
    projections,
    reactors,
    processor,
    storage,
    references,
    idempotency: idempotencyKeys(pool, tenancy, config.IDEMPOTENCY_KEY_TTL_HOURS),
    commandDeps,
    productCommandDeps,
    commands,
    marketplaceAuth,
    credentials,
    connectionDeps,
    marketplaceAccounts,
    ebayNotifications,
    pollOrders,
    compareListings,
    syncDeps,
    publishDeps,
    vintedQueue,
    vintedWakeups,
    planLimits: limits,
    aiCredits: credits,
    aiDescriptionDeps,
    subscriptionDeps,
    subscriptionSummary: async (tenant) => {
      const s = await getSubscription({ pool, tenancy, clock }, tenant);
      return { plan: s.plan.code, status: s.status, limits: s.limits };
    },
    billingProvider: config.BILLING_WEBHOOK_SECRET ? stripeBilling(config.BILLING_WEBHOOK_SECRET, config.BILLING_WEBHOOK_TOLERANCE_SECONDS) : null,
    billingRecords: createBillingRecords(pool, () => clock.now()),
    vintedTasks: {
      enqueue: (tenant, input) => enqueueVintedTask(vintedQueue, tenant, input),
      cancel: (tenant, listingId) => cancelVintedTasks(vintedQueue, tenant, listingId),
    },
    async startProcessing() {
      processing = true;
      await processor.start();
    },
    async close() {
      if (processing) await processor.stop();
      await vintedWakeups.close();
      await eventStore.close();
      circuit?.close();
      redis?.disconnect();
      await Promise.allSettled([pool.end(), knex.destroy()]);
    },
  };
  return container;
}
