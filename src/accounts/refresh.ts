import { z } from 'zod';
import { defineRoute } from '../http/route';
import type { AccountDeps } from './deps';
import { AuthError } from '../shared/errors';
import { assertTenantActive } from './authenticate';
import { rotateRefreshToken } from './sessions';
import { sessionSettings, TOKEN_RESPONSE_HEADERS, tokenPair, tokenPairSchema, type TokenPair } from './token-pair';

export const refreshBody = z.object({ refresh_token: z.string().min(1).max(1024) }).strict();

/**
 * A refresh token buys one new pair. Presented again after the grace window, it was copied: the
 * whole session is revoked, so whoever holds its newer tokens (thief or owner) must sign in again.
 */
export async function refreshTokens(services: AccountDeps, refreshToken: string): Promise<TokenPair> {
  const now = services.clock.now();
  const rotation = await rotateRefreshToken(services.pool, refreshToken, now, sessionSettings(services));
  switch (rotation.outcome) {
    case 'rotated':
      assertTenantActive(rotation.tenantStatus);
      return tokenPair(services, rotation, now);
    case 'reused':
      services.logger.warn({ user_id: rotation.userId, tenant_id: rotation.tenantId, session_id: rotation.sessionId }, 'refresh token reused: session revoked');
      throw new AuthError('This refresh token was already used: the session has been ended, sign in again', false, 'refresh_token_reused');
    case 'invalid':
      throw new AuthError('The refresh token is invalid, expired or revoked', false, 'invalid_refresh_token');
    default: {
      const never: never = rotation;
      throw new Error(`Unknown rotation outcome ${JSON.stringify(never)}`);
    }
  }
}

/** POST /api/auth/refresh */
export function refreshRoute(services: AccountDeps) {
  return defineRoute({
    method: 'post',
    path: '/api/auth/refresh',
    summary: 'Trade a refresh token for a new access and refresh token',
    tags: ['Accounts'],
    auth: false,
    body: refreshBody,
    responses: {
      200: { description: 'A new pair; the refresh token sent is now spent', schema: tokenPairSchema },
      400: { description: 'refresh_token is missing' },
      401: { description: 'Invalid, expired, revoked or reused refresh token (reuse ends the session)' },
    },
    handle: async ({ body }) => ({ status: 200, body: await refreshTokens(services, body.refresh_token), headers: TOKEN_RESPONSE_HEADERS }),
  });
}
