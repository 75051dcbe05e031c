import jwt from 'jsonwebtoken';
import request from 'supertest';
import { REFRESH_REUSE_GRACE_MS } from '../../src/accounts/sessions';
import type { TestApp } from '../support/app';
import { manualClock, registerAccount, startAccountsApp, uniqueEmail, type Registered } from './support';

const SECRET = 'test-secret-key-that-is-long-enough-0123456789'; // the one startTestApp configures

function b64(json: unknown): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

describe('GET /api/auth/me and access tokens', () => {
  let t: TestApp;
  let seller: Registered;
  let other: Registered;
  let claims: jwt.JwtPayload;
  beforeAll(async () => {
    t = await startAccountsApp();
    [seller, other] = await Promise.all([
      registerAccount(t.app, { business_name: 'Les Puces de Lou', account_type: 'business', business_type: 'vintage', email: uniqueEmail('Lou') }),
      registerAccount(t.app),
    ]);
    claims = jwt.decode(seller.accessToken) as jwt.JwtPayload;
  });
  afterAll(async () => t.close());

  const me = (token: string) => request(t.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
  /** A token signed with the real key, as if the server had issued it: only the claims differ. */
  const forge = (change: Record<string, unknown>, key = SECRET, algorithm: jwt.Algorithm = 'HS256') =>
    jwt.sign({ ...claims, ...change }, key, { algorithm, header: { alg: algorithm, typ: 'at+jwt' } });

  it('When the access token is valid, then me answers the user, the tenant and the free plan in force', async () => {
    const res = await me(seller.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: seller.userId, email: seller.email, full_name: 'Camille Martin', role: 'admin' },
      tenant: { id: seller.tenantId, business_name: 'Les Puces de Lou', account_type: 'business', business_type: 'vintage', estimated_products: null, time_zone: 'Europe/Paris' },
      subscription: { plan: 'free', status: 'active', limits: { max_products: 30, max_marketplaces: 2, ai_credits_per_month: 10 } },
    });
  });

  it('When the token carries sub, tid, role, jti, iat, exp, iss and aud, then they match the account and config', () => {
    expect(claims).toMatchObject({ sub: seller.userId, tid: seller.tenantId, role: 'admin', iss: 'stoflow', aud: 'stoflow-api' });
    expect(claims.jti).toEqual(expect.any(String));
    expect(claims.exp! - claims.iat!).toBe(1440 * 60);
    expect(jwt.decode(seller.accessToken, { complete: true })!.header.alg).toBe('HS256');
  });

  it.each([
    ['no Authorization header', undefined],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
    ['garbage', 'Bearer not.a.jwt'],
  ])('When the request has %s, then the answer is 401 problem+json', async (_case, header) => {
    const req = request(t.app).get('/api/auth/me');
    const res = header === undefined ? await req : await req.set('Authorization', header);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it.each([
    ['alg none', () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`],
    ['another key', () => forge({}, 'a-different-secret-that-is-long-enough-987654')],
    ['another HMAC algorithm', () => forge({}, SECRET, 'HS384')],
    ['a tampered byte', () => {
      const [h, p, s] = seller.accessToken.split('.');
      return [h, p, (s![0] === 'A' ? 'B' : 'A') + s!.slice(1)].join('.');
    }],
    ['a changed tenant but the original signature', () => {
      const [h, , s] = seller.accessToken.split('.');
      return [h, b64({ ...claims, tid: other.tenantId }), s].join('.');
    }],
    ['an expiry in the past', () => forge({ iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })],
    ['another audience', () => forge({ aud: 'another-api' })],
    ['a refresh token in its place', () => seller.refreshToken],
  ])('When the token has %s, then the answer is 401 problem+json', async (_case, token) => {
    const res = await me(token());
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(['invalid_token', 'token_expired']).toContain(res.body.code);
  });

  it.each([9_999_999_999, 2_147_483_648])('When a validly signed token names tenant %p, beyond any tenant id, then every route answers a 401 problem, never a 500', async (tid) => {
    const token = forge({ tid });
    for (const res of [await me(token), await request(t.app).get('/api/products').set('Authorization', `Bearer ${token}`)]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('invalid_token');
    }
  });

  it('When a validly signed token names another tenant than its user’s, then it is refused (the session does not match)', async () => {
    const res = await me(forge({ tid: other.tenantId }));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('session_ended');
  });

  it('When the clock passes the token lifetime, then the token is refused as expired', async () => {
    const clock = manualClock();
    const timed = await startAccountsApp({ JWT_EXPIRE_MINUTES: '5' }, { clock });
    try {
      const account = await registerAccount(timed.app);
      clock.advance(4 * 60_000);
      expect((await request(timed.app).get('/api/auth/me').set('Authorization', `Bearer ${account.accessToken}`)).status).toBe(200);
      clock.advance(2 * 60_000);
      const res = await request(timed.app).get('/api/auth/me').set('Authorization', `Bearer ${account.accessToken}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('token_expired');
    } finally {
      await timed.close();
    }
  });

  it('When a request names a tenant in its query or headers, then it is refused and never used', async () => {
    const query = await request(t.app).get(`/api/auth/me?tenant_id=${other.tenantId}`).set('Authorization', `Bearer ${seller.accessToken}`);
    expect(query.status).toBe(400);
    expect(query.body.errors).toEqual([expect.objectContaining({ field: 'tenant_id' })]);
    const header = await request(t.app).get('/api/auth/me').set('Authorization', `Bearer ${seller.accessToken}`).set('X-Tenant-Id', String(other.tenantId));
    expect(header.status).toBe(400);
    expect(header.body.errors).toEqual([expect.objectContaining({ field: 'X-Tenant-Id' })]);
    const own = await me(seller.accessToken);
    expect(own.body.tenant.id).toBe(seller.tenantId);
  });

  it('When the tenant is suspended, then its tokens get 403', async () => {
    const account = await registerAccount(t.app);
    await t.services.knex('public.tenants').where({ id: account.tenantId }).update({ status: 'suspended' });
    const res = await me(account.accessToken);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('tenant_suspended');
  });
});

describe('POST /api/auth/refresh and /api/auth/logout', () => {
  const clock = manualClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await startAccountsApp({}, { clock });
  });
  afterAll(async () => t.close());

  const refresh = (token: unknown) => request(t.app).post('/api/auth/refresh').send({ refresh_token: token });
  const me = (token: string) => request(t.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
  const logout = (access: string, token: unknown) => request(t.app).post('/api/auth/logout').set('Authorization', `Bearer ${access}`).send({ refresh_token: token });

  it('When a refresh token is traded, then a new access and refresh token come back and the old one is spent', async () => {
    const account = await registerAccount(t.app);
    clock.advance(1000);
    const res = await refresh(account.refreshToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'bearer', user_id: account.userId, tenant_id: account.tenantId, role: 'admin' });
    expect(res.body.access_token).not.toBe(account.accessToken);
    expect(res.body.refresh_token).not.toBe(account.refreshToken);
    expect((await me(res.body.access_token)).status).toBe(200);
    const stored = await t.services.knex('public.refresh_tokens').where({ user_id: account.userId }).orderBy('created_at');
    expect(stored).toHaveLength(2);
    expect(stored[0].used_at).not.toBeNull();
    expect(new Set(stored.map((r: { family_id: string }) => r.family_id)).size).toBe(1);
  });

  it('When register, login or refresh answer tokens, then the answer says no-store and no-cache, so no cache keeps a copy', async () => {
    const email = uniqueEmail();
    const account = await registerAccount(t.app, { email });
    const registered = await request(t.app).post('/api/auth/register').set('X-Forwarded-For', '10.9.9.9').send({ email: uniqueEmail(), password: account.password, full_name: 'Lou Martin', account_type: 'individual' });
    const login = await request(t.app).post('/api/auth/login').send({ email, password: account.password });
    clock.advance(1000);
    const refreshed = await refresh(account.refreshToken);
    for (const res of [registered, login, refreshed]) {
      expect(res.status).toBeLessThan(300);
      expect(res.body.access_token).toEqual(expect.any(String));
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
    }
  });

  it('When a spent refresh token comes back after the grace window, then it is 401 and the whole session is revoked', async () => {
    const account = await registerAccount(t.app);
    const first = await refresh(account.refreshToken);
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);

    clock.advance(REFRESH_REUSE_GRACE_MS + 1000);
    const replay = await refresh(account.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(replay.body.code).toBe('refresh_token_reused');
    // Every token of the family, and every access token of the session, is dead.
    expect((await refresh(second.body.refresh_token)).status).toBe(401);
    expect((await me(second.body.access_token)).status).toBe(401);
    expect((await me(account.accessToken)).status).toBe(401);
    const session = await t.services.knex('public.auth_sessions').where({ user_id: account.userId }).first();
    expect(session.revoked_reason).toBe('refresh_token_reused');
    // Other sessions of the same user are not touched.
    const fresh = await request(t.app).post('/api/auth/login').send({ email: account.email, password: account.password });
    expect((await me(fresh.body.access_token)).status).toBe(200);
  });

  it('When two refreshes race with the same token, then both succeed within the grace window and nothing is revoked', async () => {
    const account = await registerAccount(t.app);
    const [a, b] = await Promise.all([refresh(account.refreshToken), refresh(account.refreshToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refresh_token).not.toBe(b.body.refresh_token);
    clock.advance(REFRESH_REUSE_GRACE_MS - 2000);
    expect((await refresh(account.refreshToken)).status).toBe(200);
    expect((await refresh(a.body.refresh_token)).status).toBe(200);
    expect((await refresh(b.body.refresh_token)).status).toBe(200);
  });

  it('When the refresh token has expired, then it is refused', async () => {
    const account = await registerAccount(t.app);
    clock.advance(8 * 86_400_000); // JWT_REFRESH_EXPIRE_DAYS is 7
    const res = await refresh(account.refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_refresh_token');
  });

  it.each([
    ['unknown', 401, 'x'.repeat(43)],
    ['an access token', 401, 'ACCESS'],
    ['missing', 400, undefined],
    ['empty', 400, ''],
  ])('When the refresh token is %s, then the answer is %i', async (_case, status, token) => {
    const account = token === 'ACCESS' ? await registerAccount(t.app) : undefined;
    const res = await refresh(account ? account.accessToken : token);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('When a user logs out, then 204, that session can no longer refresh and its access token stops working', async () => {
    const account = await registerAccount(t.app);
    const res = await logout(account.accessToken, account.refreshToken);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await refresh(account.refreshToken)).status).toBe(401);
    expect((await me(account.accessToken)).status).toBe(401);
    // Logging out is idempotent, from another session of the same user.
    const again = await request(t.app).post('/api/auth/login').send({ email: account.email, password: account.password });
    expect((await logout(again.body.access_token, account.refreshToken)).status).toBe(204);
    expect((await me(again.body.access_token)).status).toBe(200);
  });

  it('When a user logs out with someone else’s refresh token, then 204 and that other session is untouched', async () => {
    const [mallory, victim] = await Promise.all([registerAccount(t.app), registerAccount(t.app)]);
    expect((await logout(mallory.accessToken, victim.refreshToken)).status).toBe(204);
    expect((await refresh(victim.refreshToken)).status).toBe(200);
  });

  it('When logout is called without an access token or without a refresh token, then 401 and 400', async () => {
    const account = await registerAccount(t.app);
    expect((await request(t.app).post('/api/auth/logout').send({ refresh_token: account.refreshToken })).status).toBe(401);
    const missing = await request(t.app).post('/api/auth/logout').set('Authorization', `Bearer ${account.accessToken}`).send({});
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'refresh_token' })]);
  });
});

describe('OpenAPI', () => {
  it('When the document is fetched, then every auth endpoint is there, public ones without security and the others with bearer', async () => {
    const t = await startAccountsApp();
    try {
      const res = await request(t.app).get('/openapi.json');
      const doc = res.body;
      expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(doc.security).toEqual([{ bearerAuth: [] }]);
      for (const path of ['/api/auth/register', '/api/auth/login', '/api/auth/refresh']) {
        expect(doc.paths[path].post.security).toEqual([]);
      }
      expect(doc.paths['/api/auth/logout'].post.security).toBeUndefined();
      expect(doc.paths['/api/auth/me'].get.security).toBeUndefined();
      expect(Object.keys(doc.paths['/api/auth/register'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '422', '429', '503']));
      expect(doc.paths['/api/auth/register'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('account_type');
      expect(doc.paths['/api/auth/login'].post.responses['200'].content['application/json'].schema.properties).toHaveProperty('refresh_token');
      expect(doc.paths['/api/auth/me'].get.responses['200'].content['application/json'].schema.properties).toHaveProperty('subscription');
    } finally {
      await t.close();
    }
  });
});

