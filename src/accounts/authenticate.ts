import type { Request } from 'express';
import type { Authenticate, AuthContext } from '../http/route';
import type { AccountDeps } from './deps';
import { AuthError, ValidationError, type FieldProblem } from '../shared/errors';
import { accessTokenSettings, verifyAccessToken } from './tokens';

const BEARER = /^Bearer +(\S+)$/i;

export function assertTenantActive(status: string): void {
  if (status !== 'active') throw new AuthError('This account is suspended', true, 'tenant_suspended');
}

/**
 * The tenant is the token's and nobody else's: a request that names one in its query or headers
 * is refused rather than silently half-obeyed (bodies refuse unknown fields on their own).
 */
export function refuseTenantFromRequest(req: Request): void {
  const errors: FieldProblem[] = [];
  if (req.query && typeof req.query === 'object' && Object.hasOwn(req.query, 'tenant_id')) errors.push({ field: 'tenant_id', message: 'is taken from the access token, never from the request' });
  if (req.headers['x-tenant-id'] !== undefined) errors.push({ field: 'X-Tenant-Id', message: 'is taken from the access token, never from the request' });
  if (errors.length > 0) throw new ValidationError(errors);
}

interface SessionRow {
  role: string;
  tenant_status: string;
  revoked_at: Date | null;
}

/**
 * Bearer access token → who is calling. Beyond the signature, one indexed lookup checks that the
 * session is still open and the user still belongs to that tenant: logging out, a detected token
 * theft, a deleted user or a suspended tenant take effect on the next request rather than when the
 * access token expires (a day by default). The role comes from that row too, so a changed role
 * applies at once.
 */
export function bearerAuthenticator(services: AccountDeps): Authenticate {
  const settings = accessTokenSettings(services.config, services.jwtSecret);
  return async (req): Promise<AuthContext> => {
    const match = BEARER.exec(req.headers.authorization ?? '');
    if (!match?.[1]) throw new AuthError('Send an access token as `Authorization: Bearer <token>`', false, 'missing_token');
    // A consumer key (sfk_…) reads the event feed only, whose routes take it before this runs.
    if (match[1].startsWith('sfk_')) throw new AuthError('A consumer key reads the event feed only (GET /api/events, /api/events/stream): send a user access token here', false, 'consumer_key_not_accepted');
    const claims = verifyAccessToken(settings, match[1], services.clock.now());
    const { rows } = await services.pool.query<SessionRow>(
      `select u.role, t.status as tenant_status, s.revoked_at
         from public.auth_sessions s
         join public.users u on u.id = s.user_id
         join public.tenants t on t.id = s.tenant_id
        where s.id = $1 and s.user_id = $2 and s.tenant_id = $3`,
      [claims.sid, claims.sub, claims.tid],
    );
    const session = rows[0];
    if (!session || session.revoked_at !== null) throw new AuthError('This session has ended: sign in again', false, 'session_ended');
    assertTenantActive(session.tenant_status);
    refuseTenantFromRequest(req);
    return { userId: claims.sub, tenantId: claims.tid, role: session.role, tokenId: claims.jti };
  };
}
