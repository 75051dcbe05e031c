/**
 * Fulfillment API v1.20.4 (/sell/fulfillment/v1): getOrders and getOrder, with sell.fulfillment
 * or sell.fulfillment.readonly; and `sell`, the test helper that makes a buyer purchase a listing.
 *
 * getOrders, per its parameter descriptions: `filter` holds comma-separated criteria
 * `creationdate:[from..to]`, `lastmodifieddate:[from..to]` (the end is optional; creationdate
 * wins when both are given) and `orderfulfillmentstatus:{NOT_STARTED|IN_PROGRESS}` or
 * `{FULFILLED|IN_PROGRESS}`; `[`, `]`, `{`, `}` and `|` must be percent-encoded; `orderIds`
 * (at most 50) overrides every other parameter; `limit` defaults to 50, at most 200; without a
 * filter, orders created in the last 90 days. In getOrders `cancelStatus.cancelRequests` is
 * always empty. Errors 30700, 30800, 30810, 30820, 30840, 30850, 30900, 31000, 31100, 32100, 32800.
 * Assumptions: orders come newest first; raw (unencoded) brackets are refused with 30800; an
 * unknown order id answers 404 with 32100; the marketplace fee is 13.25 % + 0.30 (invented).
 */
import { Router, type Request } from 'express';
import { apiError, type EbayApiError } from './errors';
import { intParam, queryParam, selfUrl, userOf } from './http';
import { bearer, SCOPES } from './oauth';
import { currencyOf, money, type EbayState, type Json, type OrderRecord } from './state';

export function fulfillmentRoutes(state: EbayState): Router {
  const router = Router();
  const read = bearer(state, 'user', SCOPES.fulfillment, SCOPES.fulfillmentRead);

  router.get('/order', read, (req, res) => {
    const user = userOf(res);
    checkFieldGroups(req);
    const mine = [...state.orders.values()].filter((o) => o.userId === user.userId).map((o) => o.order);
    const ids = queryParam(req, 'orderIds');
    let found: OrderRecord['order'][];
    let limit = 50;
    let offset = 0;
    if (ids !== undefined) {
      const wanted = ids.split(',').map((s) => s.trim()).filter(Boolean);
      if (wanted.length > 50) throw err(30900, 'Exceeded maximum number of order IDs (the current limit is 50)');
      found = wanted.map((id) => mine.find((o) => o.orderId === id)).filter((o): o is OrderRecord['order'] => o !== undefined);
      limit = Math.max(found.length, 1);
    } else {
      const l = intParam(req, 'limit');
      const o = intParam(req, 'offset');
      if (l === null || l === 0 || (l ?? 0) > 200) throw err(31100, `Invalid limit: ${queryParam(req, 'limit')}`, 'limitvalue');
      if (o === null) throw err(31000, `Invalid offset: ${queryParam(req, 'offset')}`, 'offsetvalue');
      limit = l ?? 50;
      offset = o ?? 0;
      const test = orderFilter(state, req);
      found = mine.filter(test);
    }
    found.sort((a, b) => b.creationDate.localeCompare(a.creationDate));
    const page = ids !== undefined ? found : found.slice(offset, offset + limit);
    res.json({
      href: selfUrl(req),
      total: found.length,
      limit,
      offset,
      ...(ids === undefined && offset + limit < found.length ? { next: selfUrl(req, { limit: String(limit), offset: String(offset + limit) }) } : {}),
      ...(ids === undefined && offset > 0 ? { prev: selfUrl(req, { limit: String(limit), offset: String(Math.max(0, offset - limit)) }) } : {}),
      orders: page.map((o) => ({ ...o, cancelStatus: { ...(o.cancelStatus as Json), cancelRequests: [] } })),
      warnings: [],
    });
  });

  router.get('/order/:orderId', read, (req, res) => {
    checkFieldGroups(req);
    const record = state.orders.get(req.params.orderId as string);
    if (!record || record.userId !== userOf(res).userId) throw apiError('API_FULFILLMENT', 404, 32100, `Invalid order ID: ${req.params.orderId as string}`, [{ name: 'orderId', value: req.params.orderId as string }]);
    res.json(record.order);
  });

  return router;
}

function err(errorId: number, message: string, name?: string, value?: string): EbayApiError {
  return apiError('API_FULFILLMENT', 400, errorId, message, name ? [{ name, value: value ?? message.split(': ')[1] ?? '' }] : undefined);
}

function checkFieldGroups(req: Request): void {
  const groups = queryParam(req, 'fieldGroups');
  if (groups !== undefined && groups !== 'TAX_BREAKDOWN') throw err(32800, `Invalid field group: ${groups}`, 'fieldGroup', groups);
}

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** The getOrders filter, as a predicate on orders. */
function orderFilter(state: EbayState, req: Request): (order: Json & { creationDate: string; lastModifiedDate: string }) => boolean {
  const raw = queryParam(req, 'filter');
  const now = state.now();
  if (raw === undefined) {
    const since = new Date(now.getTime() - 90 * 86_400_000).toISOString();
    return (o) => o.creationDate >= since;
  }
  const rawQuery = req.originalUrl.split('?')[1] ?? '';
  const rawFilter = /(?:^|&)filter=([^&]*)/.exec(rawQuery)?.[1] ?? '';
  if (/[[\]{}|]/.test(rawFilter)) throw err(30800, `Invalid filter value ${raw} for filter filter: [ ] { } | must be percent-encoded`, 'fieldvalue', raw);
  const criteria = new Map<string, string>();
  for (const part of splitTopLevel(raw)) {
    const colon = part.indexOf(':');
    const name = colon < 0 ? part : part.slice(0, colon);
    if (!['creationdate', 'lastmodifieddate', 'orderfulfillmentstatus'].includes(name)) throw err(30700, `Invalid filter name: ${name}`, 'fieldname', name);
    criteria.set(name, part.slice(colon + 1));
  }
  const tests: ((o: Json & { creationDate: string; lastModifiedDate: string }) => boolean)[] = [];
  const dateName = criteria.has('creationdate') ? 'creationdate' : criteria.has('lastmodifieddate') ? 'lastmodifieddate' : undefined;
  if (dateName) {
    const [from, to] = dateRange(criteria.get(dateName) as string, dateName, now);
    const field = dateName === 'creationdate' ? 'creationDate' : 'lastModifiedDate';
    tests.push((o) => new Date(o[field]).getTime() >= from && (to === undefined || new Date(o[field]).getTime() <= to));
  }
  const status = criteria.get('orderfulfillmentstatus');
  if (status !== undefined) {
    const allowed = ['{NOT_STARTED|IN_PROGRESS}', '{FULFILLED|IN_PROGRESS}'];
    if (!allowed.includes(status)) throw err(30800, `Invalid filter value ${status} for filter orderfulfillmentstatus`, 'fieldvalue', status);
    const wanted = status.slice(1, -1).split('|');
    tests.push((o) => wanted.includes(o.orderFulfillmentStatus as string));
  }
  return (o) => tests.every((t) => t(o));
}

function dateRange(value: string, name: string, now: Date): [number, number | undefined] {
  const match = /^\[(.*)\.\.(.*)\]$/.exec(value);
  if (!match) throw err(30800, `Invalid filter value ${value} for filter ${name}`, 'fieldvalue', value);
  const [, fromText = '', toText = ''] = match;
  if (!fromText) throw err(30820, 'Start date is missing');
  if (!DATE.test(fromText) || (toText && !DATE.test(toText))) throw err(30810, 'Invalid date format');
  const from = Date.parse(fromText);
  const to = toText ? Date.parse(toText) : undefined;
  if (Number.isNaN(from) || (to !== undefined && Number.isNaN(to))) throw err(30810, 'Invalid date format');
  if (to !== undefined && from > to) throw err(30840, 'Start date should be before end date');
  if (from > now.getTime() || (to !== undefined && to > now.getTime())) throw err(30850, "Start and end dates can't be in the future");
  return [from, to];
}

function splitTopLevel(filter: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of filter) {
    if (ch === '[' || ch === '{') depth++;
    if (ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current) parts.push(current);
  return parts;
}

export interface SaleInput {
  /** The seller's SKU, or the listing id; the listing must be live. */
  sku?: string;
  listingId?: string;
  /** The seller (username or userId) when `sku` is given and several users have it. */
  seller?: string;
  quantity?: number;
  buyer?: { username?: string; fullName?: string; email?: string; address?: Json };
  /** The unit price; by default the offer's price. */
  price?: number;
  /** What the buyer paid for shipping (the line's deliveryCost.shippingCost); 0 by default. */
  shipping?: number;
  /** When the sale happens; by default the double's clock. */
  at?: Date;
}

/**
 * A buyer purchases `quantity` of a live listing: the order is created, the listing's, offer's
 * and inventory item's quantities go down, and at 0 the listing becomes OUT_OF_STOCK (or ENDED
 * without out-of-stock control), as eBay does.
 */
export function sell(state: EbayState, input: SaleInput): OrderRecord['order'] {
  const quantity = input.quantity ?? 1;
  const seller = input.seller ? state.userByName(input.seller) : undefined;
  const listing = [...state.listings.values()].find((l) => (input.listingId ? l.listingId === input.listingId : l.sku === input.sku && (!seller || l.userId === seller.userId)) && l.status !== 'ENDED');
  const offer = listing ? state.offers.get(listing.offerId) : undefined;
  if (!listing || !offer || listing.status !== 'ACTIVE') throw new Error(`eBay double: no live listing for ${input.listingId ?? input.sku}`);
  const available = state.availableQuantity(offer);
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > available) throw new Error(`eBay double: cannot buy ${quantity} of ${available}`);
  const user = state.user(offer.userId);
  const item = user.inventory.get(offer.sku) as Json & { product?: { title?: string }; availability?: { shipToLocationAvailability?: { quantity?: number } } };
  if (typeof offer.details.availableQuantity === 'number') offer.details.availableQuantity -= quantity;
  const shipTo = item.availability?.shipToLocationAvailability;
  if (shipTo && typeof shipTo.quantity === 'number') shipTo.quantity = Math.max(0, shipTo.quantity - quantity);
  listing.soldQuantity += quantity;
  state.refreshListing(offer);

  const at = (input.at ?? state.now()).toISOString();
  const n = state.next();
  const orderId = `${String(10 + (n % 90))}-${String(10000 + ((n * 7919) % 90000))}-${String(10000 + ((n * 104729) % 90000))}`;
  const currency = (offer.details.pricingSummary as { price?: { currency: string } } | undefined)?.price?.currency ?? currencyOf(offer.marketplaceId);
  const unit = input.price ?? Number((offer.details.pricingSummary as { price?: { value: string } } | undefined)?.price?.value ?? 0);
  const subtotal = unit * quantity;
  const shipping = input.shipping ?? 0;
  // eBay's final value fee is a share of the total the buyer paid, shipping included, plus a fixed part per order.
  const fee = Math.round(((subtotal + shipping) * 0.1325 + 0.3) * 100) / 100;
  const buyer = input.buyer ?? {};
  const address = buyer.address ?? { addressLine1: '1 Test Street', city: 'Paris', postalCode: '75001', countryCode: 'FR' };
  const contact = { fullName: buyer.fullName ?? 'Test Buyer', contactAddress: address, primaryPhone: { phoneNumber: '0100000000' }, email: buyer.email ?? 'buyer0000@members.ebay.com' };
  const order = {
    orderId,
    legacyOrderId: orderId,
    creationDate: at,
    lastModifiedDate: at,
    orderFulfillmentStatus: 'NOT_STARTED',
    orderPaymentStatus: 'PAID',
    sellerId: user.username,
    buyer: { username: buyer.username ?? `buyer_${n}`, taxAddress: { city: address.city, postalCode: address.postalCode, countryCode: address.countryCode }, buyerRegistrationAddress: contact },
    pricingSummary: { priceSubtotal: money(subtotal, currency), deliveryCost: money(shipping, currency), total: money(subtotal + shipping, currency) },
    cancelStatus: { cancelState: 'NONE_REQUESTED', cancelRequests: [] },
    paymentSummary: { totalDueSeller: money(subtotal + shipping - fee, currency), refunds: [], payments: [{ paymentMethod: 'EBAY', paymentReferenceId: `${n}_S`, paymentDate: at, amount: money(subtotal + shipping - fee, currency), paymentStatus: 'PAID' }] },
    fulfillmentStartInstructions: [{ fulfillmentInstructionsType: 'SHIP_TO', ebaySupportedFulfillment: false, shippingStep: { shipTo: contact, shippingCarrierCode: 'Other', shippingServiceCode: 'Other' } }],
    fulfillmentHrefs: [],
    lineItems: [{
      lineItemId: String(10_000_000_000_000 + n),
      legacyItemId: listing.listingId,
      sku: offer.sku,
      title: item.product?.title ?? '',
      lineItemCost: money(subtotal, currency),
      quantity,
      soldFormat: offer.format,
      listingMarketplaceId: offer.marketplaceId,
      purchaseMarketplaceId: offer.marketplaceId,
      lineItemFulfillmentStatus: 'NOT_STARTED',
      total: money(subtotal + shipping, currency),
      deliveryCost: { shippingCost: money(shipping, currency) },
      appliedPromotions: [],
      taxes: [],
      refunds: [],
      properties: { buyerProtection: true },
    }],
    salesRecordReference: String(n),
    totalFeeBasisAmount: money(subtotal, currency),
    totalMarketplaceFee: money(fee, currency),
  };
  state.orders.set(orderId, { userId: user.userId, order });
  return order;
}

export interface OrderChanges {
  orderFulfillmentStatus?: 'NOT_STARTED' | 'IN_PROGRESS' | 'FULFILLED';
  cancelState?: 'NONE_REQUESTED' | 'IN_PROGRESS' | 'CANCELED';
  /** When the change happens; by default the double's clock. */
  at?: Date;
}

/** Changes an order as eBay would (shipping, cancellation), moving its lastModifiedDate. */
export function updateOrder(state: EbayState, orderId: string, changes: OrderChanges): OrderRecord['order'] {
  const record = state.orders.get(orderId);
  if (!record) throw new Error(`eBay double: no order ${orderId}`);
  const order = record.order;
  const at = (changes.at ?? state.now()).toISOString();
  if (changes.orderFulfillmentStatus) {
    order.orderFulfillmentStatus = changes.orderFulfillmentStatus;
    for (const line of order.lineItems as Json[]) line.lineItemFulfillmentStatus = changes.orderFulfillmentStatus === 'IN_PROGRESS' ? 'IN_PROGRESS' : changes.orderFulfillmentStatus;
  }
  if (changes.cancelState) order.cancelStatus = { ...(order.cancelStatus as Json), cancelState: changes.cancelState, ...(changes.cancelState === 'CANCELED' ? { cancelledDate: at } : {}) };
  order.lastModifiedDate = at;
  return order;
}
