/*
 * What the route modules share, and the ownership checks of shop- and listing-scoped operations.
 *
 * "User does not own Shop <id>" with 403 is the answer integrators quote (etsy/open-api #588).
 * Assumptions: an unknown shop or listing is a 404 `{ error }` with the texts below; a listing
 * addressed through another shop's path is answered as not found; a non-active listing is
 * visible only to its owner (getListing is public, but drafts are not for sale).
 */
import type { Response } from 'express';
import { callerOf, type RegisteredApp } from './auth';
import { apiError } from './errors';
import type { EtsyState, ListingRecord, ShopRecord } from './state';
import type { TokenStore } from './tokens';

export interface DoubleSettings {
  whenMadeYear: number;
  /** Processing profiles required for physical listings without `legacy=false` being sent. */
  requireProcessingProfiles: boolean;
}

export interface Ctx {
  state: EtsyState;
  tokens: TokenStore;
  app: RegisteredApp;
  settings: DoubleSettings;
  baseUrl(): string;
}

export function ownShop(ctx: Ctx, res: Response, shopId: number): ShopRecord {
  const shop = ctx.state.shops.get(shopId);
  if (!shop) throw apiError(404, `Could not find a Shop with shop_id = ${shopId}`);
  if (shop.user_id !== callerOf(res).userId) throw apiError(403, `User does not own Shop ${shopId}`);
  return shop;
}

export function findListing(ctx: Ctx, listingId: number): ListingRecord {
  const listing = ctx.state.listings.get(listingId);
  if (!listing) throw apiError(404, `Could not find a Listing with listing_id = ${listingId}`);
  return listing;
}

export function ownListing(ctx: Ctx, res: Response, listingId: number, shopId?: number): ListingRecord {
  const listing = findListing(ctx, listingId);
  if (shopId !== undefined) {
    ownShop(ctx, res, shopId);
    if (listing.shop_id !== shopId) throw apiError(404, `Could not find a Listing with listing_id = ${listingId}`);
  } else if (listing.user_id !== callerOf(res).userId) {
    throw apiError(403, `User does not own Listing ${listingId}`);
  }
  return listing;
}

/** Processing profiles are in play when the call sends `legacy=false` or the double requires them. */
export function processingProfilesRequired(ctx: Ctx, query: Record<string, unknown>): boolean {
  return ctx.settings.requireProcessingProfiles || query.legacy === 'false';
}
