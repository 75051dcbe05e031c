/*
 * The port through which Stoflow asks a marketplace to push what happens on a seller's account
 * (eBay's Notification API: a destination for the application, a subscription per seller), so a
 * sale is heard of in seconds instead of at the next poll. Adapters live in
 * src/marketplaces/<name>; the command that records the outcome speaks only this.
 */

/** What the marketplace now pushes for the seller, and where. */
export interface NotificationSubscription {
  /** The marketplace's topics, e.g. `ORDER_CONFIRMATION`. */
  topics: string[];
  /** The marketplace's id of the endpoint it pushes to (`{PUBLIC_BASE_URL}/api/webhooks/ebay`). */
  destination_id: string;
  /** The marketplace's subscription id of each topic. */
  subscription_ids: Record<string, string>;
}

export interface NotificationSubscriber {
  /** Null when this server can be pushed to; otherwise why not (`PUBLIC_BASE_URL is not https`). */
  readonly unavailable: string | null;
  /**
   * Makes sure the seller behind `accessToken` is subscribed; safe to call again (an existing
   * subscription is found and kept). Throws MarketplaceCallError; a retryable one may be retried.
   */
  subscribe(accessToken: string): Promise<NotificationSubscription>;
}
