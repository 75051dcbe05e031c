import bcrypt from 'bcrypt';
import request from 'supertest';
import { DUMMY_PASSWORD_HASH } from '../../src/accounts/passwords';
import type { TestApp } from '../support/app';
import { registerAccount, startAccountsApp, uniqueEmail, type Registered } from './support';

describe('POST /api/auth/login', () => {
  let t: TestApp;
  let seller: Registered;
  beforeAll(async () => {
    t = await startAccountsApp();
    seller = await registerAccount(t.app, { email: uniqueEmail('Login.Seller') });
  });
  afterAll(async () => t.close());
  afterEach(() => jest.restoreAllMocks());

  it('When the password is right, then the answer is 200 with the same shape as registration and a fresh session', async () => {
    const res = await request(t.app).post('/api/auth/login').send({ email: seller.email, password: seller.password });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'bearer',
      expires_in: expect.any(Number),
      user_id: seller.userId,
      tenant_id: seller.tenantId,
      role: 'admin',
    });
    expect(res.body.refresh_token).not.toBe(seller.refreshToken);
    const me = await request(t.app).get('/api/auth/me').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(seller.userId);
  });

  it('When the email is typed in another case with spaces around, then it still signs in', async () => {
    const res = await request(t.app).post('/api/auth/login').send({ email: `  ${seller.email.toUpperCase()} `, password: seller.password });
    expect(res.status).toBe(200);
    expect(res.body.user_id).toBe(seller.userId);
  });

  it('When the password is wrong or the email unknown, then both answer 401 with the same problem, and both ran one bcrypt compare', async () => {
    const compare = jest.spyOn(bcrypt, 'compare');
    const wrong = await request(t.app).post('/api/auth/login').send({ email: seller.email, password: 'Wrong-password-1' });
    const unknown = await request(t.app).post('/api/auth/login').send({ email: uniqueEmail('nobody'), password: 'Wrong-password-1' });

    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const comparable = (body: Record<string, unknown>) => ({ ...body, request_id: undefined });
    expect(comparable(unknown.body)).toEqual(comparable(wrong.body));
    expect(wrong.body).toMatchObject({ title: 'Unauthorized', detail: 'Invalid email or password', code: 'invalid_credentials' });
    // The unknown email paid the same bcrypt price, against the dummy hash of the same cost.
    expect(compare).toHaveBeenCalledTimes(2);
    expect(compare.mock.calls[0]![1]).toMatch(/^\$2b\$12\$/);
    expect(compare.mock.calls[0]![1]).not.toBe(DUMMY_PASSWORD_HASH);
    expect(compare.mock.calls[1]![1]).toBe(DUMMY_PASSWORD_HASH);
  });

  it.each([
    ['email', { password: 'x' }],
    ['password', { email: 'someone@example.test' }],
    ['password', { email: 'someone@example.test', password: '' }],
    ['tenant_id', { email: 'someone@example.test', password: 'Velvet-Jacket-1987', tenant_id: 3 }],
  ])('When %s is missing or not allowed, then the answer is 400 naming it', async (field, body) => {
    const res = await request(t.app).post('/api/auth/login').send(body);
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
  });

  it('When a long multi-byte password is used, then only the exact password signs in, even if another shares its first 72 bytes', async () => {
    const password = 'ü'.repeat(60) + 'Rose-2019'; // 129 bytes, 69 characters
    const lookalike = 'ü'.repeat(60) + 'Lily-2020';
    const account = await registerAccount(t.app, { password });
    const good = await request(t.app).post('/api/auth/login').send({ email: account.email, password });
    expect(good.status).toBe(200);
    const bad = await request(t.app).post('/api/auth/login').send({ email: account.email, password: lookalike });
    expect(bad.status).toBe(401);
  });

  it('When a 128-character password is registered, then it signs in with exactly it', async () => {
    const password = 'Ω9'.padEnd(128, 'ß');
    const account = await registerAccount(t.app, { password });
    expect((await request(t.app).post('/api/auth/login').send({ email: account.email, password })).status).toBe(200);
    expect((await request(t.app).post('/api/auth/login').send({ email: account.email, password: password.slice(0, 127) + 'x' })).status).toBe(401);
  });
});
