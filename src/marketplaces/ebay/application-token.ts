/*
 * eBay's application access token (the client credentials grant, scope api_scope): what the
 * Notification API's application-level calls take — getPublicKey to verify a push, the alert
 * config and the destinations. One token per process, renewed a minute before it expires; calls
 * that need one at the same moment share the one request.
 */
import { z } from 'zod';
import { callMarketplace, MarketplaceCallError } from '../http';
import { ebayProblems } from './errors';

export interface EbayApplicationSettings {
  clientId?: string;
  clientSecret?: string;
  apiBaseUrl: string;
  timeoutMs: number;
  now?: () => number;
}

export type EbayApplicationToken = () => Promise<string>;

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });

export function ebayApplicationToken(settings: EbayApplicationSettings): EbayApplicationToken {
  const now = settings.now ?? Date.now;
  let cached: { value: string; until: number } | null = null;
  let pending: Promise<string> | null = null;

  async function mint(): Promise<string> {
    if (!settings.clientId || !settings.clientSecret) throw new MarketplaceCallError('ebay', 0, false, [{ id: 'not_configured', message: 'EBAY_CLIENT_ID and EBAY_CLIENT_SECRET are not set' }]);
    const started = now();
    const { body } = await callMarketplace({
      marketplace: 'ebay',
      method: 'POST',
      url: `${settings.apiBaseUrl}/identity/v1/oauth2/token`,
      headers: { authorization: `Basic ${Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'https://api.ebay.com/oauth/api_scope' }),
      timeoutMs: settings.timeoutMs,
      problems: ebayProblems,
    });
    const parsed = tokenAnswer.safeParse(body);
    if (!parsed.success) throw new MarketplaceCallError('ebay', 200, true, [{ id: 'invalid_answer', message: 'the token endpoint answered without an access token' }]);
    cached = { value: parsed.data.access_token, until: started + (parsed.data.expires_in - 60) * 1000 };
    return cached.value;
  }

  return () => {
    if (cached && cached.until > now()) return Promise.resolve(cached.value);
    pending ??= mint().finally(() => (pending = null));
    return pending;
  };
}
