import { createSecretKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { hashRefreshToken, newRefreshToken, signAccessToken, verifyAccessToken, type AccessTokenSettings } from '../../src/accounts/tokens';
import { AuthError } from '../../src/shared/errors';

const settings: AccessTokenSettings = {
  secret: createSecretKey(Buffer.from('unit-test-secret-that-is-long-enough-0123456789')),
  algorithm: 'HS256',
  issuer: 'stoflow',
  audience: 'stoflow-api',
  lifetimeMinutes: 15,
};
const now = new Date('2025-03-01T10:00:00Z');
const iat = now.getTime() / 1000;
const subject = { userId: randomUUID(), tenantId: 42, role: 'admin', sessionId: randomUUID() };

function b64(json: unknown): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AuthError);
    return (err as AuthError).code;
  }
  return undefined;
}

const validPayload = () => ({ sub: subject.userId, tid: 42, role: 'admin', sid: subject.sessionId, jti: 'j1', iat, exp: iat + 900, iss: 'stoflow', aud: 'stoflow-api' });

describe('access tokens', () => {
  it('When a token is signed, then it is HS256 at+jwt with sub, tid, role, sid, jti, iat, exp, iss and aud', () => {
    const { token, expiresIn } = signAccessToken(settings, subject, now, 'token-1');
    const decoded = jwt.decode(token, { complete: true })!;
    expect(decoded.header).toMatchObject({ alg: 'HS256', typ: 'at+jwt' });
    expect(decoded.payload).toEqual({
      sub: subject.userId,
      tid: 42,
      role: 'admin',
      sid: subject.sessionId,
      jti: 'token-1',
      iat,
      exp: iat + 15 * 60,
      iss: 'stoflow',
      aud: 'stoflow-api',
    });
    expect(expiresIn).toBe(900);
    expect(verifyAccessToken(settings, token, now)).toMatchObject({ sub: subject.userId, tid: 42, role: 'admin', jti: 'token-1' });
  });

  it('When the token is still within its lifetime, then it verifies; past it, then it is expired', () => {
    const { token } = signAccessToken(settings, subject, now, 'token-2');
    expect(verifyAccessToken(settings, token, new Date(now.getTime() + 14 * 60_000)).jti).toBe('token-2');
    expect(codeOf(() => verifyAccessToken(settings, token, new Date(now.getTime() + 16 * 60_000)))).toBe('token_expired');
  });

  it('When the token says alg none, then it is refused', () => {
    const token = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(validPayload())}.`;
    expect(codeOf(() => verifyAccessToken(settings, token, now))).toBe('invalid_token');
  });

  it('When the token is signed with another key, then it is refused', () => {
    const token = jwt.sign(validPayload(), 'another-secret-that-is-long-enough-0123456789', { algorithm: 'HS256', header: { alg: 'HS256', typ: 'at+jwt' } });
    expect(codeOf(() => verifyAccessToken(settings, token, now))).toBe('invalid_token');
  });

  it('When the token is signed with our key but another algorithm, then it is refused (algorithm pinned)', () => {
    const token = jwt.sign(validPayload(), settings.secret, { algorithm: 'HS512', header: { alg: 'HS512', typ: 'at+jwt' } });
    expect(codeOf(() => verifyAccessToken(settings, token, now))).toBe('invalid_token');
  });

  it.each([
    ['header', 0],
    ['payload', 1],
    ['signature', 2],
  ])('When one character of the %s is changed, then the token is refused', (_part, index) => {
    const { token } = signAccessToken(settings, subject, now, 'token-3');
    const parts = token.split('.');
    const part = parts[index]!;
    const at = Math.floor(part.length / 2);
    parts[index] = part.slice(0, at) + (part[at] === 'A' ? 'B' : 'A') + part.slice(at + 1);
    expect(codeOf(() => verifyAccessToken(settings, parts.join('.'), now))).toBe('invalid_token');
  });

  it.each([
    ['another issuer', { iss: 'someone-else' }],
    ['another audience', { aud: 'another-api' }],
    ['no tenant', { tid: undefined }],
    ['a tenant that is not an integer', { tid: '7; drop schema' }],
    ['no session', { sid: undefined }],
  ])('When the token has %s, then it is refused', (_case, change) => {
    const token = jwt.sign({ ...validPayload(), ...change }, settings.secret, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'at+jwt' } });
    expect(codeOf(() => verifyAccessToken(settings, token, now))).toBe('invalid_token');
  });

  it.each([9_999_999_999, 2_147_483_648])('When the tenant id %p is beyond the tenant ids PostgreSQL can hold, then the token is refused; the largest one still verifies', (tid) => {
    const sign = (t: number) => jwt.sign({ ...validPayload(), tid: t }, settings.secret, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'at+jwt' } });
    expect(codeOf(() => verifyAccessToken(settings, sign(tid), now))).toBe('invalid_token');
    expect(verifyAccessToken(settings, sign(2_147_483_647), now).tid).toBe(2_147_483_647);
  });

  it('When a correctly signed JWT is not an access token (typ), then it is refused', () => {
    const token = jwt.sign(validPayload(), settings.secret, { algorithm: 'HS256' });
    expect(codeOf(() => verifyAccessToken(settings, token, now))).toBe('invalid_token');
  });

  it('When a refresh token is presented as an access token, then it is refused', () => {
    const { token } = newRefreshToken();
    expect(codeOf(() => verifyAccessToken(settings, token, now))).toBe('invalid_token');
  });
});

describe('refresh tokens', () => {
  it('When a refresh token is made, then it is 32 random bytes in base64url and only its SHA-256 is kept', () => {
    const a = newRefreshToken();
    const b = newRefreshToken();
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(hashRefreshToken(a.token));
    expect(a.hash).not.toContain(a.token);
    expect(b.token).not.toBe(a.token);
  });
});
