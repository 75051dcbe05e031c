/*
 * What the analytics projection and its queries agree on: where a sale can be made, the time zone
 * days are counted in, and the currency figures are shown in.
 */

/** Where a sale is made: the seller's own (offline) or a marketplace. */
export const SALE_CHANNELS = ['offline', 'ebay', 'etsy', 'vinted'] as const;
export type SaleChannelName = (typeof SALE_CHANNELS)[number];

/** The marketplaces a product is listed on (offline sales have no listing). */
export const LISTING_MARKETPLACES = ['ebay', 'etsy', 'vinted'] as const;

/**
 * Days, weeks and months are counted in this time zone. Accounts have no time-zone setting yet:
 * every shop is counted in Paris time, and a setting would have to re-bucket the daily table.
 */
export const ANALYTICS_TIME_ZONE = 'Europe/Paris';

/** Prices, costs and sales are recorded in euro cents; every figure is shown in euros. */
export const ANALYTICS_CURRENCY = 'EUR';
