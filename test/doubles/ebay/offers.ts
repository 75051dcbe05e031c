/**
 * Inventory API v1.17.4, offers (/sell/inventory/v1): createOffer, getOffers, getOffer,
 * updateOffer, deleteOffer, publishOffer, withdrawOffer, bulkUpdatePriceQuantity.
 *
 * From the operation and schema descriptions:
 * - createOffer needs Content-Language and sku, marketplaceId, format; "only one offer (in
 *   unpublished or published state) may exist for each sku/marketplaceId/format combination";
 *   a second one answers errorId 25002 "A user error has occurred. Offer entity already
 *   exists." with the existing offer in `parameters: [{name: "offerId"}]` (as real eBay does).
 * - listingDescription, when omitted, is picked up from product.description.
 * - publishOffer needs title, description, at least one picture, condition, a quantity, a
 *   category, a price, the three business policies and an inventory location: every missing or
 *   unknown one is reported, each with its documented id (25017 missing field, 25014 pictures,
 *   25021 condition, 25004 quantity, 25005 category, 25003 price, 25007/25008/25009 fulfillment
 *   / payment / return policy, 25012 location); a condition the category does not take
 *   (getItemConditionPolicies, metadata.ts) is 25021 too. Publishing a published offer revises it.
 * - withdrawOffer ends the listing and leaves the offer UNPUBLISHED; deleteOffer ends it too.
 * - bulkUpdatePriceQuantity takes up to 25 requests and answers one entry per offer or SKU with
 *   its own statusCode; HTTP 200 when all succeed, 207 otherwise.
 * Assumptions: a republished offer gets a new listing id (eBay relists as a new item); the price
 * currency must be the marketplace's; getOffers answers 404/25713 when the SKU has no offers and
 * treats `offset` as a page number, as documented; updateOffer answers 204.
 */
import { Router, type Response } from 'express';
import { CONDITION_IDS } from './conditions';
import { apiError, apiErrorData, EbayApiError, type EbayErrorData } from './errors';
import { deleteOffer } from './inventory';
import { intParam, jsonBody, queryParam, selfUrl, userOf } from './http';
import { bearer, SCOPES } from './oauth';
import { currencyOf, type EbayState, type Json, type OfferRecord, type UserRecord } from './state';
import { bulkPriceQuantitySchema, createOfferSchema, fieldError, MARKETPLACES, OFFER, parseBody, requireContentLanguage, updateOfferSchema } from './validation';

export function offerRoutes(state: EbayState): Router {
  const router = Router();
  const read = bearer(state, 'user', SCOPES.inventory, SCOPES.inventoryRead);
  const write = bearer(state, 'user', SCOPES.inventory);
  const offerOf = (res: Response, offerId: string): OfferRecord => {
    const offer = state.offers.get(offerId);
    if (!offer || offer.userId !== userOf(res).userId) throw apiError('API_INVENTORY', 404, 25713, 'This Offer is not available : offer not found.', [{ name: 'offerId', value: offerId }]);
    return offer;
  };

  router.post('/offer', write, (req, res) => {
    const locale = requireContentLanguage(req.headers['content-language']);
    const body = parseBody(createOfferSchema, jsonBody(req), OFFER);
    const user = userOf(res);
    const item = user.inventory.get(body.sku);
    if (!item) throw apiError('API_INVENTORY', 400, 25702, `${body.sku} could not be found or is not available in the system.`, [{ name: 'skuValue', value: body.sku }]);
    const twin = state.offersOf(user.userId, body.sku).find((o) => o.marketplaceId === body.marketplaceId && o.format === body.format);
    if (twin) throw apiError('API_INVENTORY', 400, 25002, 'A user error has occurred. Offer entity already exists.', [{ name: 'offerId', value: twin.offerId }]);
    checkFormat(body);
    const { sku, marketplaceId, format, ...details } = body;
    const description = (item.product as { description?: string } | undefined)?.description;
    if (details.listingDescription === undefined && description !== undefined) details.listingDescription = description;
    const offerId = String(5_000_000_000 + state.next() * 7);
    state.offers.set(offerId, { offerId, userId: user.userId, sku, marketplaceId, format, status: 'UNPUBLISHED', details });
    res.setHeader('Content-Language', locale);
    res.status(201).json({ offerId });
  });

  router.get('/offer', read, (req, res) => {
    const user = userOf(res);
    const sku = queryParam(req, 'sku');
    const marketplaceId = queryParam(req, 'marketplace_id');
    const format = queryParam(req, 'format');
    const limit = intParam(req, 'limit');
    const offset = intParam(req, 'offset');
    if (limit === null || limit === 0 || offset === null) throw apiError('API_INVENTORY', 400, 25706, 'You have provided invalid pagination values.');
    if (marketplaceId !== undefined && !(MARKETPLACES as readonly string[]).includes(marketplaceId)) throw new EbayApiError(400, [fieldError(25709, 'marketplace_id')]);
    if (format !== undefined && format !== 'FIXED_PRICE' && format !== 'AUCTION') throw new EbayApiError(400, [fieldError(25709, 'format')]);
    if (sku !== undefined && !user.inventory.has(sku)) throw apiError('API_INVENTORY', 400, 25702, `${sku} could not be found or is not available in the system.`, [{ name: 'skuValue', value: sku }]);
    const offers = state.offersOf(user.userId, sku).filter((o) => (!marketplaceId || o.marketplaceId === marketplaceId) && (!format || o.format === format));
    if (!offers.length) throw apiError('API_INVENTORY', 404, 25713, 'This Offer is not available : no offer matches the request.');
    const size = limit ?? 100;
    const page = offset ?? 0;
    const pages = Math.ceil(offers.length / size);
    const shown = offers.slice(page * size, page * size + size).map((o) => offerView(state, o));
    res.json({
      href: selfUrl(req),
      limit: size,
      size: shown.length,
      total: offers.length,
      ...(page + 1 < pages ? { next: selfUrl(req, { limit: String(size), offset: String(page + 1) }) } : {}),
      ...(page > 0 ? { prev: selfUrl(req, { limit: String(size), offset: String(page - 1) }) } : {}),
      offers: shown,
    });
  });

  router.get('/offer/:offerId', read, (req, res) => {
    res.json(offerView(state, offerOf(res, req.params.offerId as string)));
  });

  router.put('/offer/:offerId', write, (req, res) => {
    const locale = requireContentLanguage(req.headers['content-language']);
    const offer = offerOf(res, req.params.offerId as string);
    const details = parseBody(updateOfferSchema, jsonBody(req), OFFER);
    checkFormat({ ...details, format: offer.format });
    offer.details = details;
    state.refreshListing(offer);
    res.setHeader('Content-Language', locale);
    res.status(204).end();
  });

  router.delete('/offer/:offerId', write, (req, res) => {
    deleteOffer(state, offerOf(res, req.params.offerId as string));
    res.status(204).end();
  });

  router.post('/offer/:offerId/publish', write, (req, res) => {
    const offer = offerOf(res, req.params.offerId as string);
    const user = userOf(res);
    const problems = publishProblems(state, user, offer);
    if (problems.length) throw new EbayApiError(400, problems);
    const live = offer.listingId ? state.listings.get(offer.listingId) : undefined;
    if (offer.status === 'PUBLISHED' && live && live.status !== 'ENDED') {
      state.refreshListing(offer);
      return res.json({ listingId: live.listingId });
    }
    const listingId = String(110_000_000_000 + state.next());
    state.listings.set(listingId, { listingId, offerId: offer.offerId, userId: user.userId, sku: offer.sku, marketplaceId: offer.marketplaceId, status: 'ACTIVE', soldQuantity: 0, startedAt: state.now() });
    offer.status = 'PUBLISHED';
    offer.listingId = listingId;
    res.json({ listingId });
  });

  router.post('/offer/:offerId/withdraw', write, (req, res) => {
    const offer = offerOf(res, req.params.offerId as string);
    if (offer.status !== 'PUBLISHED' || !offer.listingId) throw apiError('API_INVENTORY', 400, 25713, 'This Offer is not available : the offer is not published.', [{ name: 'offerId', value: offer.offerId }]);
    const listingId = offer.listingId;
    state.endListing(offer);
    offer.status = 'UNPUBLISHED';
    delete offer.listingId;
    res.json({ listingId });
  });

  router.post('/bulk_update_price_quantity', write, (req, res) => {
    const body = parseBody(bulkPriceQuantitySchema, jsonBody(req), OFFER);
    const user = userOf(res);
    const responses: Json[] = [];
    for (const request of body.requests) {
      if (request.shipToLocationAvailability) {
        const item = request.sku ? user.inventory.get(request.sku) : undefined;
        if (!request.sku || !item) {
          responses.push({ sku: request.sku ?? '', statusCode: 400, errors: [apiErrorData('API_INVENTORY', 25702, `${request.sku ?? ''} could not be found or is not available in the system.`, [{ name: 'skuValue', value: request.sku ?? '' }])] });
        } else {
          const availability = (item.availability ?? {}) as Json;
          item.availability = { ...availability, shipToLocationAvailability: { ...((availability.shipToLocationAvailability as Json | undefined) ?? {}), quantity: request.shipToLocationAvailability.quantity } };
          for (const o of state.offersOf(user.userId, request.sku)) state.refreshListing(o);
          responses.push({ sku: request.sku, statusCode: 200 });
        }
      }
      for (const change of request.offers ?? []) {
        const offer = state.offers.get(change.offerId);
        const fail = (errors: EbayErrorData[]) => responses.push({ offerId: change.offerId, sku: offer?.sku ?? request.sku ?? '', statusCode: 400, errors });
        if (!offer || offer.userId !== user.userId || (request.sku && offer.sku !== request.sku)) fail([apiErrorData('API_INVENTORY', 25713, 'This Offer is not available : offer not found for this SKU.')]);
        else if (offer.status !== 'PUBLISHED') fail([apiErrorData('API_INVENTORY', 25713, 'This Offer is not available : the offer is not published; use updateOffer.')]);
        else if (change.availableQuantity === undefined && change.price === undefined) fail([fieldError(25709, 'availableQuantity')]);
        else if (change.price && change.price.currency !== currencyOf(offer.marketplaceId)) fail([apiErrorData('API_INVENTORY', 25003, 'The eBay listing associated with the inventory item, or the unpublished offer has an invalid price.', [{ name: 'currency', value: change.price.currency }])]);
        else {
          if (change.availableQuantity !== undefined) offer.details.availableQuantity = change.availableQuantity;
          if (change.price) offer.details.pricingSummary = { ...((offer.details.pricingSummary as Json | undefined) ?? {}), price: change.price };
          state.refreshListing(offer);
          responses.push({ offerId: offer.offerId, sku: offer.sku, statusCode: 200 });
        }
      }
    }
    res.status(responses.every((r) => r.statusCode === 200) ? 200 : 207).json({ responses });
  });

  return router;
}

/** The auction and fixed-price rules createOffer and updateOffer check (25755, 25757, 25758, 25762-25764). */
function checkFormat(body: { format: string; listingDuration?: string; availableQuantity?: number; quantityLimitPerBuyer?: number; pricingSummary?: { auctionStartPrice?: unknown; auctionReservePrice?: unknown }; listingPolicies?: { eBayPlusIfEligible?: boolean } }): void {
  const fail = (id: number, message: string) => apiError('API_INVENTORY', 400, id, message);
  if (body.format === 'AUCTION') {
    if (!body.listingDuration) throw fail(25755, 'listingDuration is required for auction offer.');
    if (!body.pricingSummary?.auctionStartPrice) throw fail(25757, 'auctionStartPrice is required for auction offer.');
    if (body.availableQuantity !== undefined) throw fail(25762, 'availableQuantity is not applicable for auction offer.');
    if (body.quantityLimitPerBuyer !== undefined) throw fail(25763, 'quantityLimitPerBuyer is not applicable for auction offer.');
    if (body.listingPolicies?.eBayPlusIfEligible !== undefined) throw fail(25764, 'eBayPlusIfEligible is not applicable for auction offer.');
  } else {
    if (body.pricingSummary?.auctionStartPrice || body.pricingSummary?.auctionReservePrice) throw fail(25758, 'auctionStartPrice and auctionReservePrice are not supported for fixed price offer.');
    // "For fixed-price listings, this value must be set to GTC".
    if (body.listingDuration !== undefined && body.listingDuration !== 'GTC') throw new EbayApiError(400, [fieldError(25709, 'listingDuration')]);
  }
}

/** EbayOfferDetailsWithAll. */
function offerView(state: EbayState, offer: OfferRecord): Json {
  const view: Json = { offerId: offer.offerId, sku: offer.sku, marketplaceId: offer.marketplaceId, format: offer.format, ...offer.details, status: offer.status };
  if (offer.format === 'FIXED_PRICE') view.listingDuration = 'GTC';
  if (view.includeCatalogProductDetails === undefined) view.includeCatalogProductDetails = true;
  const listing = offer.listingId ? state.listings.get(offer.listingId) : undefined;
  if (offer.status === 'PUBLISHED' && listing) {
    view.availableQuantity = state.availableQuantity(offer);
    view.listing = { listingId: listing.listingId, listingOnHold: false, listingStatus: listing.status, soldQuantity: listing.soldQuantity };
  }
  return view;
}

/** Everything publishOffer would refuse, all at once. */
function publishProblems(state: EbayState, user: UserRecord, offer: OfferRecord): EbayErrorData[] {
  const item = user.inventory.get(offer.sku) ?? {};
  const product = (item.product ?? {}) as { title?: string; description?: string; imageUrls?: string[] };
  const d = offer.details as { listingDescription?: string; categoryId?: string; merchantLocationKey?: string; pricingSummary?: { price?: { value: string; currency: string } }; listingPolicies?: { fulfillmentPolicyId?: string; paymentPolicyId?: string; returnPolicyId?: string } };
  const problems: EbayErrorData[] = [];
  const text = (what: string) => `The eBay listing associated with the inventory item, or the unpublished offer has ${what}.`;
  const add = (id: number, message: string, field: string) => problems.push(apiErrorData('API_INVENTORY', id, message, [{ name: 'fieldName', value: field }]));
  if (!product.title) add(25017, 'product.title is missing.', 'product.title');
  if (!d.listingDescription && !product.description) add(25017, 'listingDescription is missing.', 'listingDescription');
  if (!product.imageUrls?.length) add(25014, text('invalid pictures') + ' Add at least 1 picture.', 'product.imageUrls');
  if (!item.condition) add(25021, text('invalid item condition information') + ' condition is missing.', 'condition');
  else if (d.categoryId && /^\d+$/.test(d.categoryId)) {
    // The condition must be one the category takes (getItemConditionPolicies).
    const taken = state.conditionPolicy(d.categoryId).itemConditions;
    const id = CONDITION_IDS[item.condition as string];
    if (taken.length && !taken.some((c) => c.conditionId === id)) {
      const info = `The item condition ${String(item.condition)} is not valid for category ${d.categoryId}.`;
      problems.push(apiErrorData('API_INVENTORY', 25021, `${text('invalid item condition information')} ${info}`, [{ name: 'fieldName', value: 'condition' }, { name: 'additionalInfo', value: info }]));
    }
  }
  if (state.availableQuantity(offer) < 1) add(25004, text('an invalid quantity') + ' Quantity must be at least 1.', 'availability.shipToLocationAvailability.quantity');
  if (!d.categoryId) add(25017, 'categoryId is missing.', 'categoryId');
  else if (!/^\d+$/.test(d.categoryId)) add(25005, text('an invalid category ID'), 'categoryId');
  const price = d.pricingSummary?.price;
  if (!price) add(25017, 'pricingSummary.price is missing.', 'pricingSummary.price');
  else if (!(Number(price.value) > 0) || price.currency !== currencyOf(offer.marketplaceId)) add(25003, text('an invalid price'), 'pricingSummary.price');
  const policies: [number, 'fulfillmentPolicyId' | 'paymentPolicyId' | 'returnPolicyId', Json[], string][] = [
    [25007, 'fulfillmentPolicyId', user.fulfillmentPolicies, 'invalid data in the associated Fulfillment policy'],
    [25008, 'paymentPolicyId', user.paymentPolicies, 'invalid data in the associated Payment policy'],
    [25009, 'returnPolicyId', user.returnPolicies, 'invalid data in the associated Return policy'],
  ];
  for (const [id, field, mine, what] of policies) {
    const wanted = d.listingPolicies?.[field];
    const found = wanted !== undefined && mine.some((p) => p[field] === wanted && p.marketplaceId === offer.marketplaceId);
    if (!wanted) add(id, `${text(what)} listingPolicies.${field} is missing.`, `listingPolicies.${field}`);
    else if (!found) add(id, `${text(what)} Policy ${wanted} is not a ${offer.marketplaceId} policy of this seller.`, `listingPolicies.${field}`);
  }
  const location = d.merchantLocationKey ? user.locations.get(d.merchantLocationKey) : undefined;
  if (!location || location.merchantLocationStatus !== 'ENABLED') add(25012, `Invalid inventory location. ${d.merchantLocationKey ? `No enabled location ${d.merchantLocationKey}.` : 'merchantLocationKey is missing.'}`, 'merchantLocationKey');
  return problems;
}
