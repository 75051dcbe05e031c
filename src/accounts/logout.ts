import { z } from 'zod';
import { defineRoute } from '../http/route';
import type { AccountDeps } from './deps';
import { revokeSessionOfToken } from './sessions';

export const logoutBody = z.object({ refresh_token: z.string().min(1).max(1024) }).strict();

/**
 * POST /api/auth/logout — ends the session of the refresh token. Idempotent: a token already
 * revoked, unknown, or belonging to someone else answers 204 too and changes nothing.
 */
export function logoutRoute(services: AccountDeps) {
  return defineRoute({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Sign out: the session of this refresh token ends',
    tags: ['Accounts'],
    body: logoutBody,
    responses: {
      204: { description: 'Signed out: the refresh token and the access tokens of its session no longer work' },
      400: { description: 'refresh_token is missing' },
      401: { description: 'No valid access token' },
    },
    handle: async ({ body, auth }) => {
      await revokeSessionOfToken(services.pool, body.refresh_token, auth.userId, auth.tenantId, services.clock.now());
      return { status: 204 };
    },
  });
}
