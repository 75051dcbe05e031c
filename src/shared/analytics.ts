/*
 * What the analytics projection and its queries agree on: where a sale can be made, the default
 * time zone days are counted in, and the currency figures are shown in.
 */

/** Where a sale is made: the seller's own (offline) or a marketplace. */
export const SALE_CHANNELS = ['offline', 'ebay', 'etsy', 'vinted'] as const;
export type SaleChannelName = (typeof SALE_CHANNELS)[number];

/** The marketplaces a product is listed on (offline sales have no listing). */
export const LISTING_MARKETPLACES = ['ebay', 'etsy', 'vinted'] as const;

/**
 * The default time zone: a shop's days, weeks and months are counted in until the seller chooses another
 * (`PATCH /api/shop/settings`, a `ShopTimeZoneChanged` event): the analytics projection keeps the
 * zone in force in its own table and re-buckets its daily tables when it changes.
 */
export const ANALYTICS_TIME_ZONE = 'Europe/Paris';

/** Prices, costs and sales are recorded in euro cents; every figure is shown in euros. */
export const ANALYTICS_CURRENCY = 'EUR';
