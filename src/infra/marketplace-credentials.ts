/*
 * A tenant's marketplace tokens, sealed at rest (token-cipher.ts) in `marketplace_credentials`,
 * and the one way to get a usable access token: refreshed a few minutes before it expires, once
 * however many callers ask at the same moment (one refresh per connection in this process, and
 * a row lock across processes, which re-reads the row so a refresh another process just made is
 * used rather than repeated). A refresh token that the marketplace rotates (Etsy) is stored in
 * the same transaction as the access token it came with, before either is used. A refused
 * refresh marks the connection revoked, through the callback the composition root wires to the
 * connection command.
 */
import type { Marketplace } from '../domain/connection/connection';
import { GrantRefusedError, type MarketplaceAuth, type OAuthGrant } from '../shared/marketplace-auth';
import type { Connections, PoolClient, Queryable } from './db/postgres';
import { withTenant } from './db/tenant-transaction';
import type { Tenancy } from './db/tenancy';
import type { TenantPools } from './db/tenant-pools';
import type { TokenCipher } from './token-cipher';

export interface CredentialStatus {
  accessExpiresAt: Date;
  refreshExpiresAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: { at: string; message: string } | null;
}

export interface CredentialStore {
  save(tenant: number, marketplace: Marketplace, accountId: string, grant: OAuthGrant): Promise<void>;
  /** Destroys the tokens (disconnection). */
  remove(tenant: number, marketplace: Marketplace): Promise<void>;
  /** A valid access token, refreshed first when it expires within the margin. Throws GrantRefusedError when the marketplace refuses. */
  accessToken(tenant: number, marketplace: Marketplace): Promise<string>;
  /** What the last call with the tokens did, for GET /api/integrations. */
  recordCall(tenant: number, marketplace: Marketplace, error?: string): Promise<void>;
}

export interface CredentialStoreOptions {
  /** Each tenant's tokens are read and written on its own connections (a plain pool: any connection). */
  pool: Connections | TenantPools;
  tenancy: Tenancy;
  cipher: TokenCipher;
  auth: Partial<Record<Marketplace, MarketplaceAuth>>;
  now: () => Date;
  onRevoked(tenant: number, marketplace: Marketplace, reason: string): Promise<void>;
  /** Refresh this long before expiry (default 5 minutes). */
  marginMs?: number;
}

interface Row {
  account_id: string;
  access_token: string;
  access_expires_at: Date;
  refresh_token: string | null;
  scopes: string[];
}

export class NotConnectedError extends Error {
  constructor(readonly marketplace: Marketplace) {
    super(`${marketplace} is not connected`);
    this.name = 'NotConnectedError';
  }
}

/** How often, at most, the time of an account's last successful call is written. */
const SUCCESS_RECORD_INTERVAL_MS = 5000;

export function createCredentialStore(options: CredentialStoreOptions): CredentialStore {
  const { tenancy, cipher } = options;
  const margin = options.marginMs ?? 5 * 60_000;
  const inFlight = new Map<string, Promise<string>>();
  // When this process last wrote a success per tenant/marketplace.
  const recordedSuccess = new Map<string, number>();
  const context = (tenant: number, marketplace: Marketplace, field: string) => `tenant:${tenant}/${marketplace}/${field}`;
  const table = (tenant: number) => tenancy.table(tenant, 'marketplace_credentials');
  // Every statement on the tokens runs as the tenant's own role, which reaches that schema alone:
  // a wrong tenant id or table name fails with "permission denied" instead of reading another's.
  const asTenant = <T>(tenant: number, fn: (tx: PoolClient) => Promise<T>) => withTenant(options.pool, tenancy, tenant, fn);

  async function write(db: Queryable, tenant: number, marketplace: Marketplace, accountId: string, grant: OAuthGrant, keepRefresh: boolean): Promise<void> {
    const access = cipher.seal(grant.accessToken, context(tenant, marketplace, 'access_token'));
    const refresh = grant.refreshToken === null ? null : cipher.seal(grant.refreshToken, context(tenant, marketplace, 'refresh_token'));
    await db.query(
      `insert into ${table(tenant)} as c (marketplace, account_id, access_token, access_expires_at, refresh_token, refresh_expires_at, scopes, refreshed_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (marketplace) do update set
         account_id = excluded.account_id, access_token = excluded.access_token, access_expires_at = excluded.access_expires_at,
         refresh_token = case when $9 and excluded.refresh_token is null then c.refresh_token else excluded.refresh_token end,
         refresh_expires_at = case when $9 and excluded.refresh_token is null then c.refresh_expires_at else excluded.refresh_expires_at end,
         scopes = excluded.scopes, refreshed_at = excluded.refreshed_at, last_error = null, revision = c.revision + 1`,
      [marketplace, accountId, access, grant.accessExpiresAt, refresh, grant.refreshExpiresAt, grant.scopes, options.now(), keepRefresh],
    );
  }

  const fresh = (row: Row) => row.access_expires_at.getTime() - margin > options.now().getTime();

  async function refreshed(tenant: number, marketplace: Marketplace): Promise<string> {
    const auth = options.auth[marketplace];
    try {
      return await asTenant(tenant, async (tx) => {
        const { rows } = await tx.query<Row>(`select account_id, access_token, access_expires_at, refresh_token, scopes from ${table(tenant)} where marketplace = $1 for update`, [marketplace]);
        const row = rows[0];
        if (!row) throw new NotConnectedError(marketplace);
        // Another process may have refreshed while this one waited for the lock.
        if (fresh(row)) return cipher.open(row.access_token, context(tenant, marketplace, 'access_token'));
        if (!row.refresh_token || !auth) throw new GrantRefusedError(marketplace, 'the access token expired and there is no refresh token');
        const grant = await auth.refresh(cipher.open(row.refresh_token, context(tenant, marketplace, 'refresh_token')), row.scopes);
        await write(tx, tenant, marketplace, row.account_id, grant, true);
        return grant.accessToken;
      });
    } catch (err) {
      if (err instanceof GrantRefusedError) {
        await asTenant(tenant, (tx) => tx.query(`update ${table(tenant)} set last_error = $2 where marketplace = $1`, [marketplace, JSON.stringify({ at: options.now().toISOString(), message: err.reason })]));
        await options.onRevoked(tenant, marketplace, err.reason);
      }
      throw err;
    }
  }

  return {
    save: (tenant, marketplace, accountId, grant) => asTenant(tenant, (tx) => write(tx, tenant, marketplace, accountId, grant, false)),

    async remove(tenant, marketplace) {
      await asTenant(tenant, (tx) => tx.query(`delete from ${table(tenant)} where marketplace = $1`, [marketplace]));
    },

    async accessToken(tenant, marketplace) {
      const { rows } = await asTenant(tenant, (tx) => tx.query<Row>(`select account_id, access_token, access_expires_at, refresh_token, scopes from ${table(tenant)} where marketplace = $1`, [marketplace]));
      const row = rows[0];
      if (!row) throw new NotConnectedError(marketplace);
      if (fresh(row)) return cipher.open(row.access_token, context(tenant, marketplace, 'access_token'));
      const key = `${tenant}/${marketplace}`;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = refreshed(tenant, marketplace).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },

    async recordCall(tenant, marketplace, error) {
      const now = options.now();
      const key = `${tenant}/${marketplace}`;
      if (error !== undefined) {
        recordedSuccess.delete(key);
        await asTenant(tenant, (tx) => tx.query(`update ${table(tenant)} set last_error = $2 where marketplace = $1`, [marketplace, JSON.stringify({ at: now.toISOString(), message: error.slice(0, 1000) })]));
        return;
      }
      // A busy account succeeds many times a second, each call on the same row: the time of its last
      // success is written at most every few seconds (sooner after an error, which it clears), so
      // calls do not queue on that row's lock.
      const last = recordedSuccess.get(key);
      if (last !== undefined && now.getTime() - last < SUCCESS_RECORD_INTERVAL_MS && now.getTime() >= last) return;
      recordedSuccess.set(key, now.getTime());
      await asTenant(tenant, (tx) =>
        tx.query(
          `update ${table(tenant)} set last_success_at = $2, last_error = null
            where marketplace = $1 and (last_error is not null or last_success_at is null or last_success_at < $2::timestamptz - interval '${SUCCESS_RECORD_INTERVAL_MS} milliseconds')`,
          [marketplace, now],
        ),
      ).catch((err: unknown) => {
        recordedSuccess.delete(key);
        throw err;
      });
    },
  };
}
