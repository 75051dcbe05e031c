import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { Config } from '../config';
import { AuthError } from '../shared/errors';

/** RFC 9068's media type for JWT access tokens: nothing else we sign can pass for one. */
const ACCESS_TOKEN_TYPE = 'at+jwt';
/** Replicas' clocks drift a little; a few seconds keeps fresh tokens valid everywhere. */
const CLOCK_TOLERANCE_SECONDS = 5;

export interface AccessTokenSettings {
  /**
   * The HMAC key as a KeyObject, made once: given a plain string, jsonwebtoken first tries to
   * parse it as a public key on every verification, which cost a quarter of the API's CPU.
   */
  secret: KeyObject;
  algorithm: 'HS256';
  issuer: string;
  audience: string;
  lifetimeMinutes: number;
}

export function accessTokenSettings(config: Config, secret: string): AccessTokenSettings {
  return {
    secret: createSecretKey(Buffer.from(secret, 'utf8')),
    algorithm: config.JWT_ALGORITHM,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    lifetimeMinutes: config.JWT_EXPIRE_MINUTES,
  };
}

export interface AccessSubject {
  userId: string;
  tenantId: number;
  role: string;
  /** The session (refresh-token family) the token was issued for: logging out ends it at once. */
  sessionId: string;
}

/**
 * `public.tenants.id` is a PostgreSQL integer: a larger id, even in a token we signed, names no
 * tenant and would make the session lookup fail with a range error instead of a 401.
 */
const MAX_TENANT_ID = 2_147_483_647;

/** Every claim the server reads, bounded to what it can name: anything else is an invalid token. */
const claimsSchema = z.object({
  sub: z.uuid(),
  tid: z.number().int().positive().max(MAX_TENANT_ID),
  role: z.string().min(1),
  sid: z.uuid(),
  jti: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
});

export type AccessClaims = z.infer<typeof claimsSchema>;

export function signAccessToken(
  settings: AccessTokenSettings,
  subject: AccessSubject,
  now: Date,
  tokenId: string,
): { token: string; expiresIn: number } {
  const iat = Math.floor(now.getTime() / 1000);
  const expiresIn = settings.lifetimeMinutes * 60;
  const payload = { sub: subject.userId, tid: subject.tenantId, role: subject.role, sid: subject.sessionId, jti: tokenId, iat, exp: iat + expiresIn };
  const token = jwt.sign(payload, settings.secret, {
    algorithm: settings.algorithm,
    issuer: settings.issuer,
    audience: settings.audience,
    header: { alg: settings.algorithm, typ: ACCESS_TOKEN_TYPE },
  });
  return { token, expiresIn };
}

/**
 * Verifies signature (algorithm pinned: `none` or RS/HS confusion never pass), issuer, audience,
 * expiry against the injected clock, the token type, and the claims' shapes.
 */
export function verifyAccessToken(settings: AccessTokenSettings, token: string, now: Date): AccessClaims {
  let decoded: jwt.Jwt;
  try {
    decoded = jwt.verify(token, settings.secret, {
      algorithms: [settings.algorithm],
      issuer: settings.issuer,
      audience: settings.audience,
      clockTimestamp: Math.floor(now.getTime() / 1000),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      complete: true,
    });
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) throw new AuthError('The access token has expired', false, 'token_expired');
    throw invalidToken();
  }
  if (decoded.header.typ !== ACCESS_TOKEN_TYPE) throw invalidToken();
  const claims = claimsSchema.safeParse(decoded.payload);
  if (!claims.success) throw invalidToken();
  return claims.data;
}

function invalidToken(): AuthError {
  return new AuthError('The access token is invalid', false, 'invalid_token');
}

/**
 * Refresh tokens are opaque: 32 random bytes. Only their SHA-256 is stored, so a copy of the
 * table cannot be replayed; a fast hash is enough because the input has 256 bits of entropy.
 */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
