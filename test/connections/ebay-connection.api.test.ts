import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { registerAccount, type Registered } from '../accounts/support';
import { startEbayDouble, type EbayDouble } from '../doubles/ebay';
import { startTestApp, type TestApp } from '../support/app';

const CALLBACK = 'https://stoflow.test/api/integrations/ebay/callback';

describe('Connecting eBay (against the eBay double)', () => {
  let ebay: EbayDouble;
  let t: TestApp;
  let clock = new Date();

  beforeAll(async () => {
    ebay = await startEbayDouble();
    ebay.setAcceptUrl(ebay.app.ruName, CALLBACK, CALLBACK);
    t = await startTestApp(
      {
        EBAY_CLIENT_ID: ebay.app.clientId,
        EBAY_CLIENT_SECRET: ebay.app.clientSecret,
        EBAY_RU_NAME: ebay.app.ruName,
        EBAY_API_BASE_URL: ebay.baseUrl,
        EBAY_AUTH_BASE_URL: ebay.authBaseUrl,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        CORS_ORIGINS: 'https://app.stoflow.test',
      },
      { clock: { now: () => clock } },
    );
  });
  afterAll(async () => {
    await t.close();
    await ebay.close();
  });

  const auth = (who: Registered) => ({ Authorization: `Bearer ${who.accessToken}` });

  /** The seller opens the consent URL and agrees: eBay sends the browser to the callback. */
  async function consent(authorizationUrl: string): Promise<string> {
    const res = await fetch(authorizationUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    return `${location.pathname}${location.search}`;
  }

  async function connect(who: Registered, query = ''): Promise<{ start: request.Response; callback: request.Response }> {
    const start = await request(t.app).get(`/api/integrations/ebay/connect${query}`).set(auth(who));
    expect(start.status).toBe(200);
    const callback = await request(t.app).get(await consent(start.body.authorization_url));
    return { start, callback };
  }

  it('When a seller consents on eBay, then the callback connects the account, seals the tokens, reads the policies, and GET /api/integrations shows it', async () => {
    const seller = await registerAccount(t.app);
    const { start, callback } = await connect(seller);
    const consentUrl = new URL(start.body.authorization_url);
    expect(consentUrl.searchParams.get('redirect_uri')).toBe(ebay.app.ruName);
    expect(consentUrl.searchParams.get('scope')).toContain('https://api.ebay.com/oauth/api_scope/sell.inventory');
    expect(start.headers['cache-control']).toBe('no-store');

    expect(callback.status).toBe(200);
    expect(callback.body).toMatchObject({ marketplace: 'ebay', status: 'connected', account: { name: 'stoflow_test_seller' } });
    const tokenCall = ebay.requests.find((r) => r.path === '/identity/v1/oauth2/token');
    expect(tokenCall?.headers.authorization).toBe(`Basic ${Buffer.from(`${ebay.app.clientId}:${ebay.app.clientSecret}`).toString('base64')}`);
    expect(tokenCall?.body).toMatchObject({ grant_type: 'authorization_code', redirect_uri: ebay.app.ruName });

    const list = await request(t.app).get('/api/integrations').set(auth(seller));
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { marketplace: string }) => i.marketplace)).toEqual(['ebay', 'etsy', 'vinted']);
    const item = list.body.items[0];
    expect(item).toMatchObject({ status: 'connected', unavailable: null, site: 'EBAY_FR', account: { name: 'stoflow_test_seller' } });
    expect(item.options.payment_policy_id.length).toBeGreaterThan(0);
    expect(Date.parse(item.token_expires_at)).toBeGreaterThan(clock.getTime());
    expect(list.body.items[1]).toMatchObject({ marketplace: 'etsy', status: 'disconnected', unavailable: expect.any(String) });
    expect(JSON.stringify(list.body)).not.toMatch(/access_token"|refresh_token"/);

    // At rest: ciphertext only; in the log: no token at all.
    const tokens = ebay.requests.filter((r) => r.headers.authorization?.toString().startsWith('Bearer ')).map((r) => String(r.headers.authorization).slice(7));
    const stored = await t.services.pool.query(`select access_token, refresh_token from ${t.services.tenancy.table(seller.tenantId, 'marketplace_credentials')}`);
    expect(stored.rows[0].access_token).toMatch(/^v1\./);
    const log = await t.services.eventStore.readLog(seller.tenantId, 0n, 100);
    expect(log.map((e) => e.type)).toContain('MarketplaceConnected');
    const logText = JSON.stringify(log, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of new Set(tokens)) {
      expect(JSON.stringify(stored.rows)).not.toContain(token);
      expect(logText).not.toContain(token);
    }
  });

  it('When the seller connects for another eBay site, then its policies are read on that site and the connection names it (its listings are offered there); an unknown site is refused', async () => {
    const seller = await registerAccount(t.app);
    const before = ebay.requests.length;
    const { callback } = await connect(seller, '?site=EBAY_DE');
    expect(callback.status).toBe(200);
    const reads = ebay.requests.slice(before).filter((r) => r.path.startsWith('/sell/account/v1/'));
    expect(reads.map((r) => r.query.marketplace_id)).toEqual(['EBAY_DE', 'EBAY_DE', 'EBAY_DE']);
    expect((await request(t.app).get('/api/integrations').set(auth(seller))).body.items[0].site).toBe('EBAY_DE');
    // Settings are checked against that site's policies too.
    const settingsFrom = ebay.requests.length;
    expect((await request(t.app).put('/api/integrations/ebay/settings').set(auth(seller)).send({})).status).toBe(200);
    expect(ebay.requests.slice(settingsFrom).filter((r) => r.path.startsWith('/sell/account/v1/')).map((r) => r.query.marketplace_id)).toEqual(['EBAY_DE', 'EBAY_DE', 'EBAY_DE']);

    const unknown = await request(t.app).get('/api/integrations/ebay/connect?site=EBAY_XX').set(auth(seller));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ field: 'site', message: expect.stringContaining('EBAY_FR') }]);
    // Without a site, the server's default.
    const other = await registerAccount(t.app);
    await connect(other);
    expect((await request(t.app).get('/api/integrations').set(auth(other))).body.items[0].site).toBe('EBAY_FR');
  });

  it('When the state is replayed, unknown or expired, then the callback refuses it and connects nothing', async () => {
    const seller = await registerAccount(t.app);
    const start = await request(t.app).get('/api/integrations/ebay/connect').set(auth(seller));
    const back = await consent(start.body.authorization_url);
    expect((await request(t.app).get(back)).status).toBe(200);
    const replay = await request(t.app).get(back);
    expect(replay.status).toBe(400);
    expect(replay.body.errors).toEqual([{ field: 'state', message: expect.stringContaining('already used or expired') }]);

    const late = await request(t.app).get('/api/integrations/ebay/connect').set(auth(seller));
    const lateBack = await consent(late.body.authorization_url);
    clock = new Date(clock.getTime() + 11 * 60_000);
    try {
      expect((await request(t.app).get(lateBack)).status).toBe(400);
    } finally {
      clock = new Date();
    }
  });

  it('When the seller declines on eBay, then nothing is connected; with return_to the browser goes back there with the outcome', async () => {
    const seller = await registerAccount(t.app);
    ebay.setConsent({ decline: true });
    try {
      const start = await request(t.app).get('/api/integrations/ebay/connect?return_to=https://app.stoflow.test/settings').set(auth(seller));
      const back = await request(t.app).get(await consent(start.body.authorization_url));
      expect(back.status).toBe(303);
      expect(back.headers.location).toMatch(/^https:\/\/app\.stoflow\.test\/settings\?marketplace=ebay&status=failed&error=consent_declined$/);
    } finally {
      ebay.setConsent({});
    }
    const list = await request(t.app).get('/api/integrations').set(auth(seller));
    expect(list.body.items[0].status).toBe('disconnected');
    const bad = await request(t.app).get('/api/integrations/ebay/connect?return_to=https://evil.example/steal').set(auth(seller));
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('return_to');
  });

  it('When settings are chosen, then only ids among the account’s own policies are taken, and they show in the integration', async () => {
    const seller = await registerAccount(t.app);
    const { callback } = await connect(seller);
    const options = callback.body.options as Record<string, { id: string }[]>;
    const chosen = { payment_policy_id: options.payment_policy_id![0]!.id, fulfillment_policy_id: options.fulfillment_policy_id![0]!.id };
    const ok = await request(t.app).put('/api/integrations/ebay/settings').set(auth(seller)).send(chosen);
    expect(ok.status).toBe(200);
    expect(ok.body.settings).toMatchObject(chosen);
    const wrong = await request(t.app).put('/api/integrations/ebay/settings').set(auth(seller)).send({ return_policy_id: 'not-a-policy' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([{ field: 'return_policy_id', message: expect.stringContaining('not among') }]);
    const foreign = await request(t.app).put('/api/integrations/ebay/settings').set(auth(seller)).send({ shipping_profile_id: '1' });
    expect(foreign.status).toBe(422);
    const list = await request(t.app).get('/api/integrations').set(auth(seller));
    expect(list.body.items[0].settings).toMatchObject(chosen);
  });

  it('When the seller has no location on eBay, then settings can create one and choose it; asked again, it is the same one', async () => {
    const seller = await registerAccount(t.app);
    await connect(seller);
    const place = { name: 'Atelier Montreuil', address_line1: '12 rue de Paris', city: 'Montreuil', postal_code: '93100', country: 'fr' };
    const made = await request(t.app).put('/api/integrations/ebay/settings').set(auth(seller)).send({ new_location: place });
    expect(made.status).toBe(200);
    const key = made.body.settings.merchant_location_key as string;
    expect(key).toMatch(/^stoflow-[0-9a-f]{20}$/);
    expect(made.body.options.merchant_location_key).toContainEqual({ id: key, name: 'Atelier Montreuil' });
    const there = ebay.state.userByName('stoflow_test_seller')!.locations.get(key) as { location: { address: Record<string, string> } } | undefined;
    expect(there?.location.address).toMatchObject({ addressLine1: '12 rue de Paris', city: 'Montreuil', postalCode: '93100', country: 'FR' });

    // A retry after a lost answer names the same place: eBay's "already exists" is not an error.
    const again = await request(t.app).put('/api/integrations/ebay/settings').set(auth(seller)).send({ new_location: place });
    expect(again.status).toBe(200);
    expect(again.body.settings.merchant_location_key).toBe(key);
    expect(again.body.options.merchant_location_key.filter((o: { id: string }) => o.id === key)).toHaveLength(1);

    const bad = await request(t.app).put('/api/integrations/ebay/settings').set(auth(seller)).send({ new_location: { ...place, country: 'France' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'new_location.country' })]);
    const both = await request(t.app).put('/api/integrations/ebay/settings').set(auth(seller)).send({ new_location: place, merchant_location_key: key });
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([expect.objectContaining({ field: 'new_location' })]);
  });

  it('When the access token has expired, then it is refreshed once and the call goes through; when eBay refuses the refresh, the connection is revoked', async () => {
    const seller = await registerAccount(t.app);
    await connect(seller);
    clock = new Date(clock.getTime() + 2 * 3600_000);
    ebay.advanceTime(2 * 3600_000);
    try {
      const before = ebay.requests.filter((r) => r.path === '/identity/v1/oauth2/token').length;
      const ok = await request(t.app).put('/api/integrations/ebay/settings').set(auth(seller)).send({});
      expect(ok.status).toBe(200);
      const refreshes = ebay.requests.filter((r) => r.path === '/identity/v1/oauth2/token').slice(before);
      expect(refreshes.map((r) => (r.body as { grant_type: string }).grant_type)).toEqual(['refresh_token']);

      ebay.revokeGrant('stoflow_test_seller');
      clock = new Date(clock.getTime() + 2 * 3600_000);
      ebay.advanceTime(2 * 3600_000);
      const refused = await request(t.app).put('/api/integrations/ebay/settings').set(auth(seller)).send({});
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('marketplace_revoked');
      const list = await request(t.app).get('/api/integrations').set(auth(seller));
      expect(list.body.items[0]).toMatchObject({ status: 'revoked', status_reason: expect.any(String) });
    } finally {
      clock = new Date();
    }
  });

  it('When the refresh token has outlived its lifetime, then the integration says expired, and connecting again makes it connected', async () => {
    const seller = await registerAccount(t.app);
    await connect(seller);
    expect((await request(t.app).get('/api/integrations').set(auth(seller))).body.items[0]).toMatchObject({ status: 'connected', refresh_expires_at: expect.any(String) });
    // eBay's refresh tokens last about 18 months: that time is brought to now, a minute either side.
    const credentials = t.services.tenancy.table(seller.tenantId, 'marketplace_credentials');
    await t.services.pool.query(`update ${credentials} set refresh_expires_at = $1`, [new Date(clock.getTime() + 60_000)]);
    expect((await request(t.app).get('/api/integrations').set(auth(seller))).body.items[0].status).toBe('connected');
    const lapsedAt = new Date(clock.getTime() - 60_000);
    await t.services.pool.query(`update ${credentials} set refresh_expires_at = $1`, [lapsedAt]);
    expect((await request(t.app).get('/api/integrations').set(auth(seller))).body.items[0]).toMatchObject({ status: 'expired', refresh_expires_at: lapsedAt.toISOString() });
    await connect(seller);
    expect((await request(t.app).get('/api/integrations').set(auth(seller))).body.items[0].status).toBe('connected');
  });

  it('When a seller disconnects, then the tokens are gone and the integration says disconnected; another tenant sees none of it', async () => {
    const seller = await registerAccount(t.app);
    const other = await registerAccount(t.app);
    await connect(seller);
    expect((await request(t.app).get('/api/integrations').set(auth(other))).body.items[0].status).toBe('disconnected');
    const res = await request(t.app).delete('/api/integrations/ebay').set(auth(seller));
    expect(res.status).toBe(204);
    const stored = await t.services.pool.query(`select count(*)::int as n from ${t.services.tenancy.table(seller.tenantId, 'marketplace_credentials')}`);
    expect(stored.rows[0].n).toBe(0);
    const list = await request(t.app).get('/api/integrations').set(auth(seller));
    expect(list.body.items[0]).toMatchObject({ status: 'disconnected', account: { name: 'stoflow_test_seller' }, token_expires_at: null });
    expect((await request(t.app).delete('/api/integrations/ebay').set(auth(seller))).status).toBe(204);
  });

  it('When Vinted is asked to connect by OAuth, or eBay is not configured, then a clear problem answers', async () => {
    const seller = await registerAccount(t.app);
    const vinted = await request(t.app).get('/api/integrations/vinted/connect').set(auth(seller));
    expect(vinted.status).toBe(422);
    expect(vinted.body.detail).toMatch(/browser extension/);
    const bare = await startTestApp();
    try {
      const res = await request(bare.app).get('/api/integrations/ebay/connect').set(auth(seller));
      expect(res.status).toBe(503);
      expect(res.body.detail).toMatch(/EBAY_CLIENT_ID is not set/);
      const list = await request(bare.app).get('/api/integrations').set(auth(seller));
      expect(list.body.items[0]).toMatchObject({ marketplace: 'ebay', status: 'disconnected', unavailable: 'EBAY_CLIENT_ID is not set' });
    } finally {
      await bare.close();
    }
  });
});
