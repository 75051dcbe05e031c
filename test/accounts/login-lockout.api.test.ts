import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { PASSWORD, redisReady, registerAccount, startAccountsApp, uniqueEmail, uniqueIp } from './support';

const WRONG = 'Wrong-password-1';
const emailCounter = (email: string) => `rl:login-email:${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32)}`;

/**
 * Nobody can lock a seller out by guessing wrong (src/accounts/login-limits.ts has the policy).
 * Small numbers here: 3 failures per account and address per 15 minutes; per account, from every
 * address, 4 failures and then waits of 1 s, 2 s, 2 s… (production: 5, 10, then 1 s doubling up
 * to 300 s). Addresses come from X-Forwarded-For with one proxy hop trusted; the per-address
 * limits are relaxed (as in other account tests), so only the per-account ones are at work.
 */
describe('Login failures per account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startAccountsApp({
      TRUST_PROXY_HOPS: '1',
      RATE_LIMIT_LOGIN_PER_EMAIL_IP: '3',
      RATE_LIMIT_LOGIN_PER_EMAIL: '4',
      RATE_LIMIT_LOGIN_DELAY_BASE_SECONDS: '1',
      RATE_LIMIT_LOGIN_DELAY_MAX_SECONDS: '2',
    });
    await redisReady(t.services.redis);
  });
  afterAll(async () => t.close());

  const login = (ip: string, email: string, password = WRONG) => request(t.app).post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  it('When one address keeps guessing wrong on an account, then it is refused after 3 failures, even with the right password, while the owner signs in from another address; an unknown email meets the same limits', async () => {
    const seller = await registerAccount(t.app, { email: uniqueEmail('Guessed') });
    const ghost = uniqueEmail('Ghost');
    const attacker = uniqueIp();
    const real: number[] = [];
    const unknown: number[] = [];
    const retryAfters: number[][] = [];
    for (let i = 0; i < 8; i++) {
      const [a, b] = await Promise.all([login(attacker, seller.email), login(attacker, ghost)]);
      real.push(a.status);
      unknown.push(b.status);
      if (a.status === 429) retryAfters.push([Number(a.headers['retry-after']), Number(b.headers['retry-after'])]);
    }
    expect(real).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    expect(unknown).toEqual(real);
    for (const [forSeller, forGhost] of retryAfters) {
      expect(forSeller).toBeGreaterThan(10 * 60); // refused for the rest of the 15 minutes, from there
      expect(Math.abs(forSeller! - forGhost!)).toBeLessThanOrEqual(1);
    }
    // Refusals are not checked, so they do not count against the account either.
    expect(Number(await t.services.redis!.get(emailCounter(seller.email)))).toBe(3);

    const refused = await login(attacker, seller.email, PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('rate_limited');

    const owner = await login(uniqueIp(), seller.email, PASSWORD);
    expect(owner.status).toBe(200);
    expect(owner.body.user_id).toBe(seller.userId);
  });

  it('When many addresses guess wrong on one account, then each further failure makes the account wait longer (1 s, 2 s, capped at 2 s) instead of locking it for 15 minutes; the owner gets in at once from an address known to the account, and from a new one once the wait is over', async () => {
    const seller = await registerAccount(t.app, { email: uniqueEmail('Stuffed') });
    const home = uniqueIp();
    expect((await login(home, seller.email, PASSWORD)).status).toBe(200); // the owner's usual address

    // Four addresses, one wrong guess each: the account's free failures.
    const spread = await Promise.all(Array.from({ length: 4 }, () => login(uniqueIp(), seller.email)));
    expect(spread.map((r) => r.status)).toEqual([401, 401, 401, 401]);

    const waiting = await login(uniqueIp(), seller.email);
    expect(waiting.status).toBe(429);
    expect(waiting.headers['retry-after']).toBe('1');
    expect(waiting.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(waiting.body).toMatchObject({ status: 429, code: 'rate_limited' });
    // The owner from an address the account never signed in from waits too, for a second…
    const stranger = await login(uniqueIp(), seller.email, PASSWORD);
    expect(stranger.status).toBe(429);
    expect(stranger.headers['retry-after']).toBe('1');
    // …but not from home.
    expect((await login(home, seller.email, PASSWORD)).status).toBe(200);

    await sleep(1200);
    expect((await login(uniqueIp(), seller.email)).status).toBe(401); // checked again: the 5th failure
    const longer = await login(uniqueIp(), seller.email);
    expect(longer.status).toBe(429);
    expect(longer.headers['retry-after']).toBe('2');

    // Once the wait is over, the owner gets in from anywhere: no lock-out of 15 minutes.
    await sleep(2200);
    const owner = await login(uniqueIp(), seller.email, PASSWORD);
    expect(owner.status).toBe(200);
    expect(owner.body.user_id).toBe(seller.userId);

    expect((await login(uniqueIp(), seller.email)).status).toBe(401); // the 6th failure
    const capped = await login(uniqueIp(), seller.email);
    expect(capped.status).toBe(429);
    expect(capped.headers['retry-after']).toBe('2'); // RATE_LIMIT_LOGIN_DELAY_MAX_SECONDS, not 4
  });
});
