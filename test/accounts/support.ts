import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import type { Clock } from '../../src/infra/clock';
import type { Redis } from '../../src/infra/redis';
import type { ContainerOverrides as ServiceOverrides } from '../../src/app/container';
import { startTestApp, type TestApp } from '../support/app';
import { noteTenant } from '../support/tenants';

/** Accepted by the password policy; tests that care about the password say so. */
export const PASSWORD = 'Velvet-Jacket-1987';

/**
 * The app with per-IP limits out of the way: every test connects from 127.0.0.1 and the counters
 * live in the one shared Redis. The limits themselves are proven in rate-limits.api.test.ts.
 */
export function startAccountsApp(env: Record<string, string> = {}, overrides: ServiceOverrides = {}): Promise<TestApp> {
  return startTestApp({ RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000', RATE_LIMIT_REGISTER_PER_IP_HOUR: '10000', RATE_LIMIT_LOGIN_PER_IP: '10000', RATE_LIMIT_LOGIN_ATTEMPTS_PER_IP_MINUTE: '1000000', ...env }, overrides);
}

/** Unique per call across both workers: tests never share an account. */
export function uniqueEmail(label = 'seller'): string {
  return `${label}.${process.pid}.${randomBytes(6).toString('hex')}@example.test`;
}

/** A random private address per test, so per-IP limits of different tests never meet. */
export function uniqueIp(): string {
  return `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

export interface Registered {
  email: string;
  password: string;
  userId: string;
  tenantId: number;
  accessToken: string;
  refreshToken: string;
}

export async function registerAccount(app: Express, fields: Record<string, unknown> = {}): Promise<Registered> {
  const email = (fields.email as string | undefined) ?? uniqueEmail();
  const password = (fields.password as string | undefined) ?? PASSWORD;
  // A fresh address each time: apps that trust a proxy hop count this registration on it alone,
  // never on a counter every other test file also feeds.
  const res = await request(app)
    .post('/api/auth/register')
    .set('X-Forwarded-For', uniqueIp())
    .send({ email, password, full_name: 'Camille Martin', account_type: 'individual', ...fields });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  noteTenant(app, res.body.tenant_id as number);
  return { email, password, userId: res.body.user_id, tenantId: res.body.tenant_id, accessToken: res.body.access_token, refreshToken: res.body.refresh_token };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server of the test's own (the Debian binary the global setup found), on `port`, that
 * the test may kill, stop or start again: the shared one must never be disturbed.
 */
export function spawnRedisServer(port: number): ChildProcess {
  const bin = process.env.STOFLOW_TEST_REDIS_BIN;
  if (!bin) throw new Error('STOFLOW_TEST_REDIS_BIN is not set: run through jest (global setup)');
  return spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
}

/** The client refuses commands until connected (no offline queue): wait, so limits count in Redis. */
export async function redisReady(redis: Redis | undefined): Promise<Redis> {
  if (!redis) throw new Error('these tests need REDIS_URL');
  // Not events.once: it rejects on the 'error' a reconnect attempt emits before Redis is back.
  if (redis.status !== 'ready') await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  return redis;
}

/** A clock the test moves by hand. */
export function manualClock(start = new Date()): Clock & { advance(ms: number): void } {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}
