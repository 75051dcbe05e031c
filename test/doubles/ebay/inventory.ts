/**
 * Inventory API v1.17.4, locations and inventory items (/sell/inventory/v1).
 *
 * Operations: getInventoryLocations, getInventoryLocation, createInventoryLocation,
 * createOrReplaceInventoryItem, getInventoryItem, getInventoryItems, deleteInventoryItem.
 * Scopes as the operations' `security`: reads take sell.inventory or sell.inventory.readonly,
 * writes sell.inventory.
 *
 * Behaviour from the operation descriptions:
 * - createOrReplaceInventoryItem is a full replacement; it needs Content-Language; it answers
 *   201 when it creates and 204 when it replaces, with no body (BaseResponse is only returned
 *   with warnings); changes reach the live listings of the SKU.
 * - deleteInventoryItem also deletes the SKU's offers and ends their listings.
 * - createInventoryLocation answers 204; a warehouse needs a country and either a postal code
 *   or a city and state; a store needs a full street address; the key is at most 36 characters.
 * Assumptions: a missing SKU answers 404 with 25710 (as real eBay answers); an existing location
 * answers 409 with 25803; getInventoryItems' `offset` is a page number, as documented.
 */
import { Router, type Request } from 'express';
import { apiError, EbayApiError } from './errors';
import { intParam, jsonBody, selfUrl, userOf } from './http';
import { bearer, SCOPES } from './oauth';
import { locationRecord, type EbayState, type Json, type OfferRecord } from './state';
import { checkSku, fieldError, INVENTORY_ITEM, inventoryItemSchema, LOCATION, locationSchema, parseBody, requireContentLanguage } from './validation';

export function inventoryRoutes(state: EbayState): Router {
  const router = Router();
  const read = bearer(state, 'user', SCOPES.inventory, SCOPES.inventoryRead);
  const write = bearer(state, 'user', SCOPES.inventory);

  // ---- Locations ----

  router.get('/location', read, (req, res) => {
    const locations = [...userOf(res).locations.values()];
    const { limit, offset } = pagination(req, 100, 'location');
    const page = locations.slice(offset, offset + limit);
    res.json({
      href: selfUrl(req),
      limit,
      offset,
      total: locations.length,
      ...(offset + limit < locations.length ? { next: selfUrl(req, { limit: String(limit), offset: String(offset + limit) }) } : {}),
      ...(offset > 0 ? { prev: selfUrl(req, { limit: String(limit), offset: String(Math.max(0, offset - limit)) }) } : {}),
      locations: page,
    });
  });

  router.get('/location/:merchantLocationKey', read, (req, res) => {
    const location = userOf(res).locations.get(req.params.merchantLocationKey as string);
    if (!location) throw apiError('API_INVENTORY', 404, 25805, 'merchantLocationKey Not Found.', [{ name: 'fieldName', value: 'merchantLocationKey' }]);
    res.json(location);
  });

  router.post('/location/:merchantLocationKey', write, (req, res) => {
    const key = req.params.merchantLocationKey as string;
    if (key.length > 36 || !/^[A-Za-z0-9_-]+$/.test(key)) throw new EbayApiError(400, [fieldError(25800, 'merchantLocationKey')]);
    const user = userOf(res);
    if (user.locations.has(key)) throw apiError('API_INVENTORY', 409, 25803, 'merchantLocationKey already exists.', [{ name: 'fieldName', value: 'merchantLocationKey' }]);
    const body = parseBody(locationSchema, jsonBody(req), LOCATION);
    const address = body.location.address;
    const missing: string[] = [];
    if (!address.country) missing.push('location.address.country');
    const isStore = body.locationTypes?.includes('STORE') ?? false;
    if (isStore) {
      for (const f of ['addressLine1', 'city', 'stateOrProvince', 'postalCode'] as const) if (!address[f]) missing.push(`location.address.${f}`);
    } else if (!address.postalCode && !(address.city && address.stateOrProvince)) {
      missing.push('location.address.postalCode');
    }
    if (missing.length) throw new EbayApiError(400, missing.map((f) => fieldError(25801, f)));
    user.locations.set(key, locationRecord(key, body as Json, String(state.next())));
    res.status(204).end();
  });

  // ---- Inventory items ----

  router.put('/inventory_item/:sku', write, (req, res) => {
    const locale = requireContentLanguage(req.headers['content-language']);
    const sku = req.params.sku as string;
    checkSku(sku);
    const body = parseBody(inventoryItemSchema, jsonBody(req), INVENTORY_ITEM);
    // MANUFACTURER_REFURBISHED "will be accepted but automatically converted by eBay to CERTIFIED_REFURBISHED".
    if (body.condition === 'MANUFACTURER_REFURBISHED') body.condition = 'CERTIFIED_REFURBISHED';
    const user = userOf(res);
    const existed = user.inventory.has(sku);
    user.inventory.set(sku, { ...body, locale: locale.replace('-', '_') });
    for (const offer of state.offersOf(user.userId, sku)) state.refreshListing(offer);
    res.setHeader('Content-Language', locale);
    res.status(existed ? 204 : 201).end();
  });

  router.get('/inventory_item/:sku', read, (req, res) => {
    const sku = req.params.sku as string;
    const user = userOf(res);
    const item = user.inventory.get(sku);
    if (!item) throw notFound();
    res.json(itemView(state, user.userId, sku, item));
  });

  router.get('/inventory_item', read, (req, res) => {
    const user = userOf(res);
    const { limit, offset } = pagination(req, 25, 'inventory');
    if (limit > 200) throw apiError('API_INVENTORY', 400, 25706, 'You have provided invalid pagination values. limit must be 1 to 200.');
    const skus = [...user.inventory.keys()];
    const pages = Math.ceil(skus.length / limit);
    const page = skus.slice(offset * limit, offset * limit + limit);
    res.json({
      href: selfUrl(req),
      limit,
      size: pages,
      total: skus.length,
      ...(offset + 1 < pages ? { next: selfUrl(req, { limit: String(limit), offset: String(offset + 1) }) } : {}),
      ...(offset > 0 ? { prev: selfUrl(req, { limit: String(limit), offset: String(offset - 1) }) } : {}),
      inventoryItems: page.map((sku) => itemView(state, user.userId, sku, user.inventory.get(sku) as Json)),
    });
  });

  router.delete('/inventory_item/:sku', write, (req, res) => {
    const sku = req.params.sku as string;
    const user = userOf(res);
    if (!user.inventory.has(sku)) throw notFound();
    for (const offer of state.offersOf(user.userId, sku)) deleteOffer(state, offer);
    user.inventory.delete(sku);
    res.status(204).end();
  });

  return router;
}

/** An offer's removal: its live listing ends with it. */
export function deleteOffer(state: EbayState, offer: OfferRecord): void {
  state.endListing(offer);
  state.offers.delete(offer.offerId);
}

/** InventoryItemWithSkuLocaleGroupid: the stored item, its SKU, and its availability as the listings left it. */
function itemView(state: EbayState, userId: string, sku: string, item: Json): Json {
  const view: Json = { ...item, sku };
  const published = state.offersOf(userId, sku).some((o) => o.status === 'PUBLISHED');
  if (published && !view.availability) view.availability = { shipToLocationAvailability: { quantity: 0 } };
  return view;
}

function notFound(): EbayApiError {
  return apiError('API_INVENTORY', 404, 25710, "We didn't find the entity you are requesting. Please verify the request");
}

function pagination(req: Request, defaultLimit: number, what: 'location' | 'inventory'): { limit: number; offset: number } {
  const limit = intParam(req, 'limit');
  const offset = intParam(req, 'offset');
  if (limit === null || limit === 0 || offset === null) {
    throw what === 'location' ? apiError('API_INVENTORY', 400, 25804, 'Input error. limit and offset must be integers, limit at least 1.') : apiError('API_INVENTORY', 400, 25706, 'You have provided invalid pagination values.');
  }
  return { limit: limit ?? defaultLimit, offset: offset ?? 0 };
}
