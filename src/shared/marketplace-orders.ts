/*
 * The port through which sync reads an order a marketplace reported: its lines, each with the
 * seller's SKU (how Stoflow finds the product), the quantity and the price paid, and the fees and
 * shipping where the marketplace's order carries them. Built by the
 * composition root per marketplace; what comes back was checked at the edge, since a
 * marketplace's answer is input like any other.
 */
import type { Marketplace, MarketplaceAccount } from '../domain/connection/connection';

export interface MarketplaceOrderLine {
  line_id: string;
  /** The marketplace's listing the line bought from. */
  listing_id: string;
  /** The seller's SKU on the listing; null when the listing has none (created outside Stoflow). */
  sku: string | null;
  quantity: number;
  /** What one unit sold for, in cents of `currency`. */
  unit_price_cents: number;
  currency: string;
  /** The marketplace's fees on the line, in cents of `currency`, when its order says them (eBay). */
  fees_cents?: number;
  /** Shipping the buyer paid for the line, in cents of `currency`, when the order says it. */
  shipping_charged_cents?: number;
}

export interface MarketplaceOrder {
  order_id: string;
  lines: MarketplaceOrderLine[];
}

export interface MarketplaceOrderReader {
  readonly marketplace: Marketplace;
  readOrder(accessToken: string, orderId: string): Promise<MarketplaceOrder>;
  /** The orders modified in [from, to] (the polling safety net), every page of them. */
  ordersModified?(accessToken: string, from: Date, to: Date, account: MarketplaceAccount): Promise<MarketplaceOrder[]>;
}
