/*
 * Sales: getShopReceipts (GET /v3/application/shops/{shop_id}/receipts, transactions_r) and
 * getShopReceipt (GET …/receipts/{receipt_id}), answered as ShopReceipts { count, results } and
 * ShopReceipt, plus the test helpers that make sales happen.
 *
 * getShopReceipts' parameters (OAS): min_created, max_created, min_last_modified,
 * max_last_modified (epoch seconds, minimum 946684800), limit (1..100, default 25), offset
 * (default 0), sort_on (created | updated | receipt_id, default created), sort_order (asc,
 * ascending, desc, descending, up, down; default desc), was_paid, was_shipped, was_delivered,
 * was_canceled. Bounds are inclusive (assumption); `count` is the number of matching receipts
 * before paging (assumption, as Etsy's paged lists answer).
 *
 * `sell` models a buyer checking out: the listing must be active and have the stock; the
 * offering's quantity goes down, and a listing whose quantity reaches 0 becomes `sold_out`, as
 * Etsy's listing lifecycle describes (tutorials/listings: "sold out: published listing with 0
 * unsold inventory"). The receipt is paid at once (status "paid", is_paid true).
 */
import express, { type Router } from 'express';
import { requireScopes } from './auth';
import { queryBool, queryInt, single } from './body';
import { ownShop, type Ctx } from './context';
import { apiError, fieldError, positiveId } from './errors';
import type { ReceiptRecord } from './state';
import { currencyOf, listingQuantity, receiptView } from './views';

export interface SaleInput {
  listing_id: number;
  quantity?: number;
  /** The product sold, by SKU; the first product with enough stock otherwise. */
  sku?: string;
  buyer?: { user_id?: number; name?: string; email?: string };
  shipping_cost?: number;
}

const MIN_TIMESTAMP = 946684800;

export function sell(ctx: Ctx, input: SaleInput) {
  const { state } = ctx;
  const listing = state.listings.get(input.listing_id);
  if (!listing) throw new Error(`sell: no listing ${input.listing_id}`);
  if (listing.state !== 'active') throw new Error(`sell: listing ${input.listing_id} is ${listing.state}, not active`);
  const quantity = input.quantity ?? 1;
  const inventory = state.inventory.get(listing.listing_id)!;
  const product = inventory.products.find((p) => (input.sku === undefined || p.sku === input.sku) && p.offerings[0]!.is_enabled && p.offerings[0]!.quantity >= quantity);
  if (!product) throw new Error(`sell: listing ${input.listing_id} has no product with ${quantity} in stock${input.sku ? ` for SKU ${input.sku}` : ''}`);
  const offering = product.offerings[0]!;
  const now = state.clock.nowSeconds();
  offering.quantity -= quantity;
  listing.last_modified_timestamp = now;
  if (listingQuantity(inventory) === 0) {
    listing.state = 'sold_out';
    listing.state_timestamp = now;
  }
  const buyerId = input.buyer?.user_id ?? 99000001;
  const receipt: ReceiptRecord = {
    receipt_id: state.ids.take('receipt'),
    shop_id: listing.shop_id,
    seller_user_id: listing.user_id,
    buyer_user_id: buyerId,
    buyer_email: input.buyer?.email ?? `buyer${buyerId}@example.test`,
    name: input.buyer?.name ?? 'Test Buyer',
    status: 'paid',
    is_paid: true,
    is_shipped: false,
    is_delivered: false,
    create_timestamp: now,
    update_timestamp: now,
    currency_code: currencyOf(state, listing.shop_id),
    transactions: [
      {
        transaction_id: state.ids.take('transaction'),
        listing_id: listing.listing_id,
        product_id: product.product_id,
        sku: product.sku,
        title: listing.title,
        quantity,
        price: offering.price,
        shipping_cost: Math.round((input.shipping_cost ?? 0) * 100),
        create_timestamp: now,
        paid_timestamp: now,
      },
    ],
  };
  state.receipts.set(receipt.receipt_id, receipt);
  return receiptView(state, receipt);
}

/** Changes a receipt as the seller or carrier would (shipping, delivery, cancelling); bumps its update time. */
export function changeReceipt(ctx: Ctx, receiptId: number, change: Partial<Pick<ReceiptRecord, 'status' | 'is_shipped' | 'is_delivered' | 'is_paid'>>) {
  const receipt = ctx.state.receipts.get(receiptId);
  if (!receipt) throw new Error(`no receipt ${receiptId}`);
  Object.assign(receipt, change);
  receipt.update_timestamp = ctx.state.clock.nowSeconds();
  return receiptView(ctx.state, receipt);
}

const SORT_ORDERS: Record<string, 1 | -1> = { asc: 1, ascending: 1, up: 1, desc: -1, descending: -1, down: -1 };

export function receiptsRouter(ctx: Ctx): Router {
  const { state, tokens, app } = ctx;
  const router = express.Router();

  router.get('/v3/application/shops/:shop_id/receipts', requireScopes(tokens, app, 'transactions_r'), (req, res) => {
    const shop = ownShop(ctx, res, positiveId(req.params.shop_id, 'shop_id'));
    const q = req.query as Record<string, unknown>;
    const ts = (name: string) => queryInt(q, name, { min: MIN_TIMESTAMP });
    const [minCreated, maxCreated, minModified, maxModified] = ['min_created', 'max_created', 'min_last_modified', 'max_last_modified'].map(ts);
    const limit = queryInt(q, 'limit', { min: 1, max: 100, fallback: 25 })!;
    const offset = queryInt(q, 'offset', { min: 0, fallback: 0 })!;
    const sortOn = (single(q.sort_on) as string | undefined) ?? 'created';
    if (!['created', 'updated', 'receipt_id'].includes(sortOn)) throw fieldError('sort_on', 'must be one of: created, updated, receipt_id');
    const orderName = (single(q.sort_order) as string | undefined) ?? 'desc';
    const order = SORT_ORDERS[orderName];
    if (order === undefined) throw fieldError('sort_order', 'must be one of: asc, ascending, desc, descending, up, down');
    const flags = { was_paid: queryBool(q, 'was_paid'), was_shipped: queryBool(q, 'was_shipped'), was_delivered: queryBool(q, 'was_delivered'), was_canceled: queryBool(q, 'was_canceled') };

    const matching = [...state.receipts.values()].filter(
      (r) =>
        r.shop_id === shop.shop_id &&
        (minCreated === undefined || r.create_timestamp >= minCreated) &&
        (maxCreated === undefined || r.create_timestamp <= maxCreated) &&
        (minModified === undefined || r.update_timestamp >= minModified) &&
        (maxModified === undefined || r.update_timestamp <= maxModified) &&
        (flags.was_paid === undefined || r.is_paid === flags.was_paid) &&
        (flags.was_shipped === undefined || r.is_shipped === flags.was_shipped) &&
        (flags.was_delivered === undefined || r.is_delivered === flags.was_delivered) &&
        (flags.was_canceled === undefined || (r.status === 'canceled') === flags.was_canceled),
    );
    const key = (r: ReceiptRecord) => (sortOn === 'created' ? r.create_timestamp : sortOn === 'updated' ? r.update_timestamp : r.receipt_id);
    matching.sort((a, b) => (key(a) - key(b) || a.receipt_id - b.receipt_id) * order);
    res.json({ count: matching.length, results: matching.slice(offset, offset + limit).map((r) => receiptView(state, r)) });
  });

  router.get('/v3/application/shops/:shop_id/receipts/:receipt_id', requireScopes(tokens, app, 'transactions_r'), (req, res) => {
    const shop = ownShop(ctx, res, positiveId(req.params.shop_id, 'shop_id'));
    const receiptId = positiveId(req.params.receipt_id, 'receipt_id');
    const receipt = state.receipts.get(receiptId);
    if (!receipt || receipt.shop_id !== shop.shop_id) throw apiError(404, `Could not find a ShopReceipt with receipt_id = ${receiptId}`);
    res.json(receiptView(state, receipt));
  });

  return router;
}
