/*
 * Signing a seller in to Etsy (Open API v3, developers.etsy.com essentials/authentication): the
 * OAuth 2.0 authorization code grant with PKCE (S256). The seller consents at
 * www.etsy.com/oauth/connect; the code is exchanged at api.etsy.com/v3/public/oauth/token with
 * the app's keystring as client_id and the PKCE verifier, form-encoded, without a client secret.
 * Access tokens last an hour, refresh tokens 90 days, and every refresh answers a new refresh
 * token (Etsy rotates them): the one returned here is the one to keep. Every /v3/application
 * call carries `x-api-key: keystring:shared_secret` (essentials/requests) and the bearer token,
 * whose `<user_id>.` prefix Etsy puts there itself.
 */
import { z } from 'zod';
import type { ConnectionOptions } from '../../domain/connection/connection';
import { GrantRefusedError, type MarketplaceAuth, type OAuthGrant } from '../../shared/marketplace-auth';
import { callMarketplace, MarketplaceCallError } from '../http';
import { etsyApi, tokenKey, type EtsyApi } from './api';
import { etsyProblems } from './errors';
import { ETSY_REFRESH_TOKEN_DAYS, ETSY_SCOPES, type EtsySettings } from './settings';

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1),
});

const id = z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String);
const meAnswer = z.object({ user_id: id, shop_id: id.nullable().optional() });
const shopAnswer = z.object({ shop_id: id, shop_name: z.string().min(1), currency_code: z.string().nullable().optional(), shop_location_country_iso: z.string().nullable().optional() });
const listOf = <T extends z.ZodTypeAny>(item: T) => z.object({ results: z.array(item).optional() });
const shippingProfiles = listOf(z.object({ shipping_profile_id: id, title: z.string().nullable().optional(), is_deleted: z.boolean().optional() }).passthrough());
const returnPolicy = z.object({ return_policy_id: id, accepts_returns: z.boolean().optional(), accepts_exchanges: z.boolean().optional(), return_deadline: z.number().int().nullable().optional() }).passthrough();
const returnPolicies = listOf(returnPolicy);
const processingProfile = z
  .object({
    readiness_state_id: id,
    readiness_state: z.string().optional(),
    min_processing_days: z.number().int().nullable().optional(),
    max_processing_days: z.number().int().nullable().optional(),
    processing_days_display_label: z.string().nullable().optional(),
  })
  .passthrough();
const processingProfiles = listOf(processingProfile);

/** Etsy names neither return policies nor processing profiles: these say what each one is. */
function returnPolicyName(p: z.infer<typeof returnPolicy>): string {
  const within = p.return_deadline ? ` within ${p.return_deadline} days` : '';
  if (p.accepts_returns && p.accepts_exchanges) return `Returns and exchanges${within}`;
  if (p.accepts_returns) return `Returns${within}`;
  if (p.accepts_exchanges) return `Exchanges${within}`;
  return 'No returns or exchanges';
}

function processingProfileName(p: z.infer<typeof processingProfile>): string {
  const state = p.readiness_state === 'made_to_order' ? 'Made to order' : p.readiness_state === 'ready_to_ship' ? 'Ready to ship' : (p.readiness_state ?? 'Processing');
  const days = p.processing_days_display_label || (p.min_processing_days != null ? `${p.min_processing_days}-${p.max_processing_days ?? p.min_processing_days} days` : '');
  return days ? `${state}, ${days}` : state;
}

/** `api` carries the account reads after consent (getMe, the shop, its profiles) on the shop's budget. */
export function etsyAuth(settings: EtsySettings, now: () => Date = () => new Date(), api: EtsyApi = etsyApi(settings)): MarketplaceAuth {
  const missing = !settings.apiKey ? 'ETSY_API_KEY is not set' : !settings.sharedSecret ? 'ETSY_SHARED_SECRET is not set' : !settings.redirectUri ? 'ETSY_REDIRECT_URI is not set' : null;

  async function token(form: Record<string, string>, scopes: readonly string[]): Promise<OAuthGrant> {
    const started = now();
    const { body } = await callMarketplace({
      marketplace: 'etsy',
      method: 'POST',
      url: `${settings.apiBaseUrl}/v3/public/oauth/token`,
      // Etsy asks for the key on every request, the token endpoint's included.
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-api-key': `${settings.apiKey ?? ''}:${settings.sharedSecret ?? ''}` },
      body: new URLSearchParams({ ...form, client_id: settings.apiKey ?? '' }),
      timeoutMs: settings.timeoutMs,
      problems: etsyProblems,
    });
    const parsed = tokenAnswer.safeParse(body);
    if (!parsed.success) throw new MarketplaceCallError('etsy', 200, false, [{ id: 'invalid_answer', message: 'the token endpoint answered without an access and a refresh token' }]);
    const t = parsed.data;
    return {
      accessToken: t.access_token,
      accessExpiresAt: new Date(started.getTime() + t.expires_in * 1000),
      refreshToken: t.refresh_token,
      refreshExpiresAt: new Date(started.getTime() + ETSY_REFRESH_TOKEN_DAYS * 86_400_000),
      // Etsy's answer names no scopes; its consent grants what was asked.
      scopes: [...scopes],
    };
  }

  async function get(path: string, accessToken: string, shop: string): Promise<unknown> {
    return (await api.call(accessToken, shop, 'GET', path)).body;
  }

  return {
    marketplace: 'etsy',
    unavailable: missing,
    usesPkce: true,

    consentUrl({ state, codeChallenge }) {
      if (!codeChallenge) throw new Error('Etsy needs a PKCE code challenge');
      const url = new URL('/oauth/connect', settings.authBaseUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', settings.apiKey ?? '');
      url.searchParams.set('redirect_uri', settings.redirectUri ?? '');
      url.searchParams.set('scope', ETSY_SCOPES.join(' '));
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', codeChallenge);
      url.searchParams.set('code_challenge_method', 'S256');
      return url.toString();
    },

    async exchangeCode(code, verifier) {
      if (!verifier) throw new Error('Etsy needs the PKCE code verifier kept with the consent');
      return token({ grant_type: 'authorization_code', redirect_uri: settings.redirectUri ?? '', code, code_verifier: verifier }, ETSY_SCOPES);
    },

    async refresh(refreshToken, scopes) {
      try {
        // The answer's refresh token replaces the one spent: the store keeps it before any use.
        return await token({ grant_type: 'refresh_token', refresh_token: refreshToken }, scopes.length > 0 ? scopes : ETSY_SCOPES);
      } catch (err) {
        if (err instanceof MarketplaceCallError && err.status === 400 && err.problems.some((p) => p.id === 'invalid_grant')) {
          throw new GrantRefusedError('etsy', err.problems.map((p) => p.message || p.id).join('; '));
        }
        throw err;
      }
    },

    async describe(accessToken) {
      const me = meAnswer.parse(await get('/users/me', accessToken, tokenKey(accessToken)));
      if (!me.shop_id) throw new Error('this Etsy account has no shop: open one on Etsy, then connect again');
      const shopPath = `/shops/${encodeURIComponent(me.shop_id)}`;
      const shopKey = String(me.shop_id);
      const [shopBody, shipping, returns, processing] = await Promise.all([
        get(shopPath, accessToken, shopKey),
        get(`${shopPath}/shipping-profiles`, accessToken, shopKey),
        get(`${shopPath}/policies/return`, accessToken, shopKey),
        get(`${shopPath}/readiness-state-definitions?limit=100`, accessToken, shopKey),
      ]);
      const shop = shopAnswer.parse(shopBody);
      const options: ConnectionOptions = {
        shipping_profile_id: (shippingProfiles.parse(shipping ?? {}).results ?? [])
          .filter((p) => p.is_deleted !== true)
          .map((p) => ({ id: p.shipping_profile_id, name: p.title || `Shipping profile ${p.shipping_profile_id}` })),
        return_policy_id: (returnPolicies.parse(returns ?? {}).results ?? []).map((p) => ({ id: p.return_policy_id, name: returnPolicyName(p) })),
        readiness_state_id: (processingProfiles.parse(processing ?? {}).results ?? []).map((p) => ({ id: p.readiness_state_id, name: processingProfileName(p) })),
      };
      // Etsy is one marketplace worldwide: what sets a shop apart for publishing is the currency
      // its listings are priced in (the shop's currency_code, such as EUR), so that is the site.
      return { account: { id: me.user_id, name: shop.shop_name, shop_id: shop.shop_id }, site: shop.currency_code ?? null, options };
    },
  };
}
