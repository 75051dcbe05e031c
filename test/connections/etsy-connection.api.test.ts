import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { etsyAuth } from '../../src/marketplaces/etsy/auth';
import { registerAccount, type Registered } from '../accounts/support';
import { startEtsyDouble, type EtsyDouble } from '../doubles/etsy/server';
import { startTestApp, type TestApp } from '../support/app';

const CALLBACK = 'https://stoflow.test/api/integrations/etsy/callback';
const TOKEN_PATH = '/v3/public/oauth/token';
const SCOPES = 'listings_r listings_w shops_r shops_w transactions_r';

/** Three sellers: one with a single profile of each kind, one with several, one whose grant the tests revoke. */
const SINGLE = { user_id: 11110001, login_name: 'single', shop: { shop_id: 22220001, shop_name: 'VintageSingle', currency_code: 'EUR', country_iso: 'FR' } };
const SEVERAL = {
  user_id: 11110002,
  login_name: 'several',
  shop: {
    shop_id: 22220002,
    shop_name: 'CraftSeveral',
    currency_code: 'GBP',
    country_iso: 'GB',
    shipping_profiles: [{ title: 'Royal Mail' }, { title: 'Courier' }],
    return_policies: [{ accepts_returns: true, accepts_exchanges: false, return_deadline: 14 }],
    processing_profiles: [
      { readiness_state: 'ready_to_ship' as const, min_processing_days: 1, max_processing_days: 2 },
      { readiness_state: 'made_to_order' as const, min_processing_days: 5, max_processing_days: 10 },
    ],
  },
};
const REVOKED = { user_id: 11110003, login_name: 'revoked', shop: { shop_id: 22220003, shop_name: 'SoonRevoked' } };

describe('Connecting Etsy (against the Etsy double)', () => {
  let etsy: EtsyDouble;
  let t: TestApp;
  let clock = new Date();

  beforeAll(async () => {
    // Limits high enough not to be in the way: the double's own tests cover Etsy's 429s.
    etsy = await startEtsyDouble({ users: [SINGLE, SEVERAL, REVOKED], rateLimits: { perSecond: 1000, perDay: 1_000_000 } });
    etsy.addRedirectUri(CALLBACK);
    t = await startTestApp(
      {
        ETSY_API_KEY: etsy.app.keystring,
        ETSY_SHARED_SECRET: etsy.app.sharedSecret,
        ETSY_REDIRECT_URI: CALLBACK,
        ETSY_API_BASE_URL: etsy.baseUrl,
        ETSY_AUTH_BASE_URL: etsy.authBaseUrl,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        CORS_ORIGINS: 'https://app.stoflow.test',
        // A hung Etsy is given up on quickly; the double answers in milliseconds otherwise.
        MARKETPLACE_TIMEOUT_MS: '2000',
      },
      { clock: { now: () => clock } },
    );
  });
  afterAll(async () => {
    await t.close();
    await etsy.stop();
  });
  afterEach(() => {
    etsy.setConsent({});
    etsy.faults.clear();
  });

  const auth = (who: Registered) => ({ Authorization: `Bearer ${who.accessToken}` });
  const etsyItem = async (who: Registered) => {
    const list = await request(t.app).get('/api/integrations').set(auth(who));
    expect(list.status).toBe(200);
    return list.body.items.find((i: { marketplace: string }) => i.marketplace === 'etsy');
  };
  const credentialRows = async (who: Registered) =>
    (await t.services.pool.query(`select count(*)::int as n from ${t.services.tenancy.table(who.tenantId, 'marketplace_credentials')}`)).rows[0].n as number;
  /** Moves Stoflow's clock and the double's together. */
  const advance = (seconds: number) => {
    clock = new Date(clock.getTime() + seconds * 1000);
    etsy.advanceTime(seconds);
  };

  /** The seller opens the consent URL and agrees: Etsy sends the browser to the callback. */
  async function consent(authorizationUrl: string): Promise<string> {
    const res = await fetch(authorizationUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    return `${location.pathname}${location.search}`;
  }

  async function connect(who: Registered, etsyUser: { user_id: number } = SINGLE) {
    etsy.setConsent({ userId: etsyUser.user_id });
    const start = await request(t.app).get('/api/integrations/etsy/connect').set(auth(who));
    expect(start.status).toBe(200);
    const back = await consent(start.body.authorization_url);
    const callback = await request(t.app).get(back);
    return { start, back, callback };
  }

  it('When a seller consents on Etsy, then the PKCE verifier stays on the server, the shop is connected with sealed tokens, and GET /api/integrations shows it', async () => {
    const seller = await registerAccount(t.app);
    const from = etsy.requests.length;
    etsy.setConsent({ userId: SINGLE.user_id });
    const start = await request(t.app).get('/api/integrations/etsy/connect').set(auth(seller));
    expect(start.status).toBe(200);
    // While the consent is open, the verifier is kept sealed with the state.
    const pending = await t.services.pool.query<{ verifier: string }>(`select verifier from public.oauth_states where tenant_id = $1`, [seller.tenantId]);
    expect(pending.rows).toEqual([{ verifier: expect.stringMatching(/^v1\./) }]);
    const back = await consent(start.body.authorization_url);
    const callback = await request(t.app).get(back);

    const consentUrl = new URL(start.body.authorization_url);
    expect(`${consentUrl.origin}${consentUrl.pathname}`).toBe(etsy.authorizeUrl);
    expect(Object.fromEntries(consentUrl.searchParams)).toEqual({
      response_type: 'code',
      client_id: etsy.app.keystring,
      redirect_uri: CALLBACK,
      scope: SCOPES,
      state: start.body.state,
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
    expect(start.headers['cache-control']).toBe('no-store');

    expect(callback.status).toBe(200);
    expect(callback.body).toMatchObject({ marketplace: 'etsy', status: 'connected', account: { id: String(SINGLE.user_id), name: 'VintageSingle' } });

    // The token call carried the verifier whose S256 is the challenge the browser saw; the
    // browser never saw the verifier itself (neither in the answer, nor in either redirect).
    const calls = etsy.requests.slice(from);
    const tokenCall = calls.find((r) => r.path === TOKEN_PATH);
    const form = tokenCall?.body as Record<string, string>;
    expect(form).toMatchObject({ grant_type: 'authorization_code', client_id: etsy.app.keystring, redirect_uri: CALLBACK, code: new URL(back, CALLBACK).searchParams.get('code') });
    expect(tokenCall?.status).toBe(200);
    // The key, as on every call to Etsy.
    expect(tokenCall?.headers['x-api-key']).toBe(`${etsy.app.keystring}:${etsy.app.sharedSecret}`);
    const verifier = form.code_verifier!;
    expect(verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(consentUrl.searchParams.get('code_challenge'));
    for (const seenByBrowser of [JSON.stringify(start.body), JSON.stringify(start.headers), back, JSON.stringify(callback.body)]) expect(seenByBrowser).not.toContain(verifier);
    expect(JSON.stringify(pending.rows)).not.toContain(verifier);

    // Every application call carried keystring:shared_secret and the seller's bearer token.
    const application = calls.filter((r) => r.path.startsWith('/v3/application/'));
    expect(application.map((r) => r.path).sort()).toEqual(
      ['/v3/application/users/me', '/v3/application/shops/22220001', '/v3/application/shops/22220001/shipping-profiles', '/v3/application/shops/22220001/policies/return', '/v3/application/shops/22220001/readiness-state-definitions'].sort(),
    );
    for (const r of application) {
      expect(r.headers['x-api-key']).toBe(`${etsy.app.keystring}:${etsy.app.sharedSecret}`);
      expect(String(r.headers.authorization)).toMatch(new RegExp(`^Bearer ${SINGLE.user_id}\\.`));
      expect(r.status).toBe(200);
    }

    const item = await etsyItem(seller);
    expect(item).toMatchObject({
      status: 'connected',
      unavailable: null,
      site: 'EUR',
      account: { id: String(SINGLE.user_id), name: 'VintageSingle', shop_id: String(SINGLE.shop.shop_id) },
      scopes: SCOPES.split(' '),
    });
    // One profile of each kind: each is chosen for the seller at connection.
    expect(Object.keys(item.settings).sort()).toEqual(['readiness_state_id', 'return_policy_id', 'shipping_profile_id']);
    for (const key of Object.keys(item.settings)) expect(item.options[key]).toEqual([{ id: item.settings[key], name: expect.any(String) }]);
    expect(Date.parse(item.token_expires_at) - clock.getTime()).toBeGreaterThan(3500_000);
    expect(Date.parse(item.refresh_expires_at) - clock.getTime()).toBeGreaterThan(89 * 86_400_000);

    // At rest: ciphertext only; in the log and in GET /api/integrations: no token at all.
    const tokens = application.map((r) => String(r.headers.authorization).slice('Bearer '.length));
    const issued = [...etsy.tokens.refresh.keys()].filter((k) => k.startsWith(`${SINGLE.user_id}.`));
    const stored = await t.services.pool.query(`select access_token, refresh_token from ${t.services.tenancy.table(seller.tenantId, 'marketplace_credentials')}`);
    expect(stored.rows[0].access_token).toMatch(/^v1\./);
    expect(stored.rows[0].refresh_token).toMatch(/^v1\./);
    const log = await t.services.eventStore.readLog(seller.tenantId, 0n, 100);
    expect(log.map((e) => e.type)).toEqual(expect.arrayContaining(['MarketplaceConnected', 'MarketplaceSettingsChosen']));
    const logText = JSON.stringify(log, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    const listText = JSON.stringify(await etsyItem(seller));
    expect(tokens.length).toBeGreaterThan(0);
    expect(issued.length).toBeGreaterThan(0);
    for (const token of new Set([...tokens, ...issued, verifier])) {
      expect(JSON.stringify(stored.rows)).not.toContain(token);
      expect(logText).not.toContain(token);
      expect(listText).not.toContain(token);
    }
  });

  it('When the shop has several profiles, then only single options are chosen at connection, and PUT /api/integrations/etsy/settings takes only ids among the shop’s own', async () => {
    const seller = await registerAccount(t.app);
    const { callback } = await connect(seller, SEVERAL);
    expect(callback.status).toBe(200);
    const options = callback.body.options as Record<string, { id: string; name: string }[]>;
    expect(options.shipping_profile_id!.map((o) => o.name)).toEqual(['Royal Mail', 'Courier']);
    expect(options.return_policy_id!.map((o) => o.name)).toEqual(['Returns within 14 days']);
    expect(options.readiness_state_id!.map((o) => o.name)).toEqual(['Ready to ship, 1-2 days', 'Made to order, 5-10 days']);
    expect(callback.body.settings).toEqual({ return_policy_id: options.return_policy_id![0]!.id });

    const chosen = { shipping_profile_id: options.shipping_profile_id![1]!.id, readiness_state_id: options.readiness_state_id![1]!.id };
    const ok = await request(t.app).put('/api/integrations/etsy/settings').set(auth(seller)).send(chosen);
    expect(ok.status).toBe(200);
    expect(ok.body.settings).toEqual({ ...chosen, return_policy_id: options.return_policy_id![0]!.id });

    // Another shop's profile is not this shop's option.
    const single = await registerAccount(t.app);
    const other = (await connect(single)).callback.body.options.shipping_profile_id[0].id as string;
    const wrong = await request(t.app).put('/api/integrations/etsy/settings').set(auth(seller)).send({ shipping_profile_id: other });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([{ field: 'shipping_profile_id', message: expect.stringContaining('not among') }]);
    const foreign = await request(t.app).put('/api/integrations/etsy/settings').set(auth(seller)).send({ payment_policy_id: '1' });
    expect(foreign.status).toBe(422);
    expect(foreign.body.code).toBe('unknown_setting');

    const item = await etsyItem(seller);
    expect(item).toMatchObject({ site: 'GBP', settings: chosen, account: { name: 'CraftSeveral', shop_id: String(SEVERAL.shop.shop_id) } });
    expect(item.last_success_at).not.toBeNull();
  });

  it('When the access token has expired, then it is refreshed once, the rotated refresh token is stored, and the spent one no longer works on Etsy', async () => {
    const seller = await registerAccount(t.app);
    const before = new Set(etsy.tokens.refresh.keys());
    await connect(seller);
    const [first] = [...etsy.tokens.refresh.keys()].filter((k) => !before.has(k));
    expect(first).toBeDefined();
    try {
      advance(2 * 3600);
      const from = etsy.requests.length;
      const ok = await request(t.app).put('/api/integrations/etsy/settings').set(auth(seller)).send({});
      expect(ok.status).toBe(200);
      const refreshes = etsy.requests.slice(from).filter((r) => r.path === TOKEN_PATH);
      expect(refreshes.map((r) => r.body)).toEqual([{ grant_type: 'refresh_token', client_id: etsy.app.keystring, refresh_token: first }]);
      const second = etsy.tokens.refresh.get(first!)!.child;
      expect(second).toEqual(expect.any(String));

      // The next refresh spends the rotated token, which Stoflow stored in place of the first.
      advance(2 * 3600);
      const next = etsy.requests.length;
      expect((await request(t.app).put('/api/integrations/etsy/settings').set(auth(seller)).send({})).status).toBe(200);
      expect(etsy.requests.slice(next).filter((r) => r.path === TOKEN_PATH).map((r) => (r.body as { refresh_token: string }).refresh_token)).toEqual([second]);

      const spent = await fetch(etsy.tokenUrl, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: etsy.app.keystring, refresh_token: first! }) });
      expect(spent.status).toBe(400);
      expect(await spent.json()).toMatchObject({ error: 'invalid_grant' });
      expect((await etsyItem(seller)).status).toBe('connected');
    } finally {
      clock = new Date();
    }
  });

  it('When Etsy refuses the refresh, then the connection is revoked and the seller is asked to connect again', async () => {
    const seller = await registerAccount(t.app);
    expect((await connect(seller, REVOKED)).callback.status).toBe(200);
    etsy.revokeGrant(REVOKED.user_id);
    try {
      advance(2 * 3600);
      const refused = await request(t.app).put('/api/integrations/etsy/settings').set(auth(seller)).send({});
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('marketplace_revoked');
      const item = await etsyItem(seller);
      expect(item).toMatchObject({ status: 'revoked', status_reason: expect.stringContaining('refresh_token is revoked') });
      const log = await t.services.eventStore.readLog(seller.tenantId, 0n, 100);
      expect(log.map((e) => e.type)).toContain('MarketplaceConnectionRevoked');
    } finally {
      clock = new Date();
    }
  });

  it('When a seller disconnects Etsy, then the tokens are gone and the integration says disconnected; another tenant sees none of it', async () => {
    const seller = await registerAccount(t.app);
    const other = await registerAccount(t.app);
    await connect(seller);
    expect((await etsyItem(other)).status).toBe('disconnected');
    expect((await request(t.app).delete('/api/integrations/etsy').set(auth(seller))).status).toBe(204);
    expect(await credentialRows(seller)).toBe(0);
    expect(await etsyItem(seller)).toMatchObject({ status: 'disconnected', account: { name: 'VintageSingle' }, token_expires_at: null, refresh_expires_at: null });
    expect((await request(t.app).delete('/api/integrations/etsy').set(auth(seller))).status).toBe(204);
  });

  it('When the seller declines on Etsy, then nothing is connected and the callback says so', async () => {
    const seller = await registerAccount(t.app);
    const start = await request(t.app).get('/api/integrations/etsy/connect').set(auth(seller));
    etsy.setConsent({ approve: false });
    const from = etsy.requests.length;
    const back = await request(t.app).get(await consent(start.body.authorization_url));
    expect(back.status).toBe(422);
    expect(back.body.code).toBe('consent_declined');
    expect(back.body.detail).toMatch(/access_denied/);
    expect(etsy.requests.slice(from).filter((r) => r.path === TOKEN_PATH)).toEqual([]);
    expect((await etsyItem(seller)).status).toBe('disconnected');
  });

  it.each([
    ['answers 429 with retry-after while the shop is read', { path: '/v3/application/users/me', kind: 'status' as const, status: 429, retryAfterSeconds: 30 }, /answered 429/],
    ['hangs on the token exchange', { path: TOKEN_PATH, kind: 'hang' as const }, /did not answer.*timeout/],
  ])('When Etsy %s during the callback, then a 502 problem answers, nothing is connected and the state is spent', async (_what, fault, detail) => {
    const seller = await registerAccount(t.app);
    etsy.setConsent({ userId: SINGLE.user_id });
    const start = await request(t.app).get('/api/integrations/etsy/connect').set(auth(seller));
    const back = await consent(start.body.authorization_url);
    etsy.faults.next(fault);
    const res = await request(t.app).get(back);
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 502, code: 'marketplace_error', detail: expect.stringMatching(detail) });
    expect(await credentialRows(seller)).toBe(0);
    expect((await etsyItem(seller)).status).toBe('disconnected');
    const replay = await request(t.app).get(back);
    expect(replay.status).toBe(400);
    expect(replay.body.errors).toEqual([{ field: 'state', message: expect.stringContaining('already used or expired') }]);
  });

  it('When Etsy is not configured on the server, then connecting answers 503 and the integration says what is missing', async () => {
    const base = { apiBaseUrl: 'https://api.etsy.com', authBaseUrl: 'https://www.etsy.com', timeoutMs: 1000 };
    expect(etsyAuth(base).unavailable).toBe('ETSY_API_KEY is not set');
    expect(etsyAuth({ ...base, apiKey: 'k' }).unavailable).toBe('ETSY_SHARED_SECRET is not set');
    expect(etsyAuth({ ...base, apiKey: 'k', sharedSecret: 's' }).unavailable).toBe('ETSY_REDIRECT_URI is not set');
    expect(etsyAuth({ ...base, apiKey: 'k', sharedSecret: 's', redirectUri: CALLBACK }).unavailable).toBeNull();

    const seller = await registerAccount(t.app);
    const bare = await startTestApp();
    try {
      const res = await request(bare.app).get('/api/integrations/etsy/connect').set(auth(seller));
      expect(res.status).toBe(503);
      expect(res.body.detail).toMatch(/ETSY_API_KEY is not set/);
      const list = await request(bare.app).get('/api/integrations').set(auth(seller));
      expect(list.body.items[1]).toMatchObject({ marketplace: 'etsy', status: 'disconnected', unavailable: 'ETSY_API_KEY is not set' });
    } finally {
      await bare.close();
    }
  });
});
