/*
 * Listing inventory: getListingInventory (GET /v3/application/listings/{listing_id}/inventory,
 * listings_r) and updateListingInventory (PUT same path, listings_w, application/json, 200
 * ListingInventory).
 *
 * From the OAS (2026): `products` is required, each product requires `offerings`, each offering
 * `price`, `quantity`, `is_enabled` (and `readiness_state_id`, a processing profile, part of the
 * processing-profile parameters that `legacy=false` enables); property values require
 * `property_id`, `value_ids` and `values`, and "parenthesis characters (`(` and `)`) are not
 * allowed"; "The update fails if the supplied values for product sku, offering quantity, price,
 * and/or processing profile are incompatible with values in `*_on_property` fields"; "When
 * setting a price, assign a float equal to amount divided by divisor". Listings have at most two
 * variation properties (three with max_variations_supported=3, "coming soon").
 *
 * Assumptions: each product has exactly one offering and one value per property; all products
 * vary on the same properties, in distinct combinations; a listing without properties has one
 * product; prices 0.20..50,000, quantities 0..999, SKUs at most 32 characters; at least one
 * enabled offering must have stock (Etsy began refusing all-zero inventories in 2022,
 * etsy/open-api #501 — a sold item elsewhere must be handled by deactivating instead); product
 * and offering ids are new on every update; a sold-out listing restocked stays sold_out until it
 * is activated again; SKUs are shown to the owner only ("returns SKU data if you are the owner").
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { requireScopes } from './auth';
import { mediaType, single } from './body';
import { findListing, ownListing, processingProfilesRequired, type Ctx } from './context';
import { apiError, fieldError, positiveId } from './errors';
import type { InventoryRecord, ProductRecord } from './state';
import { inventoryView } from './views';

const positive = z.number().int().min(1);
const inventorySchema = z.object({
  products: z.array(
    z.object({
      sku: z.string().nullable().optional(),
      property_values: z
        .array(z.object({ property_id: positive, value_ids: z.array(positive), scale_id: positive.nullable().optional(), property_name: z.string().optional(), values: z.array(z.string()) }))
        .optional(),
      offerings: z.array(z.object({ price: z.number(), quantity: z.number().int(), is_enabled: z.boolean(), readiness_state_id: positive.nullable().optional() })),
    }),
  ),
  price_on_property: z.array(z.number().int()).optional(),
  quantity_on_property: z.array(z.number().int()).optional(),
  sku_on_property: z.array(z.number().int()).optional(),
  readiness_state_on_property: z.array(positive).nullable().optional(),
});
type InventoryInput = z.infer<typeof inventorySchema>;
type ProductInput = InventoryInput['products'][number];

function parse(body: unknown): InventoryInput {
  const result = inventorySchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw fieldError(issue.path.map(String).join('/') || 'products', issue.code === 'invalid_type' && issue.message.includes('undefined') ? 'is required' : issue.message);
}

/** Products that agree on the `on` properties must agree on `value`. */
function checkOnProperty(products: ProductInput[], on: number[], field: string, value: (p: ProductInput) => unknown): void {
  const seen = new Map<string, string>();
  for (const product of products) {
    const key = JSON.stringify(on.map((id) => product.property_values?.find((v) => v.property_id === id)?.value_ids ?? []));
    const v = JSON.stringify(value(product) ?? null);
    const before = seen.get(key);
    if (before !== undefined && before !== v) throw fieldError(field, `products differ in a value that ${field} does not name a property for`);
    seen.set(key, v);
  }
}

function validate(input: InventoryInput, maxProperties: number, needReadiness: boolean, shopProfiles: Set<number>): void {
  const { products } = input;
  if (products.length === 0) throw fieldError('products', 'must contain at least one product');
  const propertyIds = (p: ProductInput) => (p.property_values ?? []).map((v) => v.property_id).sort((a, b) => a - b);
  const first = JSON.stringify(propertyIds(products[0]!));
  const combos = new Set<string>();
  products.forEach((product, i) => {
    const at = `products/${i}`;
    if (product.offerings.length !== 1) throw fieldError(`${at}/offerings`, 'must contain exactly one offering');
    const offering = product.offerings[0]!;
    if (offering.price < 0.2) throw fieldError(`${at}/offerings/0/price`, 'must be above min price 0.20');
    if (offering.price > 50000) throw fieldError(`${at}/offerings/0/price`, 'must be below max price 50000.00');
    if (offering.quantity < 0 || offering.quantity > 999) throw fieldError(`${at}/offerings/0/quantity`, 'must be between 0 and 999');
    if (needReadiness && offering.readiness_state_id == null) throw fieldError(`${at}/offerings/0/readiness_state_id`, 'is required for physical listings');
    if (offering.readiness_state_id != null && !shopProfiles.has(offering.readiness_state_id)) {
      throw fieldError(`${at}/offerings/0/readiness_state_id`, `${offering.readiness_state_id} is not a processing profile of this shop`);
    }
    if ((product.sku ?? '').length > 32) throw fieldError(`${at}/sku`, 'must be 32 characters or fewer');
    const values = product.property_values ?? [];
    if (values.length > maxProperties) throw fieldError(`${at}/property_values`, `may vary on at most ${maxProperties} properties`);
    values.forEach((v, j) => {
      if (v.values.length !== 1 || v.value_ids.length !== 1) throw fieldError(`${at}/property_values/${j}`, 'must have exactly one value');
      if (v.values.some((s) => /[()]/.test(s))) throw fieldError(`${at}/property_values/${j}/values`, 'may not contain parentheses');
    });
    if (JSON.stringify(propertyIds(product)) !== first) throw fieldError(`${at}/property_values`, 'every product must vary on the same properties');
    const combo = JSON.stringify(values.map((v) => [v.property_id, v.value_ids[0]]).sort());
    if (combos.has(combo)) throw fieldError(`${at}/property_values`, 'two products have the same property values');
    combos.add(combo);
  });
  const properties = new Set(propertyIds(products[0]!));
  if (properties.size === 0 && products.length > 1) throw fieldError('products', 'a listing without variations has exactly one product');
  const on = {
    price_on_property: input.price_on_property ?? [],
    quantity_on_property: input.quantity_on_property ?? [],
    sku_on_property: input.sku_on_property ?? [],
    readiness_state_on_property: input.readiness_state_on_property ?? [],
  };
  for (const [field, list] of Object.entries(on)) {
    const stray = list.find((id) => !properties.has(id));
    if (stray !== undefined) throw fieldError(field, `${stray} is not a property of these products`);
  }
  checkOnProperty(products, on.price_on_property, 'price_on_property', (p) => p.offerings[0]!.price);
  checkOnProperty(products, on.quantity_on_property, 'quantity_on_property', (p) => p.offerings[0]!.quantity);
  checkOnProperty(products, on.sku_on_property, 'sku_on_property', (p) => p.sku ?? '');
  checkOnProperty(products, on.readiness_state_on_property, 'readiness_state_on_property', (p) => p.offerings[0]!.readiness_state_id);
  const stock = products.flatMap((p) => p.offerings).filter((o) => o.is_enabled).reduce((s, o) => s + o.quantity, 0);
  if (stock < 1) throw fieldError('products', 'at least one enabled offering must have a quantity greater than 0');
}

export function inventoryRouter(ctx: Ctx): Router {
  const { state, tokens, app } = ctx;
  const router = express.Router();

  router.get('/v3/application/listings/:listing_id/inventory', requireScopes(tokens, app, 'listings_r'), (req, res) => {
    const listing = findListing(ctx, positiveId(req.params.listing_id, 'listing_id'));
    const owner = listing.user_id === res.locals.caller.userId;
    if (!owner && listing.state !== 'active') throw apiError(404, `Could not find a Listing with listing_id = ${listing.listing_id}`);
    res.json(inventoryView(state, listing, owner));
  });

  router.put('/v3/application/listings/:listing_id/inventory', requireScopes(tokens, app, 'listings_w'), (req, res) => {
    const listing = ownListing(ctx, res, positiveId(req.params.listing_id, 'listing_id'));
    if (mediaType(req.headers['content-type']) !== 'application/json') throw apiError(400, 'updateListingInventory takes an application/json body');
    const input = parse(req.body);
    const query = req.query as Record<string, unknown>;
    const max = single(query.max_variations_supported) === '3' ? 3 : 2;
    const needReadiness = processingProfilesRequired(ctx, query) && listing.listing_type === 'physical';
    const profiles = new Set([...state.processingProfiles.values()].filter((p) => p.shop_id === listing.shop_id).map((p) => p.readiness_state_id));
    validate(input, max, needReadiness, profiles);
    const products: ProductRecord[] = input.products.map((p) => ({
      product_id: state.ids.take('product'),
      sku: p.sku ?? '',
      property_values: (p.property_values ?? []).map((v) => ({ property_id: v.property_id, property_name: v.property_name ?? null, scale_id: v.scale_id ?? null, value_ids: v.value_ids, values: v.values })),
      offerings: p.offerings.map((o) => ({ offering_id: state.ids.take('offering'), price: Math.round(o.price * 100), quantity: o.quantity, is_enabled: o.is_enabled, readiness_state_id: o.readiness_state_id ?? null })),
    }));
    const inventory: InventoryRecord = {
      products,
      price_on_property: input.price_on_property ?? [],
      quantity_on_property: input.quantity_on_property ?? [],
      sku_on_property: input.sku_on_property ?? [],
      readiness_state_on_property: input.readiness_state_on_property ?? [],
    };
    state.inventory.set(listing.listing_id, inventory);
    const readiness = products[0]?.offerings[0]?.readiness_state_id;
    if (readiness != null) listing.readiness_state_id = readiness;
    listing.last_modified_timestamp = state.clock.nowSeconds();
    res.json(inventoryView(state, listing, true));
  });

  return router;
}
