import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createCredentialStore, NotConnectedError } from '../../src/infra/marketplace-credentials';
import type { Pool } from '../../src/infra/db/postgres';
import { createTokenCipher } from '../../src/infra/token-cipher';
import { GrantRefusedError, type MarketplaceAuth, type OAuthGrant } from '../../src/shared/marketplace-auth';
import { createTestTenant, testKnex, testPool, testTenancy } from '../support/db';

describe('Marketplace credential store', () => {
  let pool: Pool;
  let knex: Knex;
  let now = new Date('2026-12-02T10:00:00.000Z');
  const cipher = createTokenCipher(randomBytes(32));

  beforeAll(() => {
    pool = testPool(6);
    knex = testKnex();
  });
  afterAll(async () => {
    await pool.end();
    await knex.destroy();
  });

  function grant(access: string, refresh: string | null, minutes = 120): OAuthGrant {
    return { accessToken: access, accessExpiresAt: new Date(now.getTime() + minutes * 60_000), refreshToken: refresh, refreshExpiresAt: refresh ? new Date(now.getTime() + 86_400_000) : null, scopes: ['sell.inventory'] };
  }

  /** A sign-in whose refresh answers what the test says, counting the calls. */
  function signIn(refresh: (token: string) => Promise<OAuthGrant>): MarketplaceAuth & { refreshes: string[] } {
    const refreshes: string[] = [];
    return {
      marketplace: 'ebay',
      unavailable: null,
      usesPkce: false,
      refreshes,
      consentUrl: () => 'unused',
      exchangeCode: () => Promise.reject(new Error('unused')),
      describe: () => Promise.reject(new Error('unused')),
      async refresh(token) {
        refreshes.push(token);
        return refresh(token);
      },
    };
  }

  function store(auth: MarketplaceAuth, revoked: string[] = []) {
    return createCredentialStore({ pool, tenancy: testTenancy, cipher, auth: { ebay: auth }, now: () => now, onRevoked: async (_t, _m, reason) => void revoked.push(reason) });
  }

  it('When tokens are saved, then the column holds ciphertext only, and a fresh access token is handed out without a refresh', async () => {
    const tenant = await createTestTenant(knex);
    const auth = signIn(() => Promise.reject(new Error('no refresh expected')));
    const credentials = store(auth);
    await credentials.save(tenant, 'ebay', 'seller-1', grant('v^1.1#access-token-plain', 'v^1.1#refresh-token-plain'));

    const { rows } = await pool.query(`select access_token, refresh_token from ${testTenancy.table(tenant, 'marketplace_credentials')}`);
    expect(rows[0].access_token).toMatch(/^v1\./);
    expect(JSON.stringify(rows)).not.toContain('token-plain');
    expect(await credentials.accessToken(tenant, 'ebay')).toBe('v^1.1#access-token-plain');
    expect(auth.refreshes).toEqual([]);
  });

  it('When a token nears expiry and ten callers ask at once, then one refresh runs and all get the new token; a rotated refresh token is kept', async () => {
    const tenant = await createTestTenant(knex);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const auth = signIn(async () => {
      await gate;
      return grant('access-2', 'refresh-2');
    });
    const credentials = store(auth);
    await credentials.save(tenant, 'ebay', 'seller-1', grant('access-1', 'refresh-1', 3)); // 3 minutes left: inside the margin
    const asks = Array.from({ length: 10 }, () => credentials.accessToken(tenant, 'ebay'));
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect(await Promise.all(asks)).toEqual(Array(10).fill('access-2'));
    expect(auth.refreshes).toEqual(['refresh-1']);

    // Another process (a second store) finds the fresh token and does not refresh again.
    expect(await store(auth).accessToken(tenant, 'ebay')).toBe('access-2');
    now = new Date(now.getTime() + 120 * 60_000);
    const later = signIn(async () => grant('access-3', null));
    expect(await store(later).accessToken(tenant, 'ebay')).toBe('access-3');
    expect(later.refreshes).toEqual(['refresh-2']); // the rotated one, and it stays when the marketplace sends none
    expect(await store(signIn(async () => grant('access-4', null))).accessToken(tenant, 'ebay')).toBe('access-3');
  });

  it('When the marketplace refuses the refresh, then the connection is reported revoked and the caller gets the refusal', async () => {
    const tenant = await createTestTenant(knex);
    const revoked: string[] = [];
    const credentials = store(
      signIn(async () => {
        throw new GrantRefusedError('ebay', 'invalid_grant: the refresh token was revoked');
      }),
      revoked,
    );
    await credentials.save(tenant, 'ebay', 'seller-1', grant('access-1', 'refresh-1', -1));
    await expect(credentials.accessToken(tenant, 'ebay')).rejects.toBeInstanceOf(GrantRefusedError);
    expect(revoked).toEqual(['invalid_grant: the refresh token was revoked']);
    const { rows } = await pool.query(`select last_error from ${testTenancy.table(tenant, 'marketplace_credentials')}`);
    expect(rows[0].last_error).toMatchObject({ message: 'invalid_grant: the refresh token was revoked' });
  });

  it("When tokens are removed, or a row is copied into another tenant's table, then nothing usable comes out", async () => {
    const tenant = await createTestTenant(knex);
    const other = await createTestTenant(knex);
    const credentials = store(signIn(() => Promise.reject(new Error('unused'))));
    await credentials.save(tenant, 'ebay', 'seller-1', grant('access-1', 'refresh-1'));
    await pool.query(`insert into ${testTenancy.table(other, 'marketplace_credentials')} select * from ${testTenancy.table(tenant, 'marketplace_credentials')}`);
    await expect(credentials.accessToken(other, 'ebay')).rejects.toThrow(/integrity/);

    await credentials.remove(tenant, 'ebay');
    await expect(credentials.accessToken(tenant, 'ebay')).rejects.toBeInstanceOf(NotConnectedError);
  });
  it("When the store reads or writes tokens, then it does so as the tenant's own role: another tenant's table is out of its reach", async () => {
    const [tenant, other] = [await createTestTenant(knex), await createTestTenant(knex)];
    const credentials = store(signIn(() => Promise.reject(new Error('no refresh expected'))));
    await credentials.save(tenant, 'ebay', 'seller-1', grant('access-of-tenant', 'refresh-of-tenant'));
    const role = testTenancy.schema(tenant);
    // The tenant's role loses its own table for a moment: the store, running as that role, is refused.
    await pool.query(`revoke select on ${testTenancy.table(tenant, 'marketplace_credentials')} from ${role}`);
    try {
      await expect(credentials.accessToken(tenant, 'ebay')).rejects.toThrow(/permission denied/);
    } finally {
      await pool.query(`grant select on ${testTenancy.table(tenant, 'marketplace_credentials')} to ${role}`);
    }
    expect(await credentials.accessToken(tenant, 'ebay')).toBe('access-of-tenant');
    // A store that names the wrong tenant's table (a bug) is refused, not answered.
    const wired = createCredentialStore({
      pool,
      tenancy: { ...testTenancy, table: (_tenant: number, name: string) => testTenancy.table(tenant, name) },
      cipher,
      auth: {},
      now: () => now,
      onRevoked: async () => undefined,
    });
    await expect(wired.accessToken(other, 'ebay')).rejects.toThrow(/permission denied/);
  });

  it('When an account succeeds many times a second, then its last success is written once every few seconds, and at once after an error, which it clears', async () => {
    const tenant = await createTestTenant(knex);
    const credentials = store(signIn(() => Promise.reject(new Error('unused'))));
    await credentials.save(tenant, 'ebay', 'seller-1', grant('access-1', 'refresh-1'));
    const row = async () => (await pool.query<{ last_success_at: Date | null; last_error: { message: string } | null }>(`select last_success_at, last_error from ${testTenancy.table(tenant, 'marketplace_credentials')}`)).rows[0]!;
    const start = now;
    try {
      await credentials.recordCall(tenant, 'ebay');
      expect((await row()).last_success_at?.toISOString()).toBe(start.toISOString());
      now = new Date(start.getTime() + 2000);
      await Promise.all(Array.from({ length: 20 }, () => credentials.recordCall(tenant, 'ebay')));
      // Another process writes no sooner either: the row says when it last was.
      await store(signIn(() => Promise.reject(new Error('unused')))).recordCall(tenant, 'ebay');
      expect((await row()).last_success_at?.toISOString()).toBe(start.toISOString());

      await credentials.recordCall(tenant, 'ebay', 'eBay answered 503');
      expect((await row()).last_error?.message).toBe('eBay answered 503');
      now = new Date(start.getTime() + 3000);
      await credentials.recordCall(tenant, 'ebay');
      expect(await row()).toEqual({ last_success_at: now, last_error: null });

      now = new Date(start.getTime() + 9000);
      await credentials.recordCall(tenant, 'ebay');
      expect((await row()).last_success_at?.toISOString()).toBe(now.toISOString());
    } finally {
      now = start;
    }
  });
});
