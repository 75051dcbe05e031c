import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { freePort, redisReady, registerAccount, spawnRedisServer, startAccountsApp, uniqueEmail, uniqueIp, type Registered } from './support';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const emailCounter = (email: string) => `rl:login-email:${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32)}`;

/**
 * A Redis that hangs (TCP open, no answer: SIGSTOP, a stuck host) keeps the client "ready", so
 * every command waits for its timeout. This test owns a redis-server and reaches it through a
 * proxy that it freezes. Latencies are compared with the same test's baseline, with a margin far
 * above the noise of a busy machine and far below the command timeout every request used to pay.
 */
describe('When Redis hangs', () => {
  let redis: ChildProcess;
  let direct: Redis;
  let proxy: TcpProxy;
  let t: TestApp;
  let account: Registered;
  const ip = uniqueIp();

  beforeAll(async () => {
    const port = await freePort();
    redis = spawnRedisServer(port);
    direct = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50 });
    direct.on('error', () => undefined); // refused until redis-server listens
    await redisReady(direct);
    proxy = await startTcpProxy({ host: '127.0.0.1', port });
    t = await startAccountsApp({ REDIS_URL: `redis://127.0.0.1:${proxy.port}`, TRUST_PROXY_HOPS: '1', RATE_LIMIT_LOGIN_PER_EMAIL: '3', RATE_LIMIT_LOGIN_DELAY_BASE_SECONDS: '60' });
    await redisReady(t.services.redis);
    account = await registerAccount(t.app);
  });
  afterAll(async () => {
    await proxy.heal();
    await t.close();
    await proxy.close();
    direct.disconnect();
    redis.kill('SIGKILL');
  });

  const me = () => request(t.app).get('/api/auth/me').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${account.accessToken}`);
  const login = (email: string) => request(t.app).post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password: 'Wrong-password-1' });
  const timedMe = async () => {
    const started = performance.now();
    const res = await me();
    expect(res.status).toBe(200);
    return performance.now() - started;
  };

  it('Then, once the circuit opens, requests answer without waiting on Redis, login stays limited, and Redis is used again when it answers', async () => {
    const baseline: number[] = [];
    for (let i = 0; i < 20; i++) baseline.push(await timedMe());
    expect(Number(await direct.get(`rl:api:${ip}`))).toBeGreaterThanOrEqual(20); // counted in Redis

    proxy.freeze();
    // A few requests pay the command timeout before the circuit opens.
    for (let i = 0; i < 5; i++) await timedMe();
    const hung: number[] = [];
    for (let i = 0; i < 20; i++) hung.push(await timedMe());
    expect(median(hung)).toBeLessThan(median(baseline) + 100);

    // Login is still limited (3 failures per email here, then a minute's wait), from process memory.
    const email = uniqueEmail('Hung');
    const failures = [];
    for (let i = 0; i < 3; i++) failures.push((await login(email)).status);
    expect(failures).toEqual([401, 401, 401]);
    const blocked = await login(email);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();

    await proxy.heal();
    // Redis answers again: a new failure is soon counted there, not in memory only.
    const deadline = Date.now() + 30_000;
    let counted = 0;
    while (counted === 0 && Date.now() < deadline) {
      const probe = uniqueEmail('Back');
      expect((await login(probe)).status).toBe(401);
      counted = Number(await direct.get(emailCounter(probe)));
      if (counted === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(counted).toBe(1);
  }, 90_000);
});
