/*
 * A listing's states, written once: the listing decider moves between them (src/domain/listing),
 * the listings query filters on them, and the products queries read the live ones to say a
 * product is `published`.
 */
export const LISTING_STATUSES = ['queued', 'publishing', 'active', 'updating', 'delisting', 'delisted', 'failed', 'sold_here', 'ended_externally', 'disconnected'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/** Shown on the marketplace and kept in sync there: what makes a product `published`. */
export const LIVE_LISTING_STATUSES = ['active', 'updating'] as const satisfies readonly ListingStatus[];

/** Where a listing's story ends, kept as history: nothing is live or pending until it is queued again. */
export const ENDED_LISTING_STATUSES = ['delisted', 'sold_here', 'ended_externally', 'disconnected'] as const satisfies readonly ListingStatus[];
