/*
 * The route registry: every route of the API, in the order the OpenAPI document lists them, each
 * given only the dependencies it declares.
 */
import { accountRoutes } from '../accounts/routes';
import { bearerAuthenticator } from '../accounts/authenticate';
import { consumerKeyRoutes, feedAuthenticator } from '../accounts/consumer-keys';
import { deviceAuthenticator } from '../accounts/device-auth';
import { deviceRoutes } from '../accounts/devices';
import { eventFeedRoutes } from '../audit/event-feed';
import { productHistoryRoute } from '../audit/product-history';
import { addCustomBrandRoute } from '../commands/brands/add-custom-brand';
import { addProductImagesRoute } from '../commands/products/add-product-images';
import { archiveProductRoute } from '../commands/products/archive-product';
import { createProductRoute } from '../commands/products/create-product';
import { editProductRoute } from '../commands/products/edit-product';
import { recordSaleRoute } from '../commands/products/record-sale';
import { removeProductImageRoute } from '../commands/products/remove-product-image';
import { reorderProductImagesRoute } from '../commands/products/reorder-product-images';
import { connectionRoutes } from '../commands/connections/connect-marketplace';
import { disconnectMarketplace, manageConnectionRoutes } from '../commands/connections/manage-connection';
import { EBAY_WEBHOOK_PATH, ebayWebhookRoutes } from '../commands/sync/ebay-webhooks';
import { etsyWebhookRoutes } from '../commands/sync/etsy-webhooks';
import { verifyEtsyWebhook } from '../marketplaces/etsy/webhooks';
import { ebayChallengeResponse } from '../marketplaces/ebay/notifications';
import { manageListingRoutes } from '../commands/listings/manage-listing';
import { publishProductRoute } from '../commands/listings/publish-product';
import { afterDeviceRevoked } from '../commands/vinted/device-revoked';
import { pairExtensionRoute } from '../commands/vinted/pair-extension';
import { recordObservationsRoute } from '../commands/vinted/record-observations';
import { vintedTaskRoutes } from '../commands/vinted/task-routes';
import type { AnyRoute } from '../http/route';
import { listingRoutes } from '../queries/listings/list-listings';
import { syncRoutes } from '../queries/sync/order-lines';
import { oversellRoutes } from '../queries/sync/oversells';
import { syncActivityRoutes } from '../queries/sync/activity';
import { recordSaleCostsRoute } from '../commands/products/record-sale-costs';
import { resolveOversellRoute } from '../commands/products/resolve-oversell';
import { returnSaleRoute } from '../commands/products/return-sale';
import { listIntegrationsRoute } from '../queries/connections/list-integrations';
import { listAttributesRoute } from '../queries/catalogue/attributes';
import { listCategoriesRoute } from '../queries/catalogue/categories';
import { listMappingsRoute } from '../queries/catalogue/mappings';
import { markNotificationReadRoute } from '../notifications/mark-notification-read';
import { listNotificationsRoute } from '../notifications/list-notifications';
import { listReactionFailuresRoute } from '../queries/processing/list-reaction-failures';
import { analyticsRoutes } from '../queries/analytics/routes';
import { getProductRoute } from '../queries/products/get-product';
import { listProductsRoute } from '../queries/products/list-products';
import { subscriptionRoutes } from '../billing/subscription-routes';
import { billingWebhookRoutes } from '../commands/subscription/billing-webhook';
import { generateAiDescriptionRoute } from '../commands/ai/generate-description';
import { requestAiDescriptionsRoute } from '../commands/ai/request-descriptions';
import { aiGenerationRoutes } from '../queries/ai/generations';
import { aiJobRoutes } from '../queries/ai/jobs';
import { changeShopSettingsRoute } from '../commands/shop/change-time-zone';
import { getShopSettingsRoute } from '../queries/shop/get-settings';
import type { Container } from './container';

export function apiRoutes(c: Container): AnyRoute[] {
  const products = c.productCommandDeps;
  const { pool, storage, logger } = c;
  const reads = { db: pool, tenancy: c.tenancy };
  const device = deviceAuthenticator(c);
  // The event feed takes a user's access token or a consumer key; every other route the token only.
  const feed = feedAuthenticator({ pool, clock: c.clock, bearer: bearerAuthenticator(c), onUsedError: (err) => logger.warn({ err }, 'consumer key: last_used_at not written') });
  return [
    ...accountRoutes(c),
    createProductRoute({ ...products, idempotency: c.idempotency }),
    listProductsRoute(reads),
    getProductRoute(reads),
    editProductRoute(products),
    archiveProductRoute(c.commandDeps),
    recordSaleRoute({ ...products, idempotency: c.idempotency }),
    addProductImagesRoute({ ...products, storage }),
    removeProductImageRoute({ ...c.commandDeps, storage, logger }),
    reorderProductImagesRoute(products),
    productHistoryRoute(c.eventStore),
    generateAiDescriptionRoute(c.aiDescriptionDeps),
    requestAiDescriptionsRoute(c.aiDescriptionDeps),
    ...aiJobRoutes(reads),
    ...aiGenerationRoutes(reads),
    listCategoriesRoute(pool),
    listMappingsRoute(pool),
    addCustomBrandRoute({ ...c.commandDeps, sharedBrand: c.references.sharedBrand }),
    listAttributesRoute(reads),
    listNotificationsRoute(reads),
    markNotificationReadRoute({ ...reads, clock: c.clock }),
    listReactionFailuresRoute(reads),
    ...subscriptionRoutes({ pool, tenancy: c.tenancy, clock: c.clock }),
    listIntegrationsRoute({ ...reads, now: () => c.clock.now(), unavailable: Object.fromEntries(Object.entries(c.marketplaceAuth).map(([m, a]) => [m, a?.unavailable ?? null])) }),
    ...connectionRoutes(c.connectionDeps),
    ...manageConnectionRoutes(c.connectionDeps),
    publishProductRoute(c.publishDeps),
    ...listingRoutes(reads),
    ...syncRoutes(reads),
    ...oversellRoutes(reads),
    ...syncActivityRoutes(reads),
    resolveOversellRoute(c.commandDeps),
    recordSaleCostsRoute(c.commandDeps),
    returnSaleRoute(c.commandDeps),
    ...manageListingRoutes(c.commandDeps),
    ...deviceRoutes({
      pool,
      clock: c.clock,
      ids: c.ids,
      onRevoked: (tenant, deviceId, remaining, who) => afterDeviceRevoked({ ...c.commandDeps, pool, tenancy: c.tenancy }, tenant, deviceId, remaining, who),
    }),
    pairExtensionRoute({ ...c.commandDeps, pool, limits: c.planLimits }, device),
    ...vintedTaskRoutes({ ...c.vintedQueue, wakeups: c.vintedWakeups, store: c.eventStore, photoLink: c.publishDeps.photoLink }, device),
    recordObservationsRoute({ ...c.vintedQueue, store: c.eventStore, commands: c.commandDeps, productOfListing: c.syncDeps.productOfListing, listingsToCompare: c.syncDeps.listingsToCompare }, device),
    ...ebayWebhookRoutes({
      commands: c.commandDeps,
      verifier: c.ebayNotifications,
      accounts: c.marketplaceAccounts,
      // eBay's account deletion: Stoflow forgets the account (tokens destroyed, the route removed), listings stay as history.
      disconnect: async (tenant, notificationId) => {
        await disconnectMarketplace(c.connectionDeps, tenant, 'ebay', { event: { actor: 'marketplace:ebay', causation_id: notificationId, reason: 'marketplace_account_deletion' } });
      },
      configured: c.config.EBAY_NOTIFICATION_VERIFICATION_TOKEN !== undefined,
      challengeResponse: (code) => {
        const token = c.config.EBAY_NOTIFICATION_VERIFICATION_TOKEN;
        return token ? ebayChallengeResponse(code, token, `${c.config.PUBLIC_BASE_URL}${EBAY_WEBHOOK_PATH}`) : null;
      },
      logger,
    }),
    ...etsyWebhookRoutes({
      sync: c.syncDeps,
      verify: c.config.ETSY_WEBHOOK_SECRET
        ? (headers, body) => verifyEtsyWebhook(c.config.ETSY_WEBHOOK_SECRET!, headers, body, Math.floor(c.clock.now().getTime() / 1000))
        : null,
      accounts: c.marketplaceAccounts,
      logger,
    }),
    ...billingWebhookRoutes({ subscription: c.subscriptionDeps, provider: c.billingProvider, records: c.billingRecords, logger }),
    getShopSettingsRoute(reads),
    changeShopSettingsRoute(c.commandDeps),
    ...analyticsRoutes({ ...reads, now: () => c.clock.now(), logger }),
    ...consumerKeyRoutes({ pool, clock: c.clock, ids: c.ids }),
    ...eventFeedRoutes({
      eventStore: c.eventStore,
      authenticator: feed,
      logger,
      maxStreamsPerTenant: c.config.EVENT_STREAMS_PER_TENANT,
      maxStreamsPerConsumer: c.config.EVENT_STREAMS_PER_CONSUMER,
      streamBufferBytes: c.config.EVENT_STREAM_BUFFER_KB * 1024,
    }),
  ];
}
