import type { Express } from 'express';
import { accountRoutes, bearerAuthenticator } from '../accounts/routes';
import { eventFeedRoutes } from '../audit/event-feed';
import { mediaRouter, productRoutes } from '../products/routes';
import { imageStorage } from '../infra/storage';
import type { Services } from '../services';
import { createApp } from './app';
import { healthCheck } from './health';
import type { AnyRoute } from './route';
import { projectionLag } from '../engine/lag';
import { listNotificationsRoute } from '../queries/list-notifications';
import { markNotificationReadRoute } from '../notifications/mark-notification-read';
import { listReactionFailuresRoute } from '../queries/list-reaction-failures';

/** Every feature's routes, in the order they appear in the OpenAPI document. */
export function apiRoutes(services: Services): AnyRoute[] {
  return [...accountRoutes(services), ...productRoutes(services), listNotificationsRoute(services), markNotificationReadRoute(services), listReactionFailuresRoute(services), ...eventFeedRoutes(services)];
}

export function buildApp(services: Services): Express {
  const { config } = services;
  return createApp({
    logger: services.logger,
    corsOrigins: config.CORS_ORIGINS,
    trustProxyHops: config.TRUST_PROXY_HOPS,
    routes: apiRoutes(services),
    routers: [mediaRouter(imageStorage(config.STOFLOW_DATA_DIR))],
    authenticate: bearerAuthenticator(services),
    health: healthCheck({
      pool: services.pool,
      redis: services.redis,
      extra: { projections: projectionLag({ pool: services.pool, consumers: [...services.projections, ...services.reactors] }) },
    }),
    apiLimiter: services.limiter({ name: 'api', windowMs: 60_000, limit: config.RATE_LIMIT_GLOBAL_PER_MINUTE }),
  });
}
