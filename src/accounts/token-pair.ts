import { z } from 'zod';
import type { AccountDeps } from './deps';
import { accessTokenSettings, signAccessToken } from './tokens';

/** What register, login and refresh answer. */
export const tokenPairSchema = z.object({
  access_token: z.string().describe('JWT (HS256), sent as `Authorization: Bearer …`'),
  refresh_token: z.string().describe('Opaque and single-use: trade it at /api/auth/refresh for a new pair'),
  token_type: z.literal('bearer'),
  expires_in: z.number().int().describe('Lifetime of the access token, in seconds'),
  user_id: z.uuid(),
  tenant_id: z.number().int(),
  role: z.string(),
});

export type TokenPair = z.infer<typeof tokenPairSchema>;

/** An answer carrying tokens is for its caller only: no browser, proxy or CDN may keep a copy (RFC 6749 §5.1). */
export const TOKEN_RESPONSE_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export interface SignedInUser {
  userId: string;
  tenantId: number;
  role: string;
  sessionId: string;
  refreshToken: string;
}

export function tokenPair(services: AccountDeps, user: SignedInUser, now: Date): TokenPair {
  const access = signAccessToken(accessTokenSettings(services.config, services.jwtSecret), user, now, services.ids.uuid());
  return {
    access_token: access.token,
    refresh_token: user.refreshToken,
    token_type: 'bearer',
    expires_in: access.expiresIn,
    user_id: user.userId,
    tenant_id: user.tenantId,
    role: user.role,
  };
}

export function sessionSettings(services: AccountDeps): { ids: AccountDeps['ids']; refreshDays: number } {
  return { ids: services.ids, refreshDays: services.config.JWT_REFRESH_EXPIRE_DAYS };
}
