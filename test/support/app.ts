import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/infra/logger';
import { buildApp } from '../../src/app/app';
import { buildContainer, type ContainerOverrides as ServiceOverrides, type Container as Services } from '../../src/app/container';
import { databaseUrl } from './db';
import { tenantsOf } from './tenants';

let apps = 0;

export interface TestApp {
  app: Express;
  services: Services;
  config: Config;
  close(): Promise<void>;
}

/** The real app on the real test database and Redis; `env` overrides configuration variables. */
export async function startTestApp(env: Record<string, string | undefined> = {}, overrides: ServiceOverrides = {}): Promise<TestApp> {
  const config = loadConfig({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    DATABASE_URL: databaseUrl(),
    REDIS_URL: process.env.REDIS_URL,
    STOFLOW_DATA_DIR: process.env.STOFLOW_TEST_DATA_DIR ?? '/tmp/stoflow-test-data',
    DATABASE_POOL_MAX: '10',
    // Every test connects from 127.0.0.1 and shares one Redis: the limits of a real deployment
    // would throttle unrelated tests. The rate-limit tests set their own.
    RATE_LIMIT_REGISTER_PER_IP_HOUR: '10000',
    RATE_LIMIT_LOGIN_PER_IP: '10000',
    RATE_LIMIT_LOGIN_ATTEMPTS_PER_IP_MINUTE: '1000000',
    RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
    // Marketplace polls run when a test asks (services.pollOrders), never into another test's faults or assertions.
    EBAY_POLL_SECONDS: '0',
    ETSY_POLL_SECONDS: '0',
    ...env,
  });
  const logger = createLogger({ level: config.LOG_LEVEL });
  // Its own processing group (advisory-lock keys per process and app), serving the tenants it registered.
  const group = 1 + ((process.pid % 10_000) * 100 + (apps++ % 100));
  const registering: { app?: Express } = {};
  const processing = { group, listTenants: async () => (registering.app ? tenantsOf(registering.app) : []) };
  const services = buildContainer(config, logger, { url: config.DATABASE_URL ?? databaseUrl(), ownerUrl: config.DATABASE_OWNER_URL }, { processing, ...overrides });
  const app = buildApp(services);
  registering.app = app;
  return { app, services, config, close: () => services.close() };
}
