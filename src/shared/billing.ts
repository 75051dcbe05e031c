/*
 * The billing-provider port: what a provider's webhook says, in Stoflow's terms. An adapter
 * (src/billing/stripe.ts) checks the signature over the bytes received and maps its wire format
 * to a notice; the write side decides what it changes (src/commands/subscription/).
 */

/** What every notice carries: the provider's event, and whose account it names. */
interface BillingEventNotice {
  provider: string;
  event_id: string;
  event_type: string;
  event_at: Date;
  /** The tenant the provider's object says it is for (the subscription's metadata), when it says so. */
  tenant_id: number | null;
  customer_id: string;
}

export interface BillingSubscriptionNotice extends BillingEventNotice {
  kind: 'subscription';
  subscription_id: string;
  status: string;
  /** Which Stoflow plan the subscription's price stands for (its lookup key), as the provider names it. */
  plan: string | null;
  period_anchor: Date;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
}

export interface BillingPaymentFailedNotice extends BillingEventNotice {
  kind: 'payment_failed';
  subscription_id: string | null;
  invoice_id: string;
  attempt_count: number | null;
  next_payment_attempt: Date | null;
}

/** A verified event of a type Stoflow does not act on, or of a shape it cannot read: acknowledged, recorded, nothing changed. */
export interface BillingIgnoredNotice {
  kind: 'ignored';
  provider: string;
  event_id: string;
  event_type: string;
  reason: string;
}

export type BillingNotice = BillingSubscriptionNotice | BillingPaymentFailedNotice | BillingIgnoredNotice;

export interface BillingProvider {
  readonly name: string;
  /** The header carrying the signature (documented on the route). */
  readonly signatureHeader: string;
  /** Whether the bytes were signed with the endpoint's secret, recently enough. */
  verify(signature: string | undefined, body: Buffer, now: Date): boolean;
  /** The verified body as a notice; null when it is not an event at all. */
  parse(body: unknown): BillingNotice | null;
}
