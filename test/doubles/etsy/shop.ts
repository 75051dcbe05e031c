/*
 * The user, the shop and what a listing points to.
 *
 *   ping                             GET /v3/application/openapi-ping               API key   Pong { application_id }
 *   getMe                            GET /v3/application/users/me                   shops_r   Self { user_id, shop_id }
 *   getShop                          GET /v3/application/shops/{shop_id}            API key   Shop
 *   getShopByOwnerUserId             GET /v3/application/users/{user_id}/shops      API key   Shop
 *   getShopShippingProfiles          GET …/shops/{shop_id}/shipping-profiles        shops_r   { count, results }
 *   getShopReturnPolicies            GET …/shops/{shop_id}/policies/return          shops_r   { count, results }
 *   getShopReadinessStateDefinitions GET …/shops/{shop_id}/readiness-state-definitions  shops_r  (processing profiles)
 *   getSellerTaxonomyNodes           GET /v3/application/seller-taxonomy/nodes      API key   { count, results }
 *
 * Scopes as the OAS's `security` of each operation gives them. Assumptions: the Shop carries
 * the schema's fields with neutral values for what the double does not model; the app id
 * answered by ping is a fixed number.
 */
import express, { type Router } from 'express';
import { requireScopes } from './auth';
import { ownShop, type Ctx } from './context';
import { apiError, positiveId } from './errors';
import type { ShopRecord } from './state';

function shopView(ctx: Ctx, shop: ShopRecord) {
  const active = [...ctx.state.listings.values()].filter((l) => l.shop_id === shop.shop_id && l.state === 'active').length;
  const user = ctx.state.users.get(shop.user_id);
  return {
    shop_id: shop.shop_id,
    user_id: shop.user_id,
    shop_name: shop.shop_name,
    create_date: shop.created_timestamp,
    created_timestamp: shop.created_timestamp,
    title: shop.title,
    announcement: null,
    currency_code: shop.currency_code,
    is_vacation: shop.is_vacation,
    vacation_message: null,
    sale_message: null,
    digital_sale_message: null,
    update_date: shop.updated_timestamp,
    updated_timestamp: shop.updated_timestamp,
    listing_active_count: active,
    digital_listing_count: 0,
    login_name: user?.login_name ?? '',
    accepts_custom_requests: shop.accepts_custom_requests,
    vacation_autoreply: null,
    url: shop.url,
    image_url_760x100: null,
    num_favorers: 0,
    languages: ['en-US'],
    icon_url_fullxfull: null,
    is_using_structured_policies: true,
    has_onboarded_structured_policies: true,
    include_dispute_form_link: false,
    is_direct_checkout_onboarded: true,
    is_etsy_payments_onboarded: true,
    is_calculated_eligible: false,
    is_opted_in_to_buyer_promise: false,
    is_shop_us_based: shop.shop_location_country_iso === 'US',
    transaction_sold_count: [...ctx.state.receipts.values()].filter((r) => r.shop_id === shop.shop_id).length,
    shipping_from_country_iso: shop.shop_location_country_iso,
    shop_location_country_iso: shop.shop_location_country_iso,
    review_count: null,
    review_average: null,
  };
}

const list = <T>(results: T[]) => ({ count: results.length, results });

export function shopRouter(ctx: Ctx): Router {
  const { state, tokens, app } = ctx;
  const router = express.Router();

  router.get('/v3/application/openapi-ping', (_req, res) => {
    res.json({ application_id: 1234567 });
  });

  router.get('/v3/application/users/me', requireScopes(tokens, app, 'shops_r'), (_req, res) => {
    const user = state.users.get(res.locals.caller.userId);
    if (!user) throw apiError(404, 'Could not find the user');
    res.json({ user_id: user.user_id, shop_id: user.shop_id });
  });

  router.get('/v3/application/users/:user_id/shops', (req, res) => {
    const shop = state.shopOf(positiveId(req.params.user_id, 'user_id'));
    if (!shop) throw apiError(404, `Could not find a Shop for user_id = ${req.params.user_id}`);
    res.json(shopView(ctx, shop));
  });

  router.get('/v3/application/shops/:shop_id', (req, res) => {
    const shopId = positiveId(req.params.shop_id, 'shop_id');
    const shop = state.shops.get(shopId);
    if (!shop) throw apiError(404, `Could not find a Shop with shop_id = ${shopId}`);
    res.json(shopView(ctx, shop));
  });

  router.get('/v3/application/shops/:shop_id/shipping-profiles', requireScopes(tokens, app, 'shops_r'), (req, res) => {
    const shop = ownShop(ctx, res, positiveId(req.params.shop_id, 'shop_id'));
    const profiles = [...state.shippingProfiles.values()].filter((p) => p.shop_id === shop.shop_id);
    res.json(
      list(
        profiles.map(({ shop_id: _shop, ...p }) => ({
          ...p,
          processing_days_display_label: p.min_processing_days != null ? `${p.min_processing_days}-${p.max_processing_days} days` : '',
          is_deleted: false,
          shipping_profile_destinations: [],
          shipping_profile_upgrades: [],
          domestic_handling_fee: 0,
          international_handling_fee: 0,
        })),
      ),
    );
  });

  router.get('/v3/application/shops/:shop_id/policies/return', requireScopes(tokens, app, 'shops_r'), (req, res) => {
    const shop = ownShop(ctx, res, positiveId(req.params.shop_id, 'shop_id'));
    res.json(list([...state.returnPolicies.values()].filter((p) => p.shop_id === shop.shop_id)));
  });

  router.get('/v3/application/shops/:shop_id/readiness-state-definitions', requireScopes(tokens, app, 'shops_r'), (req, res) => {
    const shop = ownShop(ctx, res, positiveId(req.params.shop_id, 'shop_id'));
    const profiles = [...state.processingProfiles.values()].filter((p) => p.shop_id === shop.shop_id);
    res.json(list(profiles.map((p) => ({ ...p, processing_days_display_label: `${p.min_processing_days}-${p.max_processing_days} days` }))));
  });

  router.get('/v3/application/seller-taxonomy/nodes', (_req, res) => {
    res.json(list(state.taxonomy));
  });

  return router;
}
