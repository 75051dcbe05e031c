/** What the Etsy connector is configured with (README: connecting marketplaces, Etsy). */
export interface EtsySettings {
  /** The app's keystring (Etsy's "API key"): the OAuth client_id, and the first half of x-api-key. */
  apiKey?: string;
  /** The app's shared secret: the second half of x-api-key (`keystring:shared_secret`). */
  sharedSecret?: string;
  /** Stoflow's callback, registered on the app exactly as written: `https://<server>/api/integrations/etsy/callback`. */
  redirectUri?: string;
  /** https://api.etsy.com: the token endpoint and /v3/application. */
  apiBaseUrl: string;
  /** https://www.etsy.com: where the seller consents. */
  authBaseUrl: string;
  timeoutMs: number;
}

/**
 * The scopes Stoflow asks for, as Etsy's Open API reference gives each operation's: listings_w
 * creates and updates listings, their images and inventory (createDraftListing, updateListing,
 * uploadListingImage, updateListingInventory); listings_r reads them back (getListingsByShop,
 * getListingInventory); shops_r reads the account and the shop's shipping profiles, return
 * policies and processing profiles (getMe, getShopShippingProfiles, getShopReturnPolicies,
 * getShopReadinessStateDefinitions); shops_w creates them (createShopShippingProfile,
 * createShopReadinessStateDefinition); transactions_r reads the receipts of sales
 * (getShopReceipts). Not listings_d: a listing sold elsewhere is deactivated, not deleted.
 */
export const ETSY_SCOPES = ['listings_r', 'listings_w', 'shops_r', 'shops_w', 'transactions_r'] as const;

/** Etsy's refresh tokens last 90 days (essentials/authentication); the token answer does not say. */
export const ETSY_REFRESH_TOKEN_DAYS = 90;
