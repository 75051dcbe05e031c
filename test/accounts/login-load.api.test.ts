import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { PASSWORD, redisReady, registerAccount, startAccountsApp, uniqueEmail, uniqueIp, type Registered } from './support';

/**
 * A flood of logins, right or wrong, must neither go unlimited nor starve the rest of the API.
 * Here one address may try 3 times a minute, and bcrypt runs one computation at a time with two
 * more waiting (production: 10, 2 and 4). Every caller speaks from its own address (one proxy hop
 * trusted) unless the test is about one address. Latencies are only compared with each other or
 * with bounds far above a busy machine's noise: this is not a benchmark.
 */
describe('Logins under load', () => {
  let t: TestApp;
  let seller: Registered;
  let other: Registered;
  beforeAll(async () => {
    // Refusals answered at once here; the pause before them has its own tests below.
    t = await startAccountsApp({ TRUST_PROXY_HOPS: '1', RATE_LIMIT_LOGIN_ATTEMPTS_PER_IP_MINUTE: '3', PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '2', PASSWORD_BUSY_PAUSE_MS: '0' });
    await redisReady(t.services.redis);
    seller = await registerAccount(t.app, { email: uniqueEmail('Load.Seller') });
    other = await registerAccount(t.app, { email: uniqueEmail('Load.Other') });
  });
  afterAll(async () => t.close());

  const login = (ip: string, email: string, password = 'Wrong-password-1') => request(t.app).post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });
  const timed = async <T>(send: () => Promise<T>) => {
    const started = performance.now();
    const res = await send();
    return { res, ms: performance.now() - started };
  };
  const gate = () => t.services.passwordHashing.stats();
  async function until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
      await sleep(2);
    }
  }

  it('When one address signs in correctly more often than RATE_LIMIT_LOGIN_ATTEMPTS_PER_IP_MINUTE, across accounts, then the next sign-in is 429 with Retry-After, and another address still signs in', async () => {
    const ip = uniqueIp();
    const signedIn = [];
    for (const account of [seller, other, seller]) signedIn.push((await login(ip, account.email, PASSWORD)).status);
    expect(signedIn).toEqual([200, 200, 200]);

    const blocked = await login(ip, other.email, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blocked.body).toMatchObject({ status: 429, title: 'Too Many Requests', code: 'rate_limited' });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect((await login(uniqueIp(), other.email, PASSWORD)).status).toBe(200);
  });

  it('When more logins arrive at once than bcrypt runs and queues, then the excess is refused at once with 503 and Retry-After: 1, the gate never holds more than its bound, and other endpoints answer meanwhile', async () => {
    const refusedBefore = gate().refused;
    const flood = Array.from({ length: 10 }, () => timed(() => login(uniqueIp(), uniqueEmail('flood'))));

    await until(() => gate().running === 1, 'a login computing bcrypt');
    const health = await timed(() => request(t.app).get('/health'));
    const me = await timed(() => request(t.app).get('/api/auth/me').set('X-Forwarded-For', uniqueIp()).set('Authorization', `Bearer ${seller.accessToken}`));
    const answers = await Promise.all(flood);

    expect(health.res.status).toBe(200);
    expect(me.res.status).toBe(200);
    expect(me.res.body.user.id).toBe(seller.userId);
    // A busy machine's noise is well under this; a request queued behind bcrypt would not be.
    expect(health.ms).toBeLessThan(2000);
    expect(me.ms).toBeLessThan(2000);

    const busy = answers.filter((a) => a.res.status === 503);
    const checked = answers.filter((a) => a.res.status === 401);
    expect(busy.length + checked.length).toBe(10);
    // 1 computing and 2 waiting when the ten arrive together: the other 7 are refused, give or take
    // one let in when a slot freed before the last arrived.
    expect(busy.length).toBeGreaterThanOrEqual(5);
    expect(gate().refused - refusedBefore).toBe(busy.length);
    expect(gate().peakRunning).toBe(1);
    expect(gate().peakWaiting).toBeLessThanOrEqual(2);
    for (const { res } of busy) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable', code: 'server_busy' });
    }
    // Refused without waiting in line: sooner than the login that waited two turns.
    expect(Math.max(...busy.map((a) => a.ms))).toBeLessThan(Math.max(...checked.map((a) => a.ms)));
    expect(gate()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('When the password gate is full, then an attempt is refused with 503 before the limits: it counts against none of the limits of its address', async () => {
    // Arrange: one login computing, two waiting (the gate is full)
    const logins = Promise.all(Array.from({ length: 3 }, () => login(uniqueIp(), uniqueEmail('full'))));
    await until(() => gate().running === 1 && gate().waiting === 2, 'one login computing, two waiting');
    const ip = uniqueIp();
    // Act: more attempts from one address than its per-minute limit (3), all while the gate is full
    const refused = await Promise.all(Array.from({ length: 6 }, () => login(ip, seller.email, PASSWORD)));
    // Assert
    expect(refused.map((r) => [r.status, r.body.code])).toEqual(Array.from({ length: 6 }, () => [503, 'server_busy']));
    expect((await logins).map((r) => r.status)).toEqual([401, 401, 401]);
    // None of the six was counted: the address still has its three sign-ins this minute.
    const after = [];
    for (let i = 0; i < 3; i++) after.push((await login(ip, seller.email, PASSWORD)).status);
    expect(after).toEqual([200, 200, 200]);
    expect((await login(ip, seller.email, PASSWORD)).status).toBe(429);
  });

  it('When bcrypt is saturated by logins, then a registration is refused with 503 and Retry-After too, and goes through once it is not', async () => {
    const logins = Promise.all(Array.from({ length: 3 }, () => login(uniqueIp(), uniqueEmail('queue'))));
    await until(() => gate().running === 1 && gate().waiting === 2, 'one login computing, two waiting');
    const body = { email: uniqueEmail('Busy.Register'), password: PASSWORD, full_name: 'Camille Martin', account_type: 'individual' };
    const ip = uniqueIp();
    const refused = await request(t.app).post('/api/auth/register').set('X-Forwarded-For', ip).send(body);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body.code).toBe('server_busy');
    expect((await logins).map((r) => r.status)).toEqual([401, 401, 401]);

    const registered = await request(t.app).post('/api/auth/register').set('X-Forwarded-For', ip).send(body);
    expect(registered.status).toBe(201);
  });
});

describe('Sign-ins refused while the password gate is full, answered after a pause', () => {
  const PAUSE_MS = 400;
  let t: TestApp;
  let seller: Registered;
  beforeAll(async () => {
    t = await startAccountsApp({ TRUST_PROXY_HOPS: '1', PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '0', PASSWORD_BUSY_PAUSE_MS: String(PAUSE_MS) });
    await redisReady(t.services.redis);
    seller = await registerAccount(t.app, { email: uniqueEmail('Pause.Seller') });
  });
  afterAll(async () => t.close());

  it('When a flood meets a full gate, then each refusal comes after the pause, so a client that resends at once sends a few a second; the other endpoints answer meanwhile, and the patient one gets in', async () => {
    // Arrange: one login computing, none may wait
    const computing = request(t.app).post('/api/auth/login').set('X-Forwarded-For', uniqueIp()).send({ email: uniqueEmail('slot'), password: 'Wrong-password-1' });
    const started = Date.now();
    void computing.then(() => undefined);
    for (const deadline = Date.now() + 10_000; t.services.passwordHashing.stats().running === 0 && Date.now() < deadline; ) await sleep(2);
    // Act: a closed-loop client (next attempt as soon as answered) for 1.2 s, and a read meanwhile
    let sent = 0;
    const statuses = new Set<number>();
    const flood = (async () => {
      while (Date.now() - started < 1200) {
        const res = await request(t.app).post('/api/auth/login').set('X-Forwarded-For', uniqueIp()).send({ email: uniqueEmail('flood'), password: 'Wrong-password-1' });
        sent++;
        statuses.add(res.status);
        if (res.status === 503) {
          expect(res.headers['retry-after']).toBe('1');
          expect(res.body.code).toBe('server_busy');
        }
      }
    })();
    const health = await request(t.app).get('/health');
    await flood;
    await computing;
    // Assert: answered at once, the loop would have sent hundreds; paused, a handful
    expect(health.status).toBe(200);
    expect(statuses.has(503)).toBe(true);
    expect(sent).toBeLessThanOrEqual(Math.ceil(1200 / PAUSE_MS) + 2);
    const patient = await request(t.app).post('/api/auth/login').set('X-Forwarded-For', uniqueIp()).send({ email: seller.email, password: PASSWORD });
    expect(patient.status).toBe(200);
  });

  it('When a refusal is paused, then it takes at least the pause, and a sign-in that finds the gate free is not held', async () => {
    const computing = request(t.app).post('/api/auth/login').set('X-Forwarded-For', uniqueIp()).send({ email: uniqueEmail('slot2'), password: 'Wrong-password-1' });
    void computing.then(() => undefined);
    for (const deadline = Date.now() + 10_000; t.services.passwordHashing.stats().running === 0 && Date.now() < deadline; ) await sleep(2);
    const before = performance.now();
    const refused = await request(t.app).post('/api/auth/login').set('X-Forwarded-For', uniqueIp()).send({ email: uniqueEmail('paused'), password: 'Wrong-password-1' });
    const took = performance.now() - before;
    await computing;
    expect(refused.status).toBe(503);
    expect(took).toBeGreaterThanOrEqual(PAUSE_MS - 5);
    // Free again: a sign-in goes straight to its check.
    const signedIn = await request(t.app).post('/api/auth/login').set('X-Forwarded-For', uniqueIp()).send({ email: seller.email, password: PASSWORD });
    expect(signedIn.status).toBe(200);
  });
});
