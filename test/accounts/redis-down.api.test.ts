import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { freePort, redisReady, registerAccount, spawnRedisServer, startAccountsApp, uniqueIp, type Registered } from './support';

/**
 * This test owns its Redis and kills it (SIGKILL) halfway. A stall would show as this test timing
 * out: the Redis client fails fast (no offline queue, short command timeout) and the limiters
 * switch to process memory.
 *
 * The memory counts start when Redis fails: failures counted in Redis before the outage are not
 * carried over, so one process allows at most one extra allowance per window across the switch.
 * What matters, and what is proven here, is that login is still throttled without Redis. Redis
 * is then started again, so the client reconnects and the app closes cleanly.
 */
describe('When Redis goes away mid-run', () => {
  let redis: ChildProcess;
  let port: number;
  let t: TestApp;
  let account: Registered;
  const ip = uniqueIp();
  const startRedis = () => {
    redis = spawnRedisServer(port);
  };
  beforeAll(async () => {
    port = await freePort();
    startRedis();
    t = await startAccountsApp({ REDIS_URL: `redis://127.0.0.1:${port}`, TRUST_PROXY_HOPS: '1' });
    await redisReady(t.services.redis);
    account = await registerAccount(t.app);
  });
  afterAll(async () => {
    await t.close();
    if (redis.exitCode === null && redis.signalCode === null) redis.kill('SIGKILL');
  });

  const login = (password = 'Wrong-password-1') => request(t.app).post('/api/auth/login').set('X-Forwarded-For', ip).send({ email: account.email, password });

  it('Then ordinary endpoints keep answering and login is still throttled, from memory', async () => {
    const before = await Promise.all([login(), login(), login()]);
    expect(before.map((r) => r.status)).toEqual([401, 401, 401]);
    expect((await t.services.redis!.keys('rl:login-email:*')).length).toBe(1); // counted in Redis so far

    redis.kill('SIGKILL');
    await once(redis, 'exit');

    const health = await request(t.app).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.checks.database.status).toBe('ok');
    expect(health.body.checks.redis.status).toBe('degraded');
    const me = await request(t.app).get('/api/auth/me').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${account.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(account.email);
    const refreshed = await request(t.app).post('/api/auth/refresh').set('X-Forwarded-For', ip).send({ refresh_token: account.refreshToken });
    expect(refreshed.status).toBe(200);

    // The fallback starts fresh: five more failures from this address are answered
    // (RATE_LIMIT_LOGIN_PER_EMAIL_IP), the next one is refused, even with the right password.
    const after = await Promise.all(Array.from({ length: 5 }, () => login()));
    expect(after.map((r) => r.status)).toEqual(Array(5).fill(401));
    const blocked = await login(account.password);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);

    // Redis back on the same port: the client reconnects on its own and health says so.
    startRedis();
    await redisReady(t.services.redis);
    const healed = await request(t.app).get('/health');
    expect(healed.body.checks.redis.status).toBe('ok');
  }, 20_000);
});
