/*
 * Listings: createDraftListing (POST /v3/application/shops/{shop_id}/listings, listings_w, 201
 * ShopListing in state "draft"), getListingsByShop (GET same path, listings_r), getListing
 * (GET /v3/application/listings/{listing_id}, API key only), updateListing (PATCH
 * /v3/application/shops/{shop_id}/listings/{listing_id}, listings_w) and deleteListing (DELETE
 * /v3/application/listings/{listing_id}, listings_d, 204).
 *
 * updateListing's `state` is "either `active` or `inactive`. Setting a `draft` listing to
 * `active` will also publish the listing on etsy.com and requires that the listing have an image
 * set. Setting a `sold_out` listing to active will update the quantity to 1 and renew the
 * listing" (OAS). return_policy_id is "Required for active physical listings. This requirement
 * does not apply to listings of EU-based shops" (OAS, updateListing). image_ids "will overwrite
 * current array if passed, in order that they appear" (Etsy changelog, 2022-01-14). Quantity and
 * price belong to updateListingInventory ("you should NOT use updateListing to change the
 * quantity or price", Etsy staff in #462); updateListing's schema has neither, and like any
 * parameter outside the schema they are ignored.
 *
 * Assumptions: a listing lives four months (120 days) from publication (`should_auto_renew`:
 * "renews a listing for four months"); a draft cannot be made inactive; the refusal texts for
 * activation are ours; a digital listing cannot be activated here, as the double takes no files.
 */
import express, { type Router } from 'express';
import { callerOf, optionalCaller, requireScopes } from './auth';
import { fieldsOf, queryInt, queryList, single } from './body';
import { findListing, ownListing, ownShop, processingProfilesRequired, type Ctx } from './context';
import { apiError, fieldError, positiveId } from './errors';
import { checkContent, createSchema, parseListingInput, updateSchema, type ListingInput } from './listing-rules';
import type { ListingRecord, ShopRecord } from './state';
import { findNode } from './taxonomy';
import { listingQuantity, listingView } from './views';

const EU = new Set(['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE']);
const LIFETIME_SECONDS = 120 * 24 * 3600;
const INCLUDES = ['Shipping', 'Images', 'Shop', 'User', 'Translations', 'Inventory', 'Videos'];
const REQUIRED = ['quantity', 'title', 'description', 'price', 'who_made', 'when_made', 'taxonomy_id'];

/** Ids the listing points to must exist in the shop; physical listings need a shipping profile. */
function checkReferences(ctx: Ctx, shop: ShopRecord, listing: Partial<ListingRecord>, processing: boolean): void {
  const { state } = ctx;
  if (listing.taxonomy_id != null && !findNode(state.taxonomy, listing.taxonomy_id)) throw fieldError('taxonomy_id', `${listing.taxonomy_id} is not a valid seller taxonomy id`);
  const physical = (listing.listing_type ?? 'physical') !== 'download';
  if (physical && listing.shipping_profile_id == null) throw apiError(400, 'A shipping_profile_id is required for physical listings.');
  if (listing.shipping_profile_id != null && state.shippingProfiles.get(listing.shipping_profile_id)?.shop_id !== shop.shop_id) {
    throw fieldError('shipping_profile_id', `${listing.shipping_profile_id} is not a shipping profile of shop ${shop.shop_id}`);
  }
  if (listing.return_policy_id != null && state.returnPolicies.get(listing.return_policy_id)?.shop_id !== shop.shop_id) {
    throw fieldError('return_policy_id', `${listing.return_policy_id} is not a return policy of shop ${shop.shop_id}`);
  }
  if (listing.readiness_state_id != null && state.processingProfiles.get(listing.readiness_state_id)?.shop_id !== shop.shop_id) {
    throw fieldError('readiness_state_id', `${listing.readiness_state_id} is not a processing profile of shop ${shop.shop_id}`);
  }
  if (processing && listing.listing_type === 'physical' && listing.readiness_state_id == null) throw fieldError('readiness_state_id', 'is required for physical listings');
  if (listing.shop_section_id != null) throw fieldError('shop_section_id', `${listing.shop_section_id} is not a section of shop ${shop.shop_id}`);
  if (listing.production_partner_ids?.length) throw fieldError('production_partner_ids', `${listing.production_partner_ids[0]} is not a production partner of shop ${shop.shop_id}`);
}

/** The dimension and weight units are checked against what the listing will hold. */
function checkUnits(input: ListingInput, listing?: ListingRecord): void {
  const merged: ListingInput = { ...input };
  for (const key of ['item_weight', 'item_weight_unit', 'item_length', 'item_width', 'item_height', 'item_dimensions_unit'] as const) {
    if (merged[key] === undefined && listing) merged[key] = listing[key];
  }
  checkContent({ item_weight: merged.item_weight, item_weight_unit: merged.item_weight_unit, item_length: merged.item_length, item_width: merged.item_width, item_height: merged.item_height, item_dimensions_unit: merged.item_dimensions_unit });
}

/** Copies the parameters the request set onto the record. */
function apply(listing: ListingRecord, input: ListingInput): void {
  const set = <K extends keyof ListingRecord>(key: K, value: unknown) => {
    if (value !== undefined) (listing[key] as unknown) = value;
  };
  set('title', typeof input.title === 'string' ? input.title.trim() : undefined);
  set('description', input.description);
  for (const key of ['who_made', 'when_made', 'is_supply', 'taxonomy_id', 'shipping_profile_id', 'return_policy_id', 'readiness_state_id', 'shop_section_id', 'processing_min', 'processing_max', 'item_weight', 'item_weight_unit', 'item_length', 'item_width', 'item_height', 'item_dimensions_unit', 'is_personalizable', 'is_customizable', 'should_auto_renew', 'is_taxable', 'featured_rank'] as const) {
    set(key, input[key]);
  }
  if (input.featured_rank === null) listing.featured_rank = -1;
  for (const key of ['tags', 'materials', 'styles', 'production_partner_ids'] as const) if (input[key] !== undefined) (listing[key] as unknown) = input[key] ?? [];
  if (input.type !== undefined && input.type !== null) listing.listing_type = input.type as ListingRecord['listing_type'];
}

function changeState(ctx: Ctx, listing: ListingRecord, shop: ShopRecord, target: 'active' | 'inactive', processing: boolean): void {
  const now = ctx.state.clock.nowSeconds();
  if (target === 'inactive') {
    if (listing.state === 'draft') throw fieldError('state', 'a draft listing can only be made active');
  } else {
    if (ctx.state.imagesOf(listing.listing_id).length === 0) throw apiError(400, 'A listing must have at least one image before it can be activated.');
    if (listing.listing_type !== 'physical') throw apiError(400, 'A digital listing must have at least one file before it can be activated.');
    if (listing.shipping_profile_id == null) throw apiError(400, 'A shipping_profile_id is required for physical listings.');
    if (listing.return_policy_id == null && !EU.has(shop.shop_location_country_iso)) throw apiError(400, 'A return_policy_id is required for active physical listings.');
    if (processing && listing.readiness_state_id == null) throw fieldError('readiness_state_id', 'is required for physical listings');
    const inventory = ctx.state.inventory.get(listing.listing_id)!;
    if (listing.state === 'sold_out') {
      const offering = inventory.products[0]!.offerings[0]!;
      offering.quantity = 1;
      offering.is_enabled = true;
    } else if (listingQuantity(inventory) === 0) {
      throw apiError(400, 'A listing with no available quantity cannot be activated.');
    }
    if (listing.state !== 'active' && listing.state !== 'inactive') listing.ending_timestamp = now + LIFETIME_SECONDS;
  }
  if (listing.state !== target) listing.state_timestamp = now;
  listing.state = target;
}

export function listingsRouter(ctx: Ctx): Router {
  const { state, tokens, app } = ctx;
  const router = express.Router();
  const view = (listing: ListingRecord, owner: boolean, includes?: string[]) => listingView(state, listing, { owner, baseUrl: ctx.baseUrl(), includes });

  router.post('/v3/application/shops/:shop_id/listings', requireScopes(tokens, app, 'listings_w'), (req, res) => {
    const shop = ownShop(ctx, res, positiveId(req.params.shop_id, 'shop_id'));
    const input = parseListingInput(createSchema(ctx.settings.whenMadeYear), fieldsOf(req.body));
    for (const name of REQUIRED) if (input[name] === null) throw fieldError(name, 'is required');
    if (input.is_supply === undefined) throw fieldError('is_supply', 'is required when who_made and when_made are set');
    checkContent(input);
    checkUnits(input);
    const now = state.clock.nowSeconds();
    const listing: ListingRecord = {
      listing_id: state.ids.take('listing'),
      user_id: shop.user_id,
      shop_id: shop.shop_id,
      title: '',
      description: '',
      state: 'draft',
      creation_timestamp: now,
      ending_timestamp: now + LIFETIME_SECONDS,
      original_creation_timestamp: now,
      last_modified_timestamp: now,
      state_timestamp: now,
      shop_section_id: null,
      featured_rank: -1,
      is_taxable: true,
      is_customizable: false,
      is_personalizable: false,
      listing_type: 'physical',
      tags: [],
      materials: [],
      styles: [],
      shipping_profile_id: null,
      return_policy_id: null,
      readiness_state_id: null,
      processing_min: null,
      processing_max: null,
      who_made: null,
      when_made: null,
      is_supply: null,
      item_weight: null,
      item_weight_unit: null,
      item_length: null,
      item_width: null,
      item_height: null,
      item_dimensions_unit: null,
      should_auto_renew: false,
      taxonomy_id: null,
      production_partner_ids: [],
    };
    apply(listing, input);
    checkReferences(ctx, shop, listing, processingProfilesRequired(ctx, req.query as Record<string, unknown>));
    if ((input.image_ids as number[] | null | undefined)?.length) throw fieldError('image_ids', 'images are uploaded to a listing once it exists');
    state.listings.set(listing.listing_id, listing);
    state.inventory.set(listing.listing_id, {
      products: [{ product_id: state.ids.take('product'), sku: '', property_values: [], offerings: [{ offering_id: state.ids.take('offering'), price: Math.round((input.price as number) * 100), quantity: input.quantity as number, is_enabled: true, readiness_state_id: listing.readiness_state_id }] }],
      price_on_property: [],
      quantity_on_property: [],
      sku_on_property: [],
      readiness_state_on_property: [],
    });
    res.status(201).json(view(listing, true));
  });

  router.get('/v3/application/shops/:shop_id/listings', requireScopes(tokens, app, 'listings_r'), (req, res) => {
    const shop = ownShop(ctx, res, positiveId(req.params.shop_id, 'shop_id'));
    const query = req.query as Record<string, unknown>;
    const wanted = (single(query.state) as string | undefined) ?? 'active';
    if (!['active', 'inactive', 'sold_out', 'draft', 'expired'].includes(wanted)) throw fieldError('state', 'must be one of: active, inactive, sold_out, draft, expired');
    const limit = queryInt(query, 'limit', { min: 1, max: 100, fallback: 25 })!;
    const offset = queryInt(query, 'offset', { min: 0, fallback: 0 })!;
    const matching = [...state.listings.values()].filter((l) => l.shop_id === shop.shop_id && l.state === wanted);
    res.json({ count: matching.length, results: matching.slice(offset, offset + limit).map((l) => view(l, true, queryList(query, 'includes'))) });
  });

  router.get('/v3/application/listings/:listing_id', optionalCaller(tokens, app), (req, res) => {
    const listing = findListing(ctx, positiveId(req.params.listing_id, 'listing_id'));
    const includes = queryList(req.query as Record<string, unknown>, 'includes');
    const bad = includes.find((i) => !INCLUDES.includes(i));
    if (bad) throw fieldError('includes', `must be one of: ${INCLUDES.join(', ')}`);
    const owner = res.locals.caller?.userId === listing.user_id;
    if (!owner && listing.state !== 'active') throw apiError(404, `Could not find a Listing with listing_id = ${listing.listing_id}`);
    res.json(view(listing, owner, includes));
  });

  router.patch('/v3/application/shops/:shop_id/listings/:listing_id', requireScopes(tokens, app, 'listings_w'), (req, res) => {
    const shopId = positiveId(req.params.shop_id, 'shop_id');
    const listing = ownListing(ctx, res, positiveId(req.params.listing_id, 'listing_id'), shopId);
    const shop = state.shops.get(shopId)!;
    const input = parseListingInput(updateSchema(ctx.settings.whenMadeYear), fieldsOf(req.body));
    checkContent(input);
    checkUnits(input, listing);
    const next: ListingRecord = { ...listing, tags: [...listing.tags], materials: [...listing.materials], styles: [...listing.styles] };
    apply(next, input);
    if (next.who_made == null || next.when_made == null || next.is_supply == null) throw fieldError('is_supply', 'who_made, when_made and is_supply must all be set');
    const processing = processingProfilesRequired(ctx, req.query as Record<string, unknown>);
    checkReferences(ctx, shop, next, processing);
    const imageIds = input.image_ids as number[] | null | undefined;
    const images = state.imagesOf(listing.listing_id);
    if (imageIds) {
      const unknown = imageIds.find((id) => !images.some((i) => i.listing_image_id === id));
      if (unknown !== undefined) throw fieldError('image_ids', `${unknown} is not an image of listing ${listing.listing_id}`);
    }
    if (input.state) changeState(ctx, next, shop, input.state as 'active' | 'inactive', processing);
    if (imageIds) {
      const kept = imageIds.map((id, i) => ({ ...images.find((img) => img.listing_image_id === id)!, rank: i + 1 }));
      state.images.set(listing.listing_id, kept);
    }
    next.last_modified_timestamp = state.clock.nowSeconds();
    Object.assign(listing, next);
    res.json(view(listing, true));
  });

  router.delete('/v3/application/listings/:listing_id', requireScopes(tokens, app, 'listings_d'), (req, res) => {
    const listing = ownListing(ctx, res, positiveId(req.params.listing_id, 'listing_id'));
    if (listing.user_id !== callerOf(res).userId) throw apiError(403, `User does not own Listing ${listing.listing_id}`);
    state.listings.delete(listing.listing_id);
    state.images.delete(listing.listing_id);
    state.inventory.delete(listing.listing_id);
    res.status(204).end();
  });

  return router;
}
