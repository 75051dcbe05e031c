import { MALFORMED_KEY, UNKNOWN_KEY } from './auth';
import { startEtsyDouble, type EtsyDouble } from './server';
import { authorize, call, connect, consentParams, draftForm, imageForm, pkcePair, PNG, REDIRECT_URI, seller, token } from './test-client';

let etsy: EtsyDouble;

beforeAll(async () => {
  etsy = await startEtsyDouble({ app: { keystring: 'stoflowtestkeystring', sharedSecret: 'topsecret' }, whenMadeYear: 2026, rateLimits: { perSecond: 1000, perDay: 100000 } });
  etsy.addRedirectUri(REDIRECT_URI);
});
afterAll(() => etsy.stop());
beforeEach(() => etsy.reset());

async function grantCode() {
  const { verifier, challenge } = pkcePair();
  const consent = await authorize(etsy, consentParams(etsy, challenge));
  return { verifier, code: consent.location!.searchParams.get('code')!, consent };
}

const exchange = (code: string, verifier: string) =>
  token(etsy, { grant_type: 'authorization_code', client_id: etsy.app.keystring, redirect_uri: REDIRECT_URI, code, code_verifier: verifier });
const refresh = (refreshToken: string) => token(etsy, { grant_type: 'refresh_token', client_id: etsy.app.keystring, refresh_token: refreshToken });

describe('OAuth 2.0 with PKCE', () => {
  it('When the seller approves and the verifier matches the challenge, then the code buys a Bearer pair of <user_id>.<token> lasting 3600 s', async () => {
    const { verifier, code, consent } = await grantCode();
    expect(consent.status).toBe(302);
    expect(consent.location!.origin + consent.location!.pathname).toBe(REDIRECT_URI);
    expect(consent.location!.searchParams.get('state')).toBe('csrf-state-123');
    const answer = await exchange(code, verifier);
    expect(answer.status).toBe(200);
    const { userId } = seller(etsy);
    expect(answer.json).toEqual({ access_token: expect.stringMatching(new RegExp(`^${userId}\\.[\\w-]{40,}$`)), token_type: 'Bearer', expires_in: 3600, refresh_token: expect.stringMatching(new RegExp(`^${userId}\\.`)) });
    const me = await call(etsy, 'GET', '/v3/application/users/me', { token: answer.json.access_token as string });
    expect(me.json).toEqual({ user_id: userId, shop_id: seller(etsy).shopId });
  });

  it('When the verifier does not hash to the challenge, then the token endpoint refuses with invalid_grant', async () => {
    const { code } = await grantCode();
    const answer = await exchange(code, pkcePair().verifier);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: 'invalid_grant', error_description: 'code_verifier is invalid' });
  });

  it('When the verifier is missing, then the token endpoint answers invalid_request "code_verifier is required"', async () => {
    const { code } = await grantCode();
    const answer = await token(etsy, { grant_type: 'authorization_code', client_id: etsy.app.keystring, redirect_uri: REDIRECT_URI, code });
    expect(answer.json).toEqual({ error: 'invalid_request', error_description: 'code_verifier is required' });
  });

  it('When a code is presented a second time, then it is refused and the tokens it bought stop working', async () => {
    const { verifier, code } = await grantCode();
    const first = await exchange(code, verifier);
    expect((await exchange(code, verifier)).json.error).toBe('invalid_grant');
    expect((await refresh(first.json.refresh_token as string)).json).toEqual({ error: 'invalid_grant', error_description: 'refresh_token is revoked' });
  });

  it('When the redirect URI is not registered, then the consent page shows an error and redirects nowhere until the URI is added', async () => {
    const params = { ...consentParams(etsy, pkcePair().challenge), redirect_uri: 'http://127.0.0.1:9/other' };
    const refused = await authorize(etsy, params);
    expect(refused.status).toBe(400);
    expect(refused.location).toBeNull();
    expect(refused.body).toContain('The requested redirect URL is not permitted.');
    etsy.addRedirectUri('http://127.0.0.1:9/other');
    expect((await authorize(etsy, params)).location!.searchParams.get('code')).toBeTruthy();
  });

  it('When the seller declines, or the challenge method is not S256, then the redirect carries the OAuth error and the state', async () => {
    etsy.setConsent({ approve: false });
    const declined = await authorize(etsy, consentParams(etsy, pkcePair().challenge));
    expect(Object.fromEntries(declined.location!.searchParams)).toEqual({ error: 'access_denied', error_description: expect.any(String), state: 'csrf-state-123' });
    const plain = await authorize(etsy, { ...consentParams(etsy, pkcePair().challenge), code_challenge_method: 'plain' });
    expect(plain.location!.searchParams.get('error')).toBe('invalid_request');
  });

  it('When a refresh token has been rotated and its replacement used, then the old one is refused while the new ones work', async () => {
    const first = await connect(etsy);
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.json.access_token).not.toBe(first.access_token);
    expect(second.json.refresh_token).not.toBe(first.refresh_token);
    const third = await refresh(second.json.refresh_token as string);
    expect(third.status).toBe(200);
    expect(await refresh(first.refresh_token)).toMatchObject({ status: 400, json: { error: 'invalid_grant', error_description: 'refresh_token is revoked' } });
    expect((await call(etsy, 'GET', '/v3/application/users/me', { token: third.json.access_token as string })).status).toBe(200);
  });

  it('When the refresh answer was lost, then the old refresh token still works until its replacement is used (grace)', async () => {
    const first = await connect(etsy);
    const lost = await refresh(first.refresh_token);
    const retried = await refresh(first.refresh_token);
    expect(retried.status).toBe(200);
    expect((await refresh(lost.json.refresh_token as string)).json.error_description).toBe('refresh_token is revoked');
  });

  it('When access tokens expire or the grant is revoked, then calls answer 401 invalid_token and only an unrevoked grant refreshes', async () => {
    const pair = await connect(etsy);
    etsy.expireAccessTokens();
    const expired = await call(etsy, 'GET', '/v3/application/users/me', { token: pair.access_token });
    expect(expired).toMatchObject({ status: 401, json: { error: 'invalid_token', error_description: 'access token is expired' } });
    const renewed = await refresh(pair.refresh_token);
    expect((await call(etsy, 'GET', '/v3/application/users/me', { token: renewed.json.access_token as string })).status).toBe(200);
    etsy.revokeGrant(seller(etsy).userId);
    expect((await call(etsy, 'GET', '/v3/application/users/me', { token: renewed.json.access_token as string })).status).toBe(401);
    expect((await refresh(renewed.json.refresh_token as string)).json.error_description).toBe('refresh_token is revoked');
  });
});

describe('x-api-key and scopes', () => {
  it('When x-api-key is missing, a bare keystring, or has a wrong secret, then Etsy answers 403 with its message', async () => {
    const path = '/v3/application/openapi-ping';
    expect(await call(etsy, 'GET', path, { apiKey: null })).toMatchObject({ status: 403, json: { error: MALFORMED_KEY } });
    expect(await call(etsy, 'GET', path, { apiKey: etsy.app.keystring })).toMatchObject({ status: 403, json: { error: MALFORMED_KEY } });
    expect(await call(etsy, 'GET', path, { apiKey: `${etsy.app.keystring}:wrong` })).toMatchObject({ status: 403, json: { error: UNKNOWN_KEY } });
    expect((await call(etsy, 'GET', path)).status).toBe(200);
  });

  it('When the token lacks the scope, or there is no token, then the call answers 403 insufficient_scope or 401', async () => {
    const readOnly = await connect(etsy, ['shops_r', 'listings_r']);
    const { shopId } = seller(etsy);
    const create = await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings`, { token: readOnly.access_token, form: draftForm(etsy) });
    expect(create).toMatchObject({ status: 403, json: { error: 'insufficient_scope' } });
    expect((await call(etsy, 'GET', `/v3/application/shops/${shopId}/shipping-profiles`)).status).toBe(401);
  });

  it("When a seller touches another seller's shop, then Etsy answers 403 User does not own Shop", async () => {
    const two = await startEtsyDouble({ users: [{ user_id: 11 }, { user_id: 22, shop: { shop_id: 2200 } }] });
    try {
      const tokens = two.issueTokens(11);
      const answer = await call(two, 'GET', '/v3/application/shops/2200/shipping-profiles', { token: tokens.access_token });
      expect(answer).toMatchObject({ status: 403, json: { error: 'User does not own Shop 2200' } });
    } finally {
      await two.stop();
    }
  });
});

describe('listing flow', () => {
  it('When a draft gets an image and inventory, then it can be activated, seen publicly, deactivated and deleted', async () => {
    const { access_token: t } = await connect(etsy);
    const { shopId, readinessStateId } = seller(etsy);
    const profiles = await call(etsy, 'GET', `/v3/application/shops/${shopId}/shipping-profiles`, { token: t });
    expect(profiles.json.count).toBe(1);
    const policies = await call(etsy, 'GET', `/v3/application/shops/${shopId}/policies/return`, { token: t });
    expect(policies.json.count).toBe(1);

    const draft = await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings`, { token: t, form: draftForm(etsy) });
    expect(draft.status).toBe(201);
    expect(draft.json).toMatchObject({ state: 'draft', quantity: 2, tags: ['vintage', 'denim', 'levis'], price: { amount: 4500, divisor: 100, currency_code: 'EUR' } });
    const id = draft.json.listing_id as number;

    const image = await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings/${id}/images`, { token: t, body: imageForm(PNG) });
    expect(image.status).toBe(201);
    expect(image.json).toMatchObject({ listing_id: id, rank: 1, full_width: 1, full_height: 1 });
    expect((await fetch(image.json.url_fullxfull as string)).headers.get('content-type')).toBe('image/png');

    const inventory = await call(etsy, 'PUT', `/v3/application/listings/${id}/inventory`, {
      token: t,
      json: { products: [{ sku: 'STO-1', property_values: [], offerings: [{ price: 39.5, quantity: 3, is_enabled: true, readiness_state_id: readinessStateId }] }] },
    });
    expect(inventory.status).toBe(200);
    expect((inventory.json.products as { offerings: { price: unknown }[] }[])[0]!.offerings[0]!.price).toEqual({ amount: 3950, divisor: 100, currency_code: 'EUR' });

    expect((await call(etsy, 'GET', `/v3/application/listings/${id}`)).status).toBe(404);
    const active = await call(etsy, 'PATCH', `/v3/application/shops/${shopId}/listings/${id}`, { token: t, form: { state: 'active', title: 'Vintage Levis 501, W32' } });
    expect(active.json).toMatchObject({ state: 'active', quantity: 3, title: 'Vintage Levis 501, W32', price: { amount: 3950 }, skus: ['STO-1'] });
    const seen = await call(etsy, 'GET', `/v3/application/listings/${id}?includes=Images,Inventory`);
    expect(seen.status).toBe(200);
    expect(seen.json.skus).toBeUndefined();
    expect((seen.json.images as unknown[]).length).toBe(1);

    const inactive = await call(etsy, 'PATCH', `/v3/application/shops/${shopId}/listings/${id}`, { token: t, json: { state: 'inactive' } });
    expect(inactive.json.state).toBe('inactive');
    expect((await call(etsy, 'GET', `/v3/application/listings/${id}`)).status).toBe(404);
    expect((await call(etsy, 'DELETE', `/v3/application/listings/${id}`, { token: t })).status).toBe(204);
    expect(etsy.state.listings.has(id)).toBe(false);
  });

  it('When the draft comes as JSON, then it is read like the form body', async () => {
    const { access_token: t } = await connect(etsy);
    const form = draftForm(etsy);
    const json = { ...form, quantity: 1, price: 10, taxonomy_id: 2045, is_supply: false, shipping_profile_id: Number(form.shipping_profile_id), return_policy_id: Number(form.return_policy_id), tags: ['vintage'] };
    const draft = await call(etsy, 'POST', `/v3/application/shops/${seller(etsy).shopId}/listings`, { token: t, json });
    expect(draft).toMatchObject({ status: 201, json: { quantity: 1, tags: ['vintage'] } });
  });
});

describe('what Etsy refuses', () => {
  let t: string;
  let shopId: number;
  const create = (overrides: Record<string, string | string[] | undefined>, query = '') =>
    call(etsy, 'POST', `/v3/application/shops/${shopId}/listings${query}`, { token: t, form: draftForm(etsy, overrides) });
  const refusal = async (overrides: Record<string, string | string[] | undefined>) => {
    const answer = await create(overrides);
    expect(answer.status).toBe(400);
    return answer.json.error as string;
  };
  beforeEach(async () => {
    t = etsy.issueTokens().access_token;
    shopId = seller(etsy).shopId;
  });

  it('When the title has 141 characters, then the draft is refused naming /title', async () => {
    expect(await refusal({ title: 'x'.repeat(141) })).toBe('There was a problem with /title : must be 140 characters or fewer');
    expect((await create({ title: 'x'.repeat(140) })).status).toBe(201);
    expect(await refusal({ title: 'Levis & Lee & Wrangler' })).toMatch(/^There was a problem with \/title : /);
  });

  it('When there are 14 tags, a duplicate, or one longer than 20 characters, then the draft is refused naming /tags', async () => {
    expect(await refusal({ tags: Array.from({ length: 14 }, (_, i) => `tag${i}`).join(',') })).toBe('There was a problem with /tags : may contain at most 13 values');
    expect(await refusal({ tags: 'denim,Denim' })).toBe('There was a problem with /tags : You may not have duplicate tags.');
    expect(await refusal({ tags: 'a'.repeat(21) })).toMatch(/^There was a problem with \/tags : /);
    expect(await refusal({ tags: 'jeans!' })).toBe('There was a problem with /tags : contains invalid character');
    expect((await create({ tags: Array.from({ length: 13 }, (_, i) => `tag${i}`) })).status).toBe(201);
  });

  it('When who_made, when_made or is_supply is missing, then the draft is refused naming the field', async () => {
    expect(await refusal({ who_made: undefined })).toBe('There was a problem with /who_made : is required');
    expect(await refusal({ when_made: undefined })).toBe('There was a problem with /when_made : is required');
    expect(await refusal({ is_supply: undefined })).toMatch(/^There was a problem with \/is_supply : /);
  });

  it("When an enum takes a value outside Etsy's list (including a past year's when_made), then the draft is refused", async () => {
    expect(await refusal({ who_made: 'me' })).toMatch(/^There was a problem with \/who_made : must be one of: i_did, someone_else, collective/);
    expect(await refusal({ when_made: '2020_2023' })).toMatch(/^There was a problem with \/when_made : must be one of: made_to_order, 2020_2026, 2010_2019, 2007_2009, before_2007, 2000_2006, 1990s/);
    for (const ok of ['made_to_order', '2020_2026', 'before_2007', '1990s', 'before_1700']) expect((await create({ when_made: ok })).status).toBe(201);
  });

  it('When a physical draft has no shipping profile, or an unknown taxonomy, then Etsy refuses it', async () => {
    expect(await refusal({ shipping_profile_id: undefined })).toBe('A shipping_profile_id is required for physical listings.');
    expect(await refusal({ taxonomy_id: '999999' })).toMatch(/^There was a problem with \/taxonomy_id : /);
    expect(await refusal({ price: '0.10' })).toMatch(/^There was a problem with \/price : must be above min price/);
    expect(await refusal({ quantity: 'two' })).toBe('There was a problem with /quantity : must be an integer');
  });

  it('When legacy=false enables processing profiles, then a physical draft needs a readiness_state_id of the shop', async () => {
    const missing = await create({}, '?legacy=false');
    expect(missing.json.error).toBe('There was a problem with /readiness_state_id : is required for physical listings');
    expect((await create({ readiness_state_id: '42' }, '?legacy=false')).status).toBe(400);
    expect((await create({ readiness_state_id: String(seller(etsy).readinessStateId) }, '?legacy=false')).status).toBe(201);
  });

  it('When a draft without an image is activated, then Etsy refuses, and a non-image upload is refused by its content', async () => {
    const id = (await create({})).json.listing_id as number;
    const activate = await call(etsy, 'PATCH', `/v3/application/shops/${shopId}/listings/${id}`, { token: t, form: { state: 'active' } });
    expect(activate).toMatchObject({ status: 400, json: { error: 'A listing must have at least one image before it can be activated.' } });
    const fake = await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings/${id}/images`, { token: t, body: imageForm(Buffer.from('not an image at all'), 'image/jpeg', 'photo.jpg') });
    expect(fake).toMatchObject({ status: 400, json: { error: 'There was a problem with /image : is not a JPG, PNG or GIF image' } });
    expect(etsy.state.listings.get(id)!.state).toBe('draft');
  });

  it('When a listing already has 20 images, then a 21st is refused with Etsy\'s message', async () => {
    const id = (await create({})).json.listing_id as number;
    for (let i = 0; i < 20; i++) expect((await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings/${id}/images`, { token: t, body: imageForm(PNG) })).status).toBe(201);
    const extra = await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings/${id}/images`, { token: t, body: imageForm(PNG) });
    expect(extra.json.error).toBe('Listings are only allowed 20 images. Please delete a ListingImage before trying to upload another.');
  });

  it('When a US shop activates a physical listing without a return policy, then Etsy refuses; an EU shop may', async () => {
    const us = await startEtsyDouble({ users: [{ user_id: 5, shop: { shop_id: 55, country_iso: 'US', currency_code: 'USD' } }] });
    try {
      const token = us.issueTokens().access_token;
      const id = (await call(us, 'POST', '/v3/application/shops/55/listings', { token, form: draftForm(us, { return_policy_id: undefined }) })).json.listing_id as number;
      await call(us, 'POST', `/v3/application/shops/55/listings/${id}/images`, { token, body: imageForm(PNG) });
      const refused = await call(us, 'PATCH', `/v3/application/shops/55/listings/${id}`, { token, form: { state: 'active' } });
      expect(refused.json.error).toBe('A return_policy_id is required for active physical listings.');
    } finally {
      await us.stop();
    }
  });

  it('When the inventory breaks its *_on_property promise or has no stock, then updateListingInventory refuses it', async () => {
    const id = (await create({})).json.listing_id as number;
    const size = (value: string, valueId: number) => ({ property_id: 100, value_ids: [valueId], values: [value] });
    const product = (value: string, valueId: number, price: number, quantity = 1) => ({ sku: `S-${value}`, property_values: [size(value, valueId)], offerings: [{ price, quantity, is_enabled: true }] });
    const put = (json: unknown) => call(etsy, 'PUT', `/v3/application/listings/${id}/inventory`, { token: t, json });
    const differing = await put({ products: [product('S', 1, 10), product('M', 2, 12)], price_on_property: [] });
    expect(differing.json.error).toMatch(/^There was a problem with \/price_on_property : /);
    expect((await put({ products: [product('S', 1, 10), product('M', 2, 12)], price_on_property: [100], sku_on_property: [100] })).status).toBe(200);
    expect((await put({ products: [product('S', 1, 10, 0)] })).json.error).toMatch(/^There was a problem with \/products : at least one enabled offering/);
    expect((await put({ products: [{ sku: 'x', offerings: [{ price: 10, quantity: 1 }] }] })).json.error).toBe('There was a problem with /products/0/offerings/0/is_enabled : is required');
    expect((await call(etsy, 'PUT', `/v3/application/listings/${id}/inventory`, { token: t, form: { products: '[]' } })).status).toBe(400);
  });
});
