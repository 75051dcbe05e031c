/*
 * The port every marketplace's sign-in sits behind: how a seller grants Stoflow access (OAuth
 * consent, then a code exchanged for tokens), how tokens are refreshed, and who the granting
 * account is. Commands and the credential store speak this; adapters in src/marketplaces/<name>
 * speak each marketplace's wire format.
 */
import type { ConnectionOptions, Marketplace, MarketplaceAccount } from '../domain/connection/connection';

export interface OAuthGrant {
  accessToken: string;
  accessExpiresAt: Date;
  /** Null where the marketplace issues none. */
  refreshToken: string | null;
  refreshExpiresAt: Date | null;
  scopes: string[];
}

/** The marketplace refused the grant itself (revoked, expired, or never valid): ask the seller to connect again. */
export class GrantRefusedError extends Error {
  constructor(
    readonly marketplace: Marketplace,
    readonly reason: string,
  ) {
    super(`${marketplace} refused the grant: ${reason}`);
    this.name = 'GrantRefusedError';
  }
}

export interface ConsentRequest {
  state: string;
  /** PKCE S256 challenge, for marketplaces that take one (Etsy). */
  codeChallenge?: string;
}

export interface MarketplaceAuth {
  readonly marketplace: Marketplace;
  /** Null when configured; otherwise what is missing (`EBAY_CLIENT_ID is not set`). */
  readonly unavailable: string | null;
  /** Whether the consent needs a PKCE verifier kept until the callback. */
  readonly usesPkce: boolean;
  consentUrl(request: ConsentRequest): string;
  exchangeCode(code: string, verifier?: string): Promise<OAuthGrant>;
  /** Throws GrantRefusedError when the marketplace refuses the refresh token. */
  refresh(refreshToken: string, scopes: readonly string[]): Promise<OAuthGrant>;
  /** The sites a seller may connect (eBay's marketplace ids), the first the default; absent: one site only. */
  readonly sites?: readonly string[];
  /** The account behind an access token, the site it sells on (`site`, or the default), and what the seller may choose for publishing there. */
  describe(accessToken: string, site?: string | null): Promise<{ account: MarketplaceAccount; site: string | null; options: ConnectionOptions }>;
  /** Creates a place the seller ships from (an eBay inventory location) and answers its id; the same place asked twice is one. */
  createLocation?(accessToken: string, location: NewLocation): Promise<string>;
}

/** A place the seller ships from, as PUT …/settings takes it. */
export interface NewLocation {
  name: string;
  address_line1: string;
  city: string;
  postal_code: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  state_or_province?: string;
}
