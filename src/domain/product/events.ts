/*
 * What happened to a product, in the past tense, data in snake_case as stored. Money is integer
 * cents; times are ISO strings taken from the command's clock.
 */
import { PRODUCT_FIELDS, type ProductFields, type PRODUCT_STATUSES } from '../../shared/product-fields';
import type { DomainEvent } from '../shared/decider';

/** `published` is reached once a product has at least one active marketplace listing. */
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** The fields that are not details: the identity, and price and stock, which have events of their own. */
type NotDetails = 'sku' | 'price' | 'cost_price' | 'stock_quantity' | 'description';

/** The details a seller edits freely while the product is still for sale, as stored. */
export type ProductDetails = Omit<ProductFields, NotDetails> & { description: string; cost_price_cents: number | null };

export type ProductCreated = DomainEvent<
  'ProductCreated',
  ProductDetails & {
    product_id: string;
    sku: string;
    price_cents: number;
    stock_quantity: number;
    created_at: string;
  }
>;

export type ProductDetailsUpdated = DomainEvent<'ProductDetailsUpdated', { changes: Partial<ProductDetails>; updated_at: string }>;

export type ProductPriceChanged = DomainEvent<'ProductPriceChanged', { price_cents: number; previous_price_cents: number; changed_at: string }>;

export type ProductStockAdjusted = DomainEvent<'ProductStockAdjusted', { stock_quantity: number; delta: number; adjusted_at: string }>;

export type ProductImageAdded = DomainEvent<
  'ProductImageAdded',
  { image_id: string; file: string; content_type: string; size_bytes: number; position: number; added_at: string }
>;

export type ProductImageRemoved = DomainEvent<'ProductImageRemoved', { image_id: string; removed_at: string }>;

export type ProductImagesReordered = DomainEvent<'ProductImagesReordered', { image_ids: string[]; reordered_at: string }>;

/** Where a sale was made: offline (recorded by the seller), or a marketplace (recorded by sync). */
export type SaleChannel = 'offline' | 'ebay' | 'etsy' | 'vinted';

/** The marketplace's order and line a sale came from (marketplace sales only). */
export interface OrderRef {
  order_id?: string;
  line_id?: string;
}

/**
 * What a sale cost and brought besides its price, in cents: the marketplace's fees, the shipping
 * the buyer paid the seller, and the postage the seller paid. 0 when nobody said (schema v1 events
 * come out with zeros).
 */
export interface SaleMoney {
  fees_cents: number;
  shipping_charged_cents: number;
  shipping_paid_cents: number;
}

export const NO_SALE_MONEY: SaleMoney = { fees_cents: 0, shipping_charged_cents: 0, shipping_paid_cents: 0 };

/** A sale's fees and shipping as its event (or a stored copy of it) says them; a field absent is 0. */
export function saleMoneyOf(d: Partial<SaleMoney>): SaleMoney {
  return { fees_cents: d.fees_cents ?? 0, shipping_charged_cents: d.shipping_charged_cents ?? 0, shipping_paid_cents: d.shipping_paid_cents ?? 0 };
}

/** The same in euros, as the API shows them. */
export function saleMoneyInEuros(m: SaleMoney | undefined): { fees: number; shipping_charged: number; shipping_paid: number } {
  return { fees: (m?.fees_cents ?? 0) / 100, shipping_charged: (m?.shipping_charged_cents ?? 0) / 100, shipping_paid: (m?.shipping_paid_cents ?? 0) / 100 };
}

export type ProductSold = DomainEvent<
  'ProductSold',
  { sale_id: string; quantity: number; unit_price_cents: number; channel: SaleChannel; remaining_stock: number; sold_at: string } & SaleMoney & OrderRef
>;

/** The seller (or a marketplace's later statement) set a sale's fees and shipping: the new values, whole. */
export type SaleCostsRecorded = DomainEvent<'SaleCostsRecorded', { sale_id: string; recorded_at: string } & SaleMoney>;

/** A sale that took units an earlier one took: `competing_sales` are the sales that took them. */
export interface CompetingSale extends OrderRef {
  sale_id: string;
  channel: SaleChannel;
  quantity: number;
  sold_at: string;
}

/**
 * A marketplace sold more than was left (the same last unit sold on two marketplaces before the
 * first sale's delist reached the second): the buyer has paid, the stock cannot cover it, and
 * the seller must settle it. Never resolved by Stoflow itself.
 */
export type OversoldDetected = DomainEvent<
  'OversoldDetected',
  {
    sale_id: string;
    marketplace: 'ebay' | 'etsy' | 'vinted';
    quantity: number;
    unit_price_cents: number;
    /** What was in stock when it came in. */
    stock_before: number;
    competing_sales: CompetingSale[];
    detected_at: string;
  } & SaleMoney &
    OrderRef
>;

export const OVERSELL_RESOLUTIONS = ['buyer_refunded', 'item_found', 'other'] as const;
export type OversellResolution = (typeof OVERSELL_RESOLUTIONS)[number];

/** The seller settled an oversell: refunded the buyer (the order cancelled there), found another unit, or otherwise. */
export type OversellResolved = DomainEvent<'OversellResolved', { sale_id: string; resolution: OversellResolution; note: string | null; resolved_at: string }>;

/**
 * A sale came back: the buyer returned it, or the order was cancelled after the sale. `refund_cents`
 * is what the buyer got back; restocked, the units are for sale again (`stock_quantity` after).
 */
export type SaleReturned = DomainEvent<
  'SaleReturned',
  { sale_id: string; quantity: number; refund_cents: number; restocked: boolean; stock_quantity: number; reason: string | null; returned_at: string }
>;

export type ProductArchived = DomainEvent<'ProductArchived', { archived_at: string }>;

export type ProductEvent =
  | ProductCreated
  | ProductDetailsUpdated
  | ProductPriceChanged
  | ProductStockAdjusted
  | ProductImageAdded
  | ProductImageRemoved
  | ProductImagesReordered
  | ProductSold
  | OversoldDetected
  | OversellResolved
  | SaleCostsRecorded
  | SaleReturned
  | ProductArchived;

export type ProductEventType = ProductEvent['type'];

export const PRODUCT_EVENT_TYPES: readonly ProductEventType[] = [
  'ProductCreated',
  'ProductDetailsUpdated',
  'ProductPriceChanged',
  'ProductStockAdjusted',
  'ProductImageAdded',
  'ProductImageRemoved',
  'ProductImagesReordered',
  'ProductSold',
  'OversoldDetected',
  'OversellResolved',
  'SaleCostsRecorded',
  'SaleReturned',
  'ProductArchived',
];

/** The detail fields, in form order. */
export const DETAIL_FIELDS: readonly (keyof ProductDetails)[] = PRODUCT_FIELDS.flatMap((f): (keyof ProductDetails)[] => {
  if (f === 'cost_price') return ['cost_price_cents'];
  return f === 'sku' || f === 'price' || f === 'stock_quantity' ? [] : [f];
});
