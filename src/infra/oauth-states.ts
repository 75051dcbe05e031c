/*
 * Consents in progress (public.oauth_states, public migrations 0006 and 0012). The state sent to the
 * marketplace is 32 random bytes; only its SHA-256 is stored, so a database read does not hand
 * out live states. Taking a state deletes it in the same statement: a state works once, and
 * only before it expires.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Marketplace } from '../domain/connection/connection';
import type { Queryable } from './db/postgres';
import type { TokenCipher } from './token-cipher';

export interface PendingConsent {
  tenantId: number;
  userId: string;
  marketplace: Marketplace;
  verifier: string | null;
  returnTo: string | null;
  /** The marketplace site asked for (EBAY_DE…); null: the server's default. */
  site?: string | null;
}

export interface OAuthStates {
  create(consent: PendingConsent, ttlMs: number): Promise<{ state: string; expiresAt: Date }>;
  /** The consent a state stands for, removed as it is taken; null when unknown, used or expired. */
  take(state: string): Promise<PendingConsent | null>;
}

const hash = (state: string) => createHash('sha256').update(state, 'utf8').digest();

export function createOAuthStates(pool: Queryable, cipher: TokenCipher, now: () => Date): OAuthStates {
  const context = (state: string) => `oauth-state:${hash(state).toString('hex')}`;
  return {
    async create(consent, ttlMs) {
      const state = randomBytes(32).toString('base64url');
      const created = now();
      const expiresAt = new Date(created.getTime() + ttlMs);
      // Expired states go as new ones come: the table holds only consents still in progress.
      await pool.query('delete from public.oauth_states where expires_at < $1', [created]);
      await pool.query(
        `insert into public.oauth_states (state_hash, tenant_id, user_id, marketplace, verifier, return_to, created_at, expires_at, site) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [hash(state), consent.tenantId, consent.userId, consent.marketplace, consent.verifier === null ? null : cipher.seal(consent.verifier, context(state)), consent.returnTo, created, expiresAt, consent.site ?? null],
      );
      return { state, expiresAt };
    },

    async take(state) {
      if (state.length === 0 || state.length > 200) return null;
      const { rows } = await pool.query<{ tenant_id: number; user_id: string; marketplace: Marketplace; verifier: string | null; return_to: string | null; site: string | null }>(
        `delete from public.oauth_states where state_hash = $1 and expires_at > $2 returning tenant_id, user_id, marketplace, verifier, return_to, site`,
        [hash(state), now()],
      );
      const row = rows[0];
      if (!row) return null;
      return { tenantId: row.tenant_id, userId: row.user_id, marketplace: row.marketplace, verifier: row.verifier === null ? null : cipher.open(row.verifier, context(state)), returnTo: row.return_to, site: row.site };
    },
  };
}
