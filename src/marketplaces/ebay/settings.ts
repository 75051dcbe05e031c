/** What the eBay connector is configured with (README: connecting eBay). */
export interface EbaySettings {
  clientId?: string;
  clientSecret?: string;
  /** The RuName (eBay redirect URL name) registered for Stoflow's callback: eBay's `redirect_uri`. */
  ruName?: string;
  /** https://api.ebay.com, or the sandbox's. */
  apiBaseUrl: string;
  /** https://auth.ebay.com: where the seller consents. */
  authBaseUrl: string;
  /** https://apiz.ebay.com: eBay serves the Identity API on a host of its own. */
  identityBaseUrl: string;
  /** EBAY_FR, EBAY_GB, EBAY_US… */
  marketplaceId: string;
  timeoutMs: number;
}

export const EBAY_SCOPES = [
  'https://api.ebay.com/oauth/api_scope',
  'https://api.ebay.com/oauth/api_scope/sell.inventory',
  'https://api.ebay.com/oauth/api_scope/sell.account',
  'https://api.ebay.com/oauth/api_scope/sell.fulfillment',
  'https://api.ebay.com/oauth/api_scope/commerce.identity.readonly',
  // To subscribe the seller to ORDER_CONFIRMATION pushes (a USER topic of the Notification API).
  'https://api.ebay.com/oauth/api_scope/commerce.notification.subscription',
] as const;

/** The Content-Language eBay expects for each marketplace's listings: the sites Stoflow publishes to. */
const LANGUAGES: Record<string, string> = { EBAY_FR: 'fr-FR', EBAY_DE: 'de-DE', EBAY_GB: 'en-GB', EBAY_US: 'en-US', EBAY_IT: 'it-IT', EBAY_ES: 'es-ES', EBAY_NL: 'nl-NL', EBAY_BE: 'fr-BE', EBAY_AT: 'de-AT', EBAY_CH: 'de-CH', EBAY_IE: 'en-IE', EBAY_AU: 'en-AU', EBAY_CA: 'en-CA' };

export const EBAY_SITES: readonly string[] = Object.keys(LANGUAGES);

export function contentLanguage(marketplaceId: string): string {
  return LANGUAGES[marketplaceId] ?? 'en-US';
}
