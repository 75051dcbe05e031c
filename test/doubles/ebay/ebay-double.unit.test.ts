// The eBay double, driven over HTTP with fetch as Stoflow's connector will drive it.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SCOPES, startEbayDouble, type EbayDouble } from './index';

let ebay: EbayDouble;
const SKU = 'STF-0001';
const LANG = { 'Content-Language': 'en-US' };
const ALL = [SCOPES.inventory, SCOPES.account, SCOPES.fulfillment, SCOPES.identity];
const USER = 'stoflow_test_seller';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field, as supertest's are
interface Answer { status: number; body: any; headers: Headers }
async function call(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...opts.headers };
  const res = await fetch(`${ebay.baseUrl}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}
const basic = () => `Basic ${Buffer.from(`${ebay.app.clientId}:${ebay.app.clientSecret}`).toString('base64')}`;
async function token(form: Record<string, string>, auth = basic()): Promise<Answer> {
  const res = await fetch(ebay.tokenUrl, { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: await res.json(), headers: res.headers };
}
const item = (over: Record<string, unknown> = {}) => ({
  availability: { shipToLocationAvailability: { quantity: 2 } },
  condition: 'USED_VERY_GOOD',
  product: { title: 'Veste en jean Levi’s taille M', description: 'Très bon état.', imageUrls: ['https://img.example.com/1.jpg'], aspects: { Brand: ['Levi’s'] } },
  ...over,
});
const ids = (a: Answer) => (a.body.errors as { errorId: number }[]).map((e) => e.errorId);

/** A seller with a location, an item and a complete offer; answers the offer id. */
async function readyOffer(t: string, sku = SKU): Promise<string> {
  const policy = async (kind: string, list: string, id: string) => (await call('GET', `/sell/account/v1/${kind}?marketplace_id=EBAY_US`, { token: t })).body[list][0][id] as string;
  const listingPolicies = { fulfillmentPolicyId: await policy('fulfillment_policy', 'fulfillmentPolicies', 'fulfillmentPolicyId'), paymentPolicyId: await policy('payment_policy', 'paymentPolicies', 'paymentPolicyId'), returnPolicyId: await policy('return_policy', 'returnPolicies', 'returnPolicyId') };
  if (!ebay.state.userByName(USER)?.locations.has('paris')) expect((await call('POST', '/sell/inventory/v1/location/paris', { token: t, body: { location: { address: { city: 'Paris', stateOrProvince: 'IDF', country: 'FR' } } } })).status).toBe(204);
  expect((await call('PUT', `/sell/inventory/v1/inventory_item/${sku}`, { token: t, body: item(), headers: LANG })).status).toBe(201);
  const created = await call('POST', '/sell/inventory/v1/offer', { token: t, headers: LANG, body: { sku, marketplaceId: 'EBAY_US', format: 'FIXED_PRICE', availableQuantity: 2, categoryId: '57988', listingPolicies, merchantLocationKey: 'paris', pricingSummary: { price: { value: '25.00', currency: 'USD' } } } });
  expect(created.status).toBe(201);
  return created.body.offerId as string;
}

beforeAll(async () => {
  ebay = await startEbayDouble();
});
afterAll(() => ebay.close());
beforeEach(() => ebay.reset());

describe('OAuth', () => {
  it('When a seller consents, then the code buys tokens, the refresh token renews them until it is revoked', async () => {
    ebay.setAcceptUrl(ebay.app.ruName, 'https://stoflow.test/ebay/callback?x=1', 'https://stoflow.test/ebay/declined');
    const consent = new URL(`${ebay.authBaseUrl}/oauth2/authorize`);
    for (const [k, v] of Object.entries({ client_id: ebay.app.clientId, redirect_uri: ebay.app.ruName, response_type: 'code', scope: ALL.join(' '), state: 'csrf-42' })) consent.searchParams.set(k, v);
    const redirect = await fetch(consent, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const back = new URL(redirect.headers.get('location') as string);
    expect([back.origin + back.pathname, back.searchParams.get('x'), back.searchParams.get('state'), back.searchParams.get('expires_in')]).toEqual(['https://stoflow.test/ebay/callback', '1', 'csrf-42', '299']);
    const code = back.searchParams.get('code') as string;
    expect(code).toMatch(/^v\^1\.1#/);

    const granted = await token({ grant_type: 'authorization_code', code, redirect_uri: ebay.app.ruName });
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({ access_token: expect.any(String), expires_in: 7200, refresh_token: expect.any(String), refresh_token_expires_in: 47304000, token_type: 'User Access Token' });
    expect((await token({ grant_type: 'authorization_code', code, redirect_uri: ebay.app.ruName })).body.error).toBe('invalid_grant');
    expect((await call('GET', '/commerce/identity/v1/user/', { token: granted.body.access_token })).body).toMatchObject({ username: USER, accountType: 'INDIVIDUAL', userId: expect.any(String) });

    const renewed = await token({ grant_type: 'refresh_token', refresh_token: granted.body.refresh_token, scope: SCOPES.inventory });
    expect(renewed.body).toEqual({ access_token: expect.any(String), expires_in: 7200, token_type: 'User Access Token' });
    expect((await token({ grant_type: 'refresh_token', refresh_token: granted.body.refresh_token, scope: `${SCOPES.api}/sell.finances` })).body.error).toBe('invalid_scope');
    ebay.revokeRefreshToken(granted.body.refresh_token);
    const refused = await token({ grant_type: 'refresh_token', refresh_token: granted.body.refresh_token });
    expect([refused.status, refused.body.error]).toEqual([400, 'invalid_grant']);
  });

  it('When the seller declines, a code expires or credentials are wrong, then eBay refuses as documented', async () => {
    ebay.setAcceptUrl(ebay.app.ruName, 'https://stoflow.test/ok', 'https://stoflow.test/no');
    const url = `${ebay.authBaseUrl}/oauth2/authorize?client_id=${ebay.app.clientId}&redirect_uri=${ebay.app.ruName}&response_type=code&scope=${encodeURIComponent(SCOPES.inventory)}&state=s1`;
    ebay.setConsent({ decline: true });
    const declined = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') as string);
    expect([declined.pathname, declined.searchParams.get('error'), declined.searchParams.get('state')]).toEqual(['/no', 'access_denied', 's1']);
    ebay.setConsent({});
    expect((await fetch(url.replace(ebay.app.ruName, 'Other-RuName'), { redirect: 'manual' })).status).toBe(400);
    const code = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') as string).searchParams.get('code') as string;
    ebay.advanceTime(300_000);
    expect((await token({ grant_type: 'authorization_code', code, redirect_uri: ebay.app.ruName })).body.error).toBe('invalid_grant');
    const wrong = await token({ grant_type: 'client_credentials', scope: SCOPES.api }, `Basic ${Buffer.from(`${ebay.app.clientId}:nope`).toString('base64')}`);
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
    expect((await token({ grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
    expect((await token({ grant_type: 'client_credentials', scope: SCOPES.inventory })).body.error).toBe('invalid_scope');
    expect((await token({ grant_type: 'client_credentials', scope: SCOPES.api })).body).toEqual({ access_token: expect.any(String), expires_in: 7200, token_type: 'Application Access Token' });
  });

  it('When a token is missing, expired, revoked or lacks the scope, then Sell calls answer 400/401/403 with eBay errors', async () => {
    expect(ids(await call('GET', '/sell/inventory/v1/location'))).toEqual([1002]);
    const { accessToken: accountOnly } = ebay.issueUserTokens(USER, [SCOPES.accountRead]);
    expect((await call('GET', '/sell/account/v1/return_policy?marketplace_id=EBAY_US', { token: accountOnly })).status).toBe(200);
    const denied = await call('GET', '/sell/inventory/v1/location', { token: accountOnly });
    expect([denied.status, denied.body.errors[0].errorId, denied.body.errors[0].message]).toEqual([403, 1100, 'Access denied']);
    const { accessToken: readOnly } = ebay.issueUserTokens(USER, [SCOPES.inventoryRead]);
    expect((await call('PUT', `/sell/inventory/v1/inventory_item/${SKU}`, { token: readOnly, body: item(), headers: LANG })).status).toBe(403);
    expect((await call('GET', '/sell/fulfillment/v1/order', { token: ebay.issueApplicationToken() })).status).toBe(403);
    const { accessToken, refreshToken } = ebay.issueUserTokens(USER);
    ebay.expireAccessTokens();
    const expired = await call('GET', '/sell/inventory/v1/location', { token: accessToken });
    expect([expired.status, expired.body.errors[0]]).toEqual([401, { errorId: 1001, domain: 'OAuth', category: 'REQUEST', message: 'Invalid access token', longMessage: 'Invalid access token. Check the value of the Authorization HTTP request header.' }]);
    const fresh = (await token({ grant_type: 'refresh_token', refresh_token: refreshToken })).body.access_token as string;
    expect((await call('GET', '/sell/inventory/v1/location', { token: fresh })).status).toBe(200);
    ebay.revokeGrant(USER);
    expect((await call('GET', '/sell/inventory/v1/location', { token: fresh })).status).toBe(401);
    expect((await token({ grant_type: 'refresh_token', refresh_token: refreshToken })).body.error).toBe('invalid_grant');
  });
});

describe('Listing', () => {
  it('When a seller lists, withdraws and relists, then offers and listings move through eBay states', async () => {
    const t = ebay.issueUserTokens(USER).accessToken;
    const offerId = await readyOffer(t);
    expect((await call('GET', '/sell/inventory/v1/location', { token: t })).body).toMatchObject({ total: 1, locations: [{ merchantLocationKey: 'paris', merchantLocationStatus: 'ENABLED', locationTypes: ['WAREHOUSE'], location: { locationId: expect.any(String), address: { city: 'Paris' } } }] });
    expect((await call('GET', `/sell/inventory/v1/offer/${offerId}`, { token: t })).body).toMatchObject({ offerId, sku: SKU, status: 'UNPUBLISHED', listingDescription: 'Très bon état.', listingDuration: 'GTC' });
    const published = await call('POST', `/sell/inventory/v1/offer/${offerId}/publish/`, { token: t });
    expect(published.status).toBe(200);
    const listingId = published.body.listingId as string;
    expect((await call('GET', `/sell/inventory/v1/offer?sku=${SKU}&marketplace_id=EBAY_US`, { token: t })).body).toMatchObject({ total: 1, size: 1, offers: [{ offerId, status: 'PUBLISHED', listing: { listingId, listingStatus: 'ACTIVE', soldQuantity: 0 } }] });
    expect((await call('POST', `/sell/inventory/v1/offer/${offerId}/withdraw`, { token: t })).body).toEqual({ listingId });
    expect(ebay.state.offers.get(offerId)?.status).toBe('UNPUBLISHED');
    expect(ebay.state.listings.get(listingId)?.status).toBe('ENDED');
    expect((await call('GET', `/sell/inventory/v1/offer/${offerId}`, { token: t })).body.listing).toBeUndefined();
    const relisted = await call('POST', `/sell/inventory/v1/offer/${offerId}/publish`, { token: t });
    expect(relisted.body.listingId).not.toBe(listingId);
    expect((await call('PUT', `/sell/inventory/v1/inventory_item/${SKU}`, { token: t, body: item({ availability: { shipToLocationAvailability: { quantity: 5 } } }), headers: LANG })).status).toBe(204);
    expect((await call('GET', `/sell/inventory/v1/inventory_item/${SKU}`, { token: t })).body).toMatchObject({ sku: SKU, locale: 'en_US', condition: 'USED_VERY_GOOD' });
  });

  it('When an offer is published without policies, price, category or location, then publish lists every missing field', async () => {
    const t = ebay.issueUserTokens(USER).accessToken;
    await call('PUT', `/sell/inventory/v1/inventory_item/${SKU}`, { token: t, body: item({ product: { title: 'Jupe' } }), headers: LANG });
    const offerId = (await call('POST', '/sell/inventory/v1/offer', { token: t, headers: LANG, body: { sku: SKU, marketplaceId: 'EBAY_US', format: 'FIXED_PRICE' } })).body.offerId as string;
    const refused = await call('POST', `/sell/inventory/v1/offer/${offerId}/publish/`, { token: t });
    expect(refused.status).toBe(400);
    expect(ids(refused).sort()).toEqual([25007, 25008, 25009, 25012, 25014, 25017, 25017, 25017]);
    expect(refused.body.errors.find((e: { errorId: number }) => e.errorId === 25007)).toMatchObject({ domain: 'API_INVENTORY', category: 'REQUEST', parameters: [{ name: 'fieldName', value: 'listingPolicies.fulfillmentPolicyId' }] });
    await call('PUT', `/sell/inventory/v1/offer/${offerId}`, { token: t, headers: LANG, body: { categoryId: '1', listingPolicies: { fulfillmentPolicyId: 'nope', paymentPolicyId: 'nope', returnPolicyId: 'nope' } } });
    expect(ids(await call('POST', `/sell/inventory/v1/offer/${offerId}/publish/`, { token: t }))).toEqual(expect.arrayContaining([25007, 25008, 25009]));
  });

  it('When bodies break the OAS rules, then the item and offer calls refuse them as eBay does', async () => {
    const t = ebay.issueUserTokens(USER).accessToken;
    const put = (body: unknown, headers: Record<string, string> = LANG, sku = SKU) => call('PUT', `/sell/inventory/v1/inventory_item/${sku}`, { token: t, body, headers });
    const noLanguage = await put(item(), {});
    expect([noLanguage.status, noLanguage.body.errors[0].errorId, noLanguage.body.errors[0].message]).toEqual([400, 25709, 'Invalid value for header Content-Language.']);
    const used = await put(item({ condition: 'USED' }));
    expect([used.status, used.body.errors[0]]).toEqual([400, expect.objectContaining({ errorId: 2004, parameters: [{ name: 'reason', value: 'Could not serialize field [condition]' }] })]);
    expect(ids(await put(item({ product: { title: 'x'.repeat(81) } })))).toEqual([25016]);
    expect(ids(await put(item({ product: { description: 'x'.repeat(4001) } })))).toEqual([25016]);
    expect(ids(await put(item({ product: { imageUrls: ['http://img.example.com/1.jpg'] } })))).toEqual([25015]);
    expect(ids(await put(item({ availability: { shipToLocationAvailability: { quantity: -1 } } })))).toEqual([25004]);
    expect(ids(await put(item({ availability: { shipToLocationAvailability: { quantity: 1.5 } } })))).toEqual([2004]);
    expect(ids(await put(item(), LANG, 'S'.repeat(51)))).toEqual([25707]);
    expect((await put(item())).status).toBe(201);
    const offer = (body: unknown, headers = LANG) => call('POST', '/sell/inventory/v1/offer', { token: t, body, headers });
    expect(ids(await offer({ sku: SKU, marketplaceId: 'EBAY_US', format: 'FIXED_PRICE' }, {} as typeof LANG))).toEqual([25709]);
    expect(ids(await offer({ sku: SKU, marketplaceId: 'EBAY_MARS', format: 'FIXED_PRICE' }))).toEqual([2004]);
    expect(ids(await offer({ sku: SKU, format: 'FIXED_PRICE' }))).toEqual([25709]);
    expect(ids(await offer({ sku: 'NOPE', marketplaceId: 'EBAY_US', format: 'FIXED_PRICE' }))).toEqual([25702]);
    expect(ids(await offer({ sku: SKU, marketplaceId: 'EBAY_US', format: 'FIXED_PRICE', pricingSummary: { price: { value: 25, currency: 'USD' } } }))).toEqual([2004]);
    const first = await offer({ sku: SKU, marketplaceId: 'EBAY_US', format: 'FIXED_PRICE' });
    const twin = await offer({ sku: SKU, marketplaceId: 'EBAY_US', format: 'FIXED_PRICE' });
    expect([twin.status, twin.body.errors[0].errorId, twin.body.errors[0].message, twin.body.errors[0].parameters]).toEqual([400, 25002, 'A user error has occurred. Offer entity already exists.', [{ name: 'offerId', value: first.body.offerId }]]);
    const noCountry = await call('POST', '/sell/inventory/v1/location/wh1', { token: t, body: { location: { address: { postalCode: '75001' } } } });
    expect([noCountry.status, ids(noCountry)]).toEqual([400, [25801]]);
  });

  it('When prices and quantities are updated in bulk, then each entry answers its own status', async () => {
    const t = ebay.issueUserTokens(USER).accessToken;
    const offerId = await readyOffer(t);
    await call('POST', `/sell/inventory/v1/offer/${offerId}/publish/`, { token: t });
    const ok = await call('POST', '/sell/inventory/v1/bulk_update_price_quantity', { token: t, body: { requests: [{ sku: SKU, shipToLocationAvailability: { quantity: 7 }, offers: [{ offerId, availableQuantity: 7, price: { value: '19.99', currency: 'USD' } }] }] } });
    expect([ok.status, ok.body.responses]).toEqual([200, [{ sku: SKU, statusCode: 200 }, { offerId, sku: SKU, statusCode: 200 }]]);
    const mixed = await call('POST', '/sell/inventory/v1/bulk_update_price_quantity', { token: t, body: { requests: [{ offers: [{ offerId, availableQuantity: 3 }, { offerId: '42', availableQuantity: 1 }] }] } });
    expect([mixed.status, mixed.body.responses.map((r: { statusCode: number }) => r.statusCode)]).toEqual([207, [200, 400]]);
    expect(ids(await call('POST', '/sell/inventory/v1/bulk_update_price_quantity', { token: t, body: { requests: Array.from({ length: 26 }, () => ({ sku: SKU })) } }))).toEqual([25709]);
  });
});

describe('Item conditions', () => {
  const policies = (token: string, query: string, marketplace = 'EBAY_US') => call('GET', `/sell/metadata/v1/marketplace/${marketplace}/get_item_condition_policies${query}`, { token });

  it('When asked which conditions categories take, then getItemConditionPolicies answers each with its conditions, by user or application token', async () => {
    const app = ebay.issueApplicationToken();
    const answer = await policies(app, `?filter=${encodeURIComponent('categoryIds:{246|57988}')}`, 'EBAY_FR');
    expect(answer.status).toBe(200);
    expect(answer.body.itemConditionPolicies).toEqual([
      { categoryId: '246', categoryTreeId: '71', itemConditionRequired: true, itemConditions: [{ conditionId: '1000', conditionDescription: 'New' }, { conditionId: '3000', conditionDescription: 'Used' }] },
      { categoryId: '57988', categoryTreeId: '71', itemConditionRequired: true, itemConditions: expect.arrayContaining([{ conditionId: '4000', conditionDescription: 'Very Good' }]) },
    ]);
    ebay.setConditionPolicy('99001', { itemConditionRequired: false, itemConditions: [] });
    const user = ebay.issueUserTokens(USER).accessToken;
    expect((await policies(user, '?filter=categoryIds:{99001}')).body).toEqual({ itemConditionPolicies: [{ categoryId: '99001', categoryTreeId: '0', itemConditionRequired: false }] });
    expect(ids(await policies(user, '?filter=categoryIds:246'))).toEqual([46002]);
    expect(ids(await policies(user, '?filter=categoryIds:{jeans}'))).toEqual([46003]);
    expect(ids(await policies(user, '', 'EBAY_MARS'))).toEqual([46001]);
    const many = await policies(user, `?filter=categoryIds:{${Array.from({ length: 51 }, (_, n) => String(1000 + n)).join('|')}}`);
    expect([many.body.itemConditionPolicies.length, many.body.warnings.map((w: { errorId: number }) => w.errorId)]).toEqual([50, [46004]]);
    expect(ids(await call('GET', '/sell/metadata/v1/marketplace/EBAY_US/get_item_condition_policies'))).toEqual([1002]);
  });

  it('When an offer is published in a category that does not take its item condition, then publishOffer refuses it with 25021 and lists nothing', async () => {
    const t = ebay.issueUserTokens(USER).accessToken;
    const offerId = await readyOffer(t);
    const offer = ebay.state.offers.get(offerId)!;
    offer.details.categoryId = '246';
    const refused = await call('POST', `/sell/inventory/v1/offer/${offerId}/publish/`, { token: t });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      {
        errorId: 25021,
        domain: 'API_INVENTORY',
        subdomain: 'Selling',
        category: 'REQUEST',
        message: 'The eBay listing associated with the inventory item, or the unpublished offer has invalid item condition information. The item condition USED_VERY_GOOD is not valid for category 246.',
        parameters: [{ name: 'fieldName', value: 'condition' }, { name: 'additionalInfo', value: 'The item condition USED_VERY_GOOD is not valid for category 246.' }],
      },
    ]);
    expect([offer.status, ebay.state.listings.size]).toEqual(['UNPUBLISHED', 0]);
    expect((await call('PUT', `/sell/inventory/v1/inventory_item/${SKU}`, { token: t, body: item({ condition: 'USED_EXCELLENT' }), headers: LANG })).status).toBe(204);
    expect((await call('POST', `/sell/inventory/v1/offer/${offerId}/publish/`, { token: t })).status).toBe(200);
  });
});

describe('Orders', () => {
  it('When a buyer buys the last units, then the order is listed by lastmodifieddate and the listing is out of stock', async () => {
    const t = ebay.issueUserTokens(USER).accessToken;
    const offerId = await readyOffer(t);
    const { listingId } = (await call('POST', `/sell/inventory/v1/offer/${offerId}/publish/`, { token: t })).body as { listingId: string };
    const before = new Date(ebay.state.now().getTime() - 1000).toISOString();
    const order = ebay.sell({ sku: SKU, quantity: 2, buyer: { username: 'acheteuse75' } });
    expect(order).toMatchObject({ orderId: expect.stringMatching(/^\d{2}-\d{5}-\d{5}$/), orderFulfillmentStatus: 'NOT_STARTED', orderPaymentStatus: 'PAID', cancelStatus: { cancelState: 'NONE_REQUESTED' }, pricingSummary: { total: { value: '50.0', currency: 'USD' } }, lineItems: [{ sku: SKU, legacyItemId: listingId, quantity: 2, lineItemCost: { value: '50.0', currency: 'USD' } }] });
    expect((await call('GET', `/sell/inventory/v1/offer/${offerId}`, { token: t })).body).toMatchObject({ availableQuantity: 0, listing: { listingStatus: 'OUT_OF_STOCK', soldQuantity: 2 } });
    expect(() => ebay.sell({ sku: SKU })).toThrow();

    ebay.advanceTime(60_000);
    const middle = ebay.state.now().toISOString();
    ebay.advanceTime(60_000);
    ebay.updateOrder(order.orderId, { orderFulfillmentStatus: 'FULFILLED' });
    const query = (filter: string) => call('GET', `/sell/fulfillment/v1/order?${new URLSearchParams({ filter, limit: '10' })}`, { token: t });
    expect((await query(`lastmodifieddate:[${middle}..]`)).body).toMatchObject({ total: 1, orders: [{ orderId: order.orderId, orderFulfillmentStatus: 'FULFILLED' }] });
    expect((await query(`lastmodifieddate:[${before}..${middle}]`)).body).toMatchObject({ total: 0, orders: [] });
    expect((await query(`creationdate:[${before}..${middle}]`)).body.total).toBe(1);
    expect((await query('orderfulfillmentstatus:{NOT_STARTED|IN_PROGRESS}')).body.total).toBe(0);
    expect(ids(await call('GET', `/sell/fulfillment/v1/order?filter=lastmodifieddate:[${middle}..]`, { token: t }))).toEqual([30800]);
    expect(ids(await query('lastmodifieddate:[yesterday..]'))).toEqual([30810]);
    expect(ids(await query('colour:[a..b]'))).toEqual([30700]);
    expect((await call('GET', `/sell/fulfillment/v1/order?orderIds=${order.orderId}`, { token: t })).body.orders[0].orderId).toBe(order.orderId);
    expect((await call('GET', `/sell/fulfillment/v1/order/${order.orderId}`, { token: t })).body.legacyOrderId).toBe(order.orderId);
    expect(ids(await call('GET', '/sell/fulfillment/v1/order/01-00000-00000', { token: t }))).toEqual([32100]);
  });
});

describe('Faults', () => {
  it('When faults are queued, then the next matching calls answer 429/500/503, hang, drop or slow down', async () => {
    const t = ebay.issueUserTokens(USER).accessToken;
    ebay.faults.next({ path: '/sell/inventory', kind: 'status', status: 429, retryAfterSeconds: 3 });
    ebay.faults.next({ method: 'GET', path: /\/location$/, kind: 'status', status: 500, times: 2 });
    ebay.faults.next({ path: '/identity/v1/oauth2/token', kind: 'status', status: 503 });
    const limited = await call('GET', '/sell/inventory/v1/location', { token: t });
    expect([limited.status, limited.headers.get('retry-after'), ids(limited)]).toEqual([429, '3', [2001]]);
    expect(ids(await call('GET', '/sell/inventory/v1/location', { token: t }))).toEqual([25001]);
    expect((await call('GET', '/sell/inventory/v1/location', { token: t })).status).toBe(500);
    expect((await call('GET', '/sell/inventory/v1/location', { token: t })).status).toBe(200);
    expect((await token({ grant_type: 'client_credentials', scope: SCOPES.api })).status).toBe(503);

    ebay.faults.next({ kind: 'hang' });
    await expect(fetch(`${ebay.baseUrl}/sell/inventory/v1/location`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    ebay.faults.next({ kind: 'drop' });
    await expect(fetch(`${ebay.baseUrl}/sell/inventory/v1/location`)).rejects.toThrow();
    ebay.faults.next({ kind: 'slow', ms: 150 });
    const started = Date.now();
    expect((await call('GET', '/sell/inventory/v1/location', { token: t })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(ebay.requests.map((r) => r.outcome)).toEqual(['answered', 'answered', 'answered', 'answered', 'answered', 'hung', 'dropped', 'answered']);
    expect(ebay.requests[0]).toMatchObject({ method: 'GET', path: '/sell/inventory/v1/location', status: 429 });
    expect(ebay.faults.pending).toEqual([]);
  });
});

describe('Notifications', () => {
  let receiver: Server;
  const received: { headers: Record<string, unknown>; body: string }[] = [];
  /** The endpoint the receiver hashes into its challenge answers (as registered, not as reached). */
  let registered: string | undefined;
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const challenge = new URL(req.url ?? '/', 'http://x').searchParams.get('challenge_code');
      if (req.method === 'GET' && challenge) {
        const endpoint = registered ?? `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ebay/notifications`;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ challengeResponse: createHash('sha256').update(challenge).update('verification-token-0123456789-abcdef').update(endpoint).digest('hex') }));
        return;
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('When eBay delivers a notification, then its X-EBAY-SIGNATURE verifies against the served public key', async () => {
    const appToken = ebay.issueApplicationToken();
    expect((await call('GET', `/commerce/notification/v1/public_key/${ebay.publicKeyId}`, { token: ebay.issueUserTokens(USER).accessToken })).status).toBe(403);
    expect(ids(await call('GET', '/commerce/notification/v1/public_key/unknown', { token: appToken }))).toEqual([195001]);
    const served = (await call('GET', `/commerce/notification/v1/public_key/${ebay.publicKeyId}`, { token: appToken })).body as { algorithm: string; digest: string; key: string };
    expect([served.algorithm, served.digest]).toEqual(['ECDSA', 'SHA1']);
    const pem = served.key.replace('-----BEGIN PUBLIC KEY-----', '-----BEGIN PUBLIC KEY-----\n').replace('-----END PUBLIC KEY-----', '\n-----END PUBLIC KEY-----');
    const check = (body: string, header: string) => {
      const signature = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { alg: string; kid: string; signature: string; digest: string };
      expect([signature.alg, signature.kid, signature.digest]).toEqual(['ECDSA', ebay.publicKeyId, 'SHA1']);
      return verify('sha1', Buffer.from(body), createPublicKey(pem), Buffer.from(signature.signature, 'base64'));
    };
    expect(check('{"a":1}', ebay.signNotification({ a: 1 }))).toBe(true);
    expect(check('{"a":2}', ebay.signNotification({ a: 1 }))).toBe(false);

    const t = ebay.issueUserTokens(USER).accessToken;
    await call('POST', `/sell/inventory/v1/offer/${await readyOffer(t)}/publish/`, { token: t });
    const order = ebay.sell({ sku: SKU });
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ebay/notifications`;
    const deliveries = await ebay.deliverNotification(url, 'ORDER_CONFIRMATION', ebay.orderConfirmationData(order.orderId), { duplicate: true });
    expect(deliveries.map((d) => d.status)).toEqual([204, 204]);
    const [first, second] = received.splice(0);
    expect(second?.body).toBe(first?.body);
    const sent = JSON.parse(first?.body as string);
    expect(sent).toMatchObject({ metadata: { topic: 'ORDER_CONFIRMATION', schemaVersion: '1.0', deprecated: false }, notification: { notificationId: expect.any(String), publishAttemptCount: 1, data: { order: { orderId: order.orderId, orderLineItems: [{ quantity: 1 }] } } } });
    expect(check(first?.body as string, first?.headers['x-ebay-signature'] as string)).toBe(true);
    await ebay.deliverNotification(url, 'MARKETPLACE_ACCOUNT_DELETION', ebay.accountDeletionData(USER), { badSignature: true });
    const [tampered] = received.splice(0);
    expect(JSON.parse(tampered?.body as string).notification.data).toMatchObject({ username: USER, userId: expect.any(String), eiasToken: expect.any(String) });
    expect(check(tampered?.body as string, tampered?.headers['x-ebay-signature'] as string)).toBe(false);
    expect((await ebay.challengeEndpoint(url, 'verification-token-0123456789-abcdef')).ok).toBe(true);
    expect((await ebay.challengeEndpoint(url, 'another-token')).ok).toBe(false);
  });

  it('When the application registers a destination and a seller subscribes, then eBay challenges the endpoint, keeps one subscription per seller and topic, and delivers orders there', async () => {
    const TOKEN = 'verification-token-0123456789-abcdef';
    const local = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    registered = 'https://hooks.stoflow.test/ebay/notifications';
    ebay.routeEndpoint('https://hooks.stoflow.test', local);
    const app = ebay.issueApplicationToken();
    const destination = (over: Record<string, unknown> = {}) => ({ name: 'Stoflow', status: 'ENABLED', deliveryConfig: { endpoint: registered, verificationToken: TOKEN }, ...over });
    try {
      // The alert config comes first; then the endpoint must be https and answer the challenge.
      expect(ids(await call('POST', '/commerce/notification/v1/destination', { token: app, body: destination() }))).toEqual([195003]);
      expect(ids(await call('GET', '/commerce/notification/v1/config', { token: app }))).toEqual([195026]);
      expect(ids(await call('PUT', '/commerce/notification/v1/config', { token: app, body: { alertEmail: 'not-an-email' } }))).toEqual([195025]);
      expect((await call('PUT', '/commerce/notification/v1/config', { token: app, body: { alertEmail: 'ops@stoflow.test' } })).status).toBe(204);
      expect(ids(await call('POST', '/commerce/notification/v1/destination', { token: app, body: destination({ deliveryConfig: { endpoint: `${local}/ebay/notifications`, verificationToken: TOKEN } }) }))).toEqual([195017]);
      expect(ids(await call('POST', '/commerce/notification/v1/destination', { token: app, body: destination({ deliveryConfig: { endpoint: registered, verificationToken: 'another-token-0123456789-abcdefghij' } }) }))).toEqual([195020]);
      expect((await call('POST', '/commerce/notification/v1/destination', { token: ebay.issueUserTokens(USER).accessToken, body: destination() })).status).toBe(403);
      const created = await call('POST', '/commerce/notification/v1/destination', { token: app, body: destination() });
      expect(created.status).toBe(201);
      const destinationId = (created.headers.get('location') as string).split('/').pop() as string;
      expect(ids(await call('POST', '/commerce/notification/v1/destination', { token: app, body: destination() }))).toEqual([195021]);
      expect((await call('GET', '/commerce/notification/v1/destination?limit=10', { token: app })).body).toMatchObject({ total: 1, destinations: [{ destinationId, status: 'ENABLED', deliveryConfig: { endpoint: registered } }] });

      // ORDER_CONFIRMATION is the seller's: their token, with the subscription scope.
      const subscription = { topicId: 'ORDER_CONFIRMATION', status: 'ENABLED', destinationId, payload: { format: 'JSON', schemaVersion: '1.0', deliveryProtocol: 'HTTPS' } };
      expect(ids(await call('POST', '/commerce/notification/v1/subscription', { token: app, body: subscription }))).toEqual([195011]);
      expect(ids(await call('POST', '/commerce/notification/v1/subscription', { token: ebay.issueUserTokens(USER, [SCOPES.api, ...ALL]).accessToken, body: subscription }))).toEqual([195011]);
      const seller = ebay.issueUserTokens(USER).accessToken;
      expect(ids(await call('POST', '/commerce/notification/v1/subscription', { token: seller, body: { ...subscription, payload: { ...subscription.payload, schemaVersion: '9.9' } } }))).toEqual([195008]);
      expect(ids(await call('POST', '/commerce/notification/v1/subscription', { token: seller, body: { ...subscription, destinationId: 'nope' } }))).toEqual([195007]);
      const subscribed = await call('POST', '/commerce/notification/v1/subscription', { token: seller, body: subscription });
      expect(subscribed.status).toBe(201);
      const subscriptionId = (subscribed.headers.get('location') as string).split('/').pop();
      expect(ids(await call('POST', '/commerce/notification/v1/subscription', { token: seller, body: subscription }))).toEqual([195012]);
      expect((await call('GET', '/commerce/notification/v1/subscription', { token: seller })).body).toMatchObject({ total: 1, subscriptions: [{ subscriptionId, topicId: 'ORDER_CONFIRMATION', status: 'ENABLED', destinationId }] });
      expect((await call('GET', '/commerce/notification/v1/subscription', { token: app })).body.total).toBe(0);

      // A sale of that seller reaches the destination, signed.
      await call('POST', `/sell/inventory/v1/offer/${await readyOffer(seller)}/publish/`, { token: seller });
      received.length = 0;
      const order = ebay.sell({ sku: SKU });
      expect((await ebay.notifyOrder(order.orderId)).map((d) => d.status)).toEqual([204]);
      const [delivery] = received.splice(0);
      expect(JSON.parse(delivery?.body as string)).toMatchObject({ metadata: { topic: 'ORDER_CONFIRMATION' }, notification: { data: { order: { orderId: order.orderId } } } });
      expect((await call('DELETE', `/commerce/notification/v1/subscription/${subscriptionId}`, { token: seller })).status).toBe(204);
      expect(await ebay.notifyOrder(order.orderId)).toEqual([]);
    } finally {
      registered = undefined;
    }
  });
});
