/* The HTTP application of a container: the shell, the routes, health and the media files. */
import type { Express } from 'express';
import { bearerAuthenticator } from '../accounts/authenticate';
import { projectionLag } from '../engine/lag';
import { createApp } from '../http/app';
import { healthCheck } from '../http/health';
import { mediaRouter } from '../http/media';
import type { Container } from './container';
import { apiRoutes } from './routes';

export function buildApp(c: Container): Express {
  const { config } = c;
  return createApp({
    logger: c.logger,
    corsOrigins: config.CORS_ORIGINS,
    trustProxyHops: config.TRUST_PROXY_HOPS,
    routes: apiRoutes(c),
    routers: [mediaRouter(c.storage, c.mediaLinks)],
    authenticate: bearerAuthenticator(c),
    health: healthCheck({
      pool: c.pool,
      redis: c.redis,
      extra: { projections: projectionLag({ pool: c.pool, tenancy: c.tenancy, store: c.eventStore, consumers: [...c.projections, ...c.reactors] }) },
    }),
    apiLimiter: c.limiter({ name: 'api', windowMs: 60_000, limit: config.RATE_LIMIT_GLOBAL_PER_MINUTE }),
  });
}
