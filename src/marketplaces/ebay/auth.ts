/*
 * Signing a seller in to eBay: OAuth 2.0 authorization code grant (eBay's "Getting user access
 * tokens"), the seller's consent on auth.ebay.com with the RuName as redirect_uri, the code
 * exchanged at /identity/v1/oauth2/token with the app's Basic credentials, access tokens
 * (2 hours) refreshed with the refresh token (about 18 months; eBay does not rotate it).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ConnectionOptions } from '../../domain/connection/connection';
import { GrantRefusedError, type MarketplaceAuth, type NewLocation, type OAuthGrant } from '../../shared/marketplace-auth';
import { callMarketplace, MarketplaceCallError } from '../http';
import { ebayProblems } from './errors';
import { EBAY_SCOPES, EBAY_SITES, type EbaySettings } from './settings';

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.number().int().positive().optional(),
});

const userAnswer = z.object({ userId: z.string().min(1), username: z.string().min(1) });
const policyList = (list: string, id: string) => z.object({ [list]: z.array(z.object({ [id]: z.string(), name: z.string() }).passthrough()).optional() });
const locationList = z.object({ locations: z.array(z.object({ merchantLocationKey: z.string(), name: z.string().optional() }).passthrough()).optional() });

export function ebayAuth(settings: EbaySettings, now: () => Date = () => new Date()): MarketplaceAuth {
  const missing = !settings.clientId ? 'EBAY_CLIENT_ID is not set' : !settings.clientSecret ? 'EBAY_CLIENT_SECRET is not set' : !settings.ruName ? 'EBAY_RU_NAME is not set' : null;
  const basic = () => `Basic ${Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64')}`;

  async function token(form: Record<string, string>): Promise<OAuthGrant> {
    const started = now();
    const { body } = await callMarketplace({
      marketplace: 'ebay',
      method: 'POST',
      url: `${settings.apiBaseUrl}/identity/v1/oauth2/token`,
      headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form),
      timeoutMs: settings.timeoutMs,
      problems: ebayProblems,
    });
    const parsed = tokenAnswer.safeParse(body);
    if (!parsed.success) throw new MarketplaceCallError('ebay', 200, false, [{ id: 'invalid_answer', message: 'the token endpoint answered without an access token' }]);
    const t = parsed.data;
    return {
      accessToken: t.access_token,
      accessExpiresAt: new Date(started.getTime() + t.expires_in * 1000),
      refreshToken: t.refresh_token ?? null,
      refreshExpiresAt: t.refresh_token_expires_in ? new Date(started.getTime() + t.refresh_token_expires_in * 1000) : null,
      scopes: form.scope ? form.scope.split(' ') : [...EBAY_SCOPES],
    };
  }

  async function get(url: string, accessToken: string): Promise<unknown> {
    const { body } = await callMarketplace({ marketplace: 'ebay', method: 'GET', url, headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, timeoutMs: settings.timeoutMs, problems: ebayProblems });
    return body;
  }

  /*
   * createInventoryLocation: POST /sell/inventory/v1/location/{merchantLocationKey} (≤ 36
   * characters of letters, digits, - and _), 204 when made. The key is a digest of the place, so
   * a retry after a lost answer names the same location, and eBay's 409 (25803, the key exists)
   * means it was made already.
   */
  async function createLocation(accessToken: string, place: NewLocation): Promise<string> {
    const address = { addressLine1: place.address_line1, city: place.city, postalCode: place.postal_code, country: place.country.toUpperCase(), ...(place.state_or_province ? { stateOrProvince: place.state_or_province } : {}) };
    const key = `stoflow-${createHash('sha256').update(JSON.stringify([place.name, address])).digest('hex').slice(0, 20)}`;
    try {
      await callMarketplace({
        marketplace: 'ebay',
        method: 'POST',
        url: `${settings.apiBaseUrl}/sell/inventory/v1/location/${key}`,
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ name: place.name, location: { address }, locationTypes: ['WAREHOUSE'], merchantLocationStatus: 'ENABLED' }),
        timeoutMs: settings.timeoutMs,
        problems: ebayProblems,
      });
    } catch (err) {
      if (!(err instanceof MarketplaceCallError && err.status === 409 && err.problems.some((p) => p.id === '25803'))) throw err;
    }
    return key;
  }

  return {
    marketplace: 'ebay',
    unavailable: missing,
    // The server's default first (EBAY_MARKETPLACE_ID), then every other site Stoflow publishes to.
    sites: [settings.marketplaceId, ...EBAY_SITES.filter((s) => s !== settings.marketplaceId)],
    createLocation,
    usesPkce: false,

    consentUrl({ state }) {
      const url = new URL('/oauth2/authorize', settings.authBaseUrl);
      url.searchParams.set('client_id', settings.clientId ?? '');
      url.searchParams.set('redirect_uri', settings.ruName ?? '');
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', EBAY_SCOPES.join(' '));
      url.searchParams.set('state', state);
      return url.toString();
    },

    exchangeCode: (code) => token({ grant_type: 'authorization_code', code, redirect_uri: settings.ruName ?? '' }),

    async refresh(refreshToken, scopes) {
      try {
        const grant = await token({ grant_type: 'refresh_token', refresh_token: refreshToken, scope: (scopes.length > 0 ? scopes : EBAY_SCOPES).join(' ') });
        // eBay keeps the refresh token: the same one serves until it expires.
        return { ...grant, refreshToken: null, refreshExpiresAt: null };
      } catch (err) {
        if (err instanceof MarketplaceCallError && err.status === 400 && err.problems.some((p) => p.id === 'invalid_grant')) {
          throw new GrantRefusedError('ebay', err.problems.map((p) => p.message || p.id).join('; '));
        }
        throw err;
      }
    },

    async describe(accessToken, site) {
      const user = userAnswer.parse(await get(`${settings.identityBaseUrl}/commerce/identity/v1/user/`, accessToken));
      const marketplaceId = site ?? settings.marketplaceId;
      const market = encodeURIComponent(marketplaceId);
      const account = `${settings.apiBaseUrl}/sell/account/v1`;
      const [fulfillment, payment, returns, locations] = await Promise.all([
        get(`${account}/fulfillment_policy?marketplace_id=${market}`, accessToken),
        get(`${account}/payment_policy?marketplace_id=${market}`, accessToken),
        get(`${account}/return_policy?marketplace_id=${market}`, accessToken),
        get(`${settings.apiBaseUrl}/sell/inventory/v1/location`, accessToken),
      ]);
      const pick = (body: unknown, list: string, id: string) =>
        ((policyList(list, id).parse(body ?? {})[list] ?? []) as Record<string, string>[]).map((p) => ({ id: p[id]!, name: p.name! }));
      const options: ConnectionOptions = {
        fulfillment_policy_id: pick(fulfillment, 'fulfillmentPolicies', 'fulfillmentPolicyId'),
        payment_policy_id: pick(payment, 'paymentPolicies', 'paymentPolicyId'),
        return_policy_id: pick(returns, 'returnPolicies', 'returnPolicyId'),
        merchant_location_key: (locationList.parse(locations ?? {}).locations ?? []).map((l) => ({ id: l.merchantLocationKey, name: l.name ?? l.merchantLocationKey })),
      };
      return { account: { id: user.userId, name: user.username }, site: marketplaceId, options };
    },
  };
}
