import { createHash } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { startTestApp } from '../support/app';
import { PASSWORD, redisReady, registerAccount, uniqueEmail, uniqueIp } from './support';

/**
 * Limits are counted in the shared test Redis. Each test speaks from its own addresses (one proxy
 * hop trusted, X-Forwarded-For set) and its own emails, so tests never throttle each other.
 */
describe('Rate limits in Redis', () => {
  let replicaA: TestApp;
  let replicaB: TestApp;
  beforeAll(async () => {
    // The production defaults, not the relaxed ones other test files use, but for the account's
    // first wait: a minute instead of a second, so a refusal cannot expire while a busy machine
    // runs the next request (the growing waits are proven in login-lockout.api.test.ts).
    const defaults = {
      TRUST_PROXY_HOPS: '1',
      RATE_LIMIT_LOGIN_PER_IP: undefined,
      RATE_LIMIT_LOGIN_ATTEMPTS_PER_IP_MINUTE: undefined,
      RATE_LIMIT_REGISTER_PER_IP_HOUR: undefined,
      RATE_LIMIT_GLOBAL_PER_MINUTE: undefined,
      RATE_LIMIT_LOGIN_DELAY_BASE_SECONDS: '60',
    };
    [replicaA, replicaB] = await Promise.all([startTestApp(defaults), startTestApp(defaults)]);
    await Promise.all([redisReady(replicaA.services.redis), redisReady(replicaB.services.redis)]);
  });
  afterAll(async () => Promise.all([replicaA.close(), replicaB.close()]));

  const login = (t: TestApp, ip: string, email: string, password = 'Wrong-password-1') =>
    request(t.app).post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });
  const times = <T>(n: number, fn: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => fn(i)));
  const emailCounter = (email: string) => `rl:login-email:${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32)}`;

  it('When the defaults apply, then login allows 10 failures per email before waits, 5 per email and address and 20 per address in 15 minutes, 10 attempts per address a minute, and trust proxy is a hop count', () => {
    expect(replicaA.config.RATE_LIMIT_LOGIN_PER_EMAIL).toBe(10);
    expect(replicaA.config.RATE_LIMIT_LOGIN_PER_EMAIL_IP).toBe(5);
    expect(replicaA.config.RATE_LIMIT_LOGIN_PER_IP).toBe(20);
    expect(replicaA.config.RATE_LIMIT_LOGIN_ATTEMPTS_PER_IP_MINUTE).toBe(10);
    expect(replicaA.config.RATE_LIMIT_LOGIN_DELAY_MAX_SECONDS).toBe(300);
    expect(replicaA.app.get('trust proxy')).toBe(1);
  });

  it('When an unknown email fails 10 times across two replicas and addresses, then the 11th attempt must wait: 429 with Retry-After', async () => {
    const email = uniqueEmail('Ghost');
    const onA = await times(5, () => login(replicaA, uniqueIp(), email));
    const onB = await times(5, () => login(replicaB, uniqueIp(), email.toUpperCase()));
    expect([...onA, ...onB].map((r) => r.status)).toEqual(Array(10).fill(401));
    expect(Number(await replicaA.services.redis!.get(emailCounter(email)))).toBe(10);

    const blocked = await login(replicaA, uniqueIp(), email);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blocked.body).toMatchObject({ status: 429, title: 'Too Many Requests', code: 'rate_limited' });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it('When one address fails 5 times on a real account across replicas (successes not counted), then even the right password gets 429 from there, but not from another address', async () => {
    const ip = uniqueIp();
    const account = await registerAccount(replicaA.app, { email: uniqueEmail('Target') });
    const failures = await times(4, (i) => login(i % 2 ? replicaA : replicaB, ip, account.email));
    expect(failures.map((r) => r.status)).toEqual(Array(4).fill(401));
    expect((await login(replicaB, ip, account.email, PASSWORD)).status).toBe(200); // does not count
    expect((await login(replicaA, ip, account.email)).status).toBe(401); // the 5th failure
    const blocked = await login(replicaB, ip, account.email, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(10 * 60);
    // The owner, elsewhere, is not locked out; another account from the same address is let through.
    expect((await login(replicaA, uniqueIp(), account.email, PASSWORD)).status).toBe(200);
    expect((await login(replicaA, ip, uniqueEmail('bystander'))).status).toBe(401);
  });

  it('When one address fails RATE_LIMIT_LOGIN_PER_IP times with different emails, then its next attempt is 429 while another address is not limited', async () => {
    // The default is 20 (checked above); 5 here spares the test fifteen bcrypt compares.
    const t = await startTestApp({ TRUST_PROXY_HOPS: '1', RATE_LIMIT_LOGIN_PER_IP: '5' });
    try {
      await redisReady(t.services.redis);
      const ip = uniqueIp();
      const failures = await times(5, () => login(t, ip, uniqueEmail('spray')));
      expect(failures.map((r) => r.status)).toEqual(Array(5).fill(401));
      expect(Number(await t.services.redis!.get(`rl:login-ip:${ip}`))).toBe(5);
      const blocked = await login(t, ip, uniqueEmail('spray'));
      expect(blocked.status).toBe(429);
      expect(blocked.headers['retry-after']).toBeDefined();
      expect((await login(t, uniqueIp(), uniqueEmail('spray'))).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('When one address registers more than RATE_LIMIT_REGISTER_PER_IP_HOUR times in an hour, then it gets 429 for about an hour', async () => {
    const ip = uniqueIp();
    const limit = replicaA.config.RATE_LIMIT_REGISTER_PER_IP_HOUR;
    // Every attempt counts, failed or not: cheap invalid ones use up the allowance.
    const attempts = await times(limit, (i) => request((i % 2 ? replicaA : replicaB).app).post('/api/auth/register').set('X-Forwarded-For', ip).send({ email: 'not-an-email' }));
    expect(attempts.map((r) => r.status)).toEqual(Array(limit).fill(400));
    const blocked = await request(replicaA.app)
      .post('/api/auth/register')
      .set('X-Forwarded-For', ip)
      .send({ email: uniqueEmail(), password: PASSWORD, full_name: 'Blocked', account_type: 'individual' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(50 * 60);
    expect(blocked.body.code).toBe('rate_limited');
    const elsewhere = await request(replicaA.app).post('/api/auth/register').set('X-Forwarded-For', uniqueIp()).send({ email: 'not-an-email' });
    expect(elsewhere.status).toBe(400);
  });
});

describe('Global per-address limit on the API', () => {
  it('When an address passes RATE_LIMIT_GLOBAL_PER_MINUTE, then /api answers 429, a forged X-Forwarded-For prefix does not help, and /health is not limited', async () => {
    const t = await startTestApp({ TRUST_PROXY_HOPS: '1', RATE_LIMIT_GLOBAL_PER_MINUTE: '5' });
    try {
      await redisReady(t.services.redis);
      const ip = uniqueIp();
      // Only the last hop (the one our proxy appended) is trusted: rotating the first entry changes nothing.
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push(await request(t.app).get('/api/auth/me').set('X-Forwarded-For', `198.51.100.${i}, ${ip}`));
      expect(sent.map((r) => r.status)).toEqual(Array(5).fill(401));
      const blocked = await request(t.app).get('/api/auth/me').set('X-Forwarded-For', `198.51.100.99, ${ip}`);
      expect(blocked.status).toBe(429);
      expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(Number(await t.services.redis!.get(`rl:api:${ip}`))).toBeGreaterThanOrEqual(6);
      expect((await request(t.app).get('/health').set('X-Forwarded-For', ip)).status).toBe(200);
      expect((await request(t.app).get('/api/auth/me').set('X-Forwarded-For', uniqueIp())).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
