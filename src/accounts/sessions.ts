import type { IdGenerator } from '../infra/clock';
import { inTransaction, type Connections, type Queryable } from '../infra/db/postgres';
import { hashRefreshToken, newRefreshToken } from './tokens';

/**
 * Two refreshes racing with the same token (two tabs, a retried request) both succeed when the
 * second comes within this window of the first; later, a used token means it was copied.
 */
export const REFRESH_REUSE_GRACE_MS = 10_000;

export interface SessionRows {
  session: { id: string; user_id: string; tenant_id: number; created_at: Date };
  token: RefreshTokenRow;
}

interface RefreshTokenRow {
  id: string;
  family_id: string;
  user_id: string;
  tenant_id: number;
  token_hash: string;
  expires_at: Date;
  created_at: Date;
}

export interface SessionSettings {
  ids: IdGenerator;
  refreshDays: number;
}

function tokenRow(familyId: string, userId: string, tenantId: number, now: Date, settings: SessionSettings): { row: RefreshTokenRow; token: string } {
  const { token, hash } = newRefreshToken();
  const expires = new Date(now.getTime() + settings.refreshDays * 86_400_000);
  return {
    token,
    row: { id: settings.ids.uuid(), family_id: familyId, user_id: userId, tenant_id: tenantId, token_hash: hash, expires_at: expires, created_at: now },
  };
}

/** A new session and its first refresh token, as rows: registration inserts them with knex, login with pg. */
export function newSession(userId: string, tenantId: number, now: Date, settings: SessionSettings): { rows: SessionRows; refreshToken: string } {
  const sessionId = settings.ids.uuid();
  const first = tokenRow(sessionId, userId, tenantId, now, settings);
  return { rows: { session: { id: sessionId, user_id: userId, tenant_id: tenantId, created_at: now }, token: first.row }, refreshToken: first.token };
}

async function insertToken(q: Queryable, row: RefreshTokenRow): Promise<void> {
  await q.query(
    `insert into public.refresh_tokens (id, family_id, user_id, tenant_id, token_hash, expires_at, created_at) values ($1, $2, $3, $4, $5, $6, $7)`,
    [row.id, row.family_id, row.user_id, row.tenant_id, row.token_hash, row.expires_at, row.created_at],
  );
}

export async function insertSession(q: Queryable, rows: SessionRows): Promise<void> {
  const s = rows.session;
  await q.query(`insert into public.auth_sessions (id, user_id, tenant_id, created_at) values ($1, $2, $3, $4)`, [s.id, s.user_id, s.tenant_id, s.created_at]);
  await insertToken(q, rows.token);
}

export type Rotation =
  | { outcome: 'rotated'; userId: string; tenantId: number; role: string; tenantStatus: string; sessionId: string; refreshToken: string }
  | { outcome: 'reused'; userId: string; tenantId: number; sessionId: string }
  | { outcome: 'invalid' };

interface PresentedToken {
  id: string;
  family_id: string;
  user_id: string;
  tenant_id: number;
  expires_at: Date;
  used_at: Date | null;
  session_revoked_at: Date | null;
  role: string;
  tenant_status: string;
}

/**
 * Spends a refresh token for a new one in the same family. The token and its session are locked,
 * so two refreshes of one token are serialised and the second sees the first's `used_at`.
 */
export async function rotateRefreshToken(pool: Connections, token: string, now: Date, settings: SessionSettings): Promise<Rotation> {
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<PresentedToken>(
      `select rt.id, rt.family_id, rt.user_id, rt.tenant_id, rt.expires_at, rt.used_at,
              s.revoked_at as session_revoked_at, u.role, t.status as tenant_status
         from public.refresh_tokens rt
         join public.auth_sessions s on s.id = rt.family_id
         join public.users u on u.id = rt.user_id
         join public.tenants t on t.id = rt.tenant_id
        where rt.token_hash = $1
        for update of rt, s`,
      [hashRefreshToken(token)],
    );
    const presented = rows[0];
    if (!presented || presented.session_revoked_at !== null || presented.expires_at.getTime() <= now.getTime()) return { outcome: 'invalid' };
    if (presented.used_at !== null) {
      if (now.getTime() - presented.used_at.getTime() > REFRESH_REUSE_GRACE_MS) {
        await revokeSession(tx, presented.family_id, 'refresh_token_reused', now);
        return { outcome: 'reused', userId: presented.user_id, tenantId: presented.tenant_id, sessionId: presented.family_id };
      }
    } else {
      await tx.query('update public.refresh_tokens set used_at = $2 where id = $1', [presented.id, now]);
    }
    await tx.query('update public.auth_sessions set last_refreshed_at = $2 where id = $1', [presented.family_id, now]);
    const next = tokenRow(presented.family_id, presented.user_id, presented.tenant_id, now, settings);
    await insertToken(tx, next.row);
    return {
      outcome: 'rotated',
      userId: presented.user_id,
      tenantId: presented.tenant_id,
      role: presented.role,
      tenantStatus: presented.tenant_status,
      sessionId: presented.family_id,
      refreshToken: next.token,
    };
  });
}

/** Ends a session: its refresh tokens stop refreshing and its access tokens stop authenticating. */
export async function revokeSession(q: Queryable, sessionId: string, reason: 'logout' | 'refresh_token_reused', now: Date): Promise<void> {
  await q.query('update public.auth_sessions set revoked_at = $2, revoked_reason = $3 where id = $1 and revoked_at is null', [sessionId, now, reason]);
  await q.query('update public.refresh_tokens set revoked_at = $2 where family_id = $1 and revoked_at is null', [sessionId, now]);
}

/** Logout: ends the session the token belongs to, when it belongs to this user. */
export async function revokeSessionOfToken(pool: Connections, token: string, userId: string, tenantId: number, now: Date): Promise<boolean> {
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ family_id: string }>(
      'select family_id from public.refresh_tokens where token_hash = $1 and user_id = $2 and tenant_id = $3',
      [hashRefreshToken(token), userId, tenantId],
    );
    const sessionId = rows[0]?.family_id;
    if (sessionId === undefined) return false;
    await revokeSession(tx, sessionId, 'logout', now);
    return true;
  });
}
