/*
 * Sellers connected to the three marketplace doubles without a browser, as the OAuth callbacks
 * connect them: each on the business plan, with an eBay user and an Etsy shop of their own (the
 * grant's tokens sealed, the connection recorded, the account linked so the marketplaces'
 * notifications reach the tenant) and Vinted through the simulated extension, paired over HTTP.
 * Shared by the sync simulation and the marketplace benchmarks.
 */
import { registerAccount } from '../../src/accounts/register';
import type { Container } from '../../src/app/container';
import { runConnectionCommand } from '../../src/commands/connections/record-connection';
import type { Marketplace } from '../../src/domain/connection/connection';
import type { EbayDouble } from '../doubles/ebay';
import type { SeedUser } from '../doubles/ebay/state';
import type { EtsyDouble, EtsyDoubleOptions } from '../doubles/etsy/server';
import { pairExtension } from '../doubles/vinted-extension';
import type { VintedExtensionSimulator } from '../doubles/vinted-extension/simulator';

export const MARKETPLACES: Marketplace[] = ['ebay', 'etsy', 'vinted'];
/** What every marketplace needs beyond the product's own facts (a used jacket from the 1990s, resold). */
export const OVERRIDES = {
  ebay: { category_id: '11450' },
  etsy: { taxonomy_id: '2044', who_made: 'someone_else' as const, when_made: '1990s' },
  vinted: { category_id: '221' },
};

export interface ConnectedSeller {
  tenant: number;
  meta: { event: { actor: string } };
  /** The seller's eBay username and Etsy user id. */
  ebayUser: string;
  etsyUser: number;
  extension: VintedExtensionSimulator;
}

/** The eBay users of `count` sellers, each with its policies and a location on EBAY_FR. */
export function ebaySellers(count: number, prefix: string): SeedUser[] {
  return Array.from({ length: count }, (_, n) => ({
    username: `${prefix}_${n}`,
    fulfillmentPolicies: [{ name: 'Colissimo', marketplaceId: 'EBAY_FR' }],
    paymentPolicies: [{ name: 'Managed', marketplaceId: 'EBAY_FR' }],
    returnPolicies: [{ name: '30 days', marketplaceId: 'EBAY_FR' }],
    locations: [{ merchantLocationKey: 'atelier', location: { address: { city: 'Paris', postalCode: '75011', country: 'FR' } }, merchantLocationStatus: 'ENABLED' }],
  }));
}

/** The Etsy users (with a shop each) of `count` sellers; `first` sets the ids apart between runs of doubles. */
export function etsySellers(count: number, prefix: string, first = 71000001): NonNullable<EtsyDoubleOptions['users']> {
  return Array.from({ length: count }, (_, n) => ({ user_id: first + n, login_name: `${prefix}_atelier_${n}`, shop: { shop_id: first + 10_000_000 + n, shop_name: `${prefix}Atelier${n}`, currency_code: 'EUR', country_iso: 'FR' } }));
}

/** Registers a seller, puts them on business, connects eBay user `ebayUser`, Etsy user `etsyUser` and a paired extension. */
export async function connectSeller(s: Container, baseUrl: string, doubles: { ebay: EbayDouble; etsy: EtsyDouble }, who: { email: string; ebayUser: string; etsyUser: number }): Promise<ConnectedSeller> {
  const account = await registerAccount(s, { email: who.email, password: 'Velvet-Jacket-1987', full_name: 'Marketplace Seller', account_type: 'individual' });
  const tenant = account.tenant_id;
  const meta = { event: { actor: account.user_id } };
  // Three marketplaces and many products: past the free plan, on business as an operator would set it.
  await s.commands.changePlan(tenant, { plan: 'business', reason: 'marketplace sellers' }, { event: { actor: 'operator:test' } });

  const ebayTokens = doubles.ebay.issueUserTokens(who.ebayUser);
  const ebayAccount = await s.marketplaceAuth.ebay!.describe(ebayTokens.accessToken);
  await s.credentials.save(tenant, 'ebay', ebayAccount.account.id, { accessToken: ebayTokens.accessToken, accessExpiresAt: new Date(Date.now() + 7_000_000), refreshToken: ebayTokens.refreshToken, refreshExpiresAt: null, scopes: [] });
  await runConnectionCommand(s.commandDeps, tenant, { type: 'RecordConnection', marketplace: 'ebay', account: ebayAccount.account, scopes: [], site: ebayAccount.site, options: ebayAccount.options, now: new Date() }, meta);
  await s.connectionDeps.accounts.link('ebay', [ebayAccount.account.id], tenant);

  const etsyTokens = doubles.etsy.issueTokens(who.etsyUser);
  const etsyShop = await s.marketplaceAuth.etsy!.describe(etsyTokens.access_token);
  await s.credentials.save(tenant, 'etsy', etsyShop.account.id, { accessToken: etsyTokens.access_token, accessExpiresAt: new Date(Date.now() + 3_000_000), refreshToken: etsyTokens.refresh_token, refreshExpiresAt: null, scopes: [] });
  await runConnectionCommand(s.commandDeps, tenant, { type: 'RecordConnection', marketplace: 'etsy', account: etsyShop.account, scopes: [], site: etsyShop.site, options: etsyShop.options, now: new Date() }, meta);
  await s.connectionDeps.accounts.link('etsy', [etsyShop.account.id, ...(etsyShop.account.shop_id ? [`shop:${etsyShop.account.shop_id}`] : [])], tenant);

  // Vinted: the extension pairs over HTTP and signs in as the seller's member, as a browser would.
  const extension = await pairExtension(baseUrl, account.access_token);
  return { tenant, meta, ebayUser: who.ebayUser, etsyUser: who.etsyUser, extension };
}
