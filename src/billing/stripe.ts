/*
 * Stripe, behind the billing-provider port.
 *
 * Signatures: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]`, each v1 an
 * HMAC-SHA-256, keyed with the endpoint's signing secret (`whsec_…`, used as it is), of
 * `${t}.${raw body}`. Several v1 entries come while a secret is being rolled; one matching is
 * enough, compared in constant time. A timestamp more than five minutes from now is refused (a
 * replay of an old delivery). Other schemes (v0: test mode's) are ignored.
 *
 * Events: `customer.subscription.created|updated|deleted` carry the subscription (status,
 * `items.data[].price.lookup_key` naming the plan, `billing_cycle_anchor`, the period end on the
 * items since API version 2025-03-31 or on the subscription before, `cancel_at_period_end`,
 * `metadata.stoflow_tenant_id` set when Stoflow's checkout created it); `invoice.payment_failed`
 * the invoice (`customer`, the subscription under `parent.subscription_details` since 2025-03-31,
 * or `subscription` before). Which tenant pays: the subscription's metadata, or the customer id
 * seen with it before (public.billing_customers).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { BillingNotice, BillingProvider } from '../shared/billing';

export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;
export const STRIPE_TENANT_METADATA_KEY = 'stoflow_tenant_id';

export function stripeSignature(secret: string, timestamp: number, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** Whether a `Stripe-Signature` header holds for these bytes at `now`. */
export function verifyStripeSignature(secret: string, header: string | undefined, body: Buffer, now: Date, toleranceSeconds = STRIPE_SIGNATURE_TOLERANCE_SECONDS): boolean {
  if (!header || header.length > 4000) return false;
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const element of header.split(',')) {
    const at = element.indexOf('=');
    if (at < 0) continue;
    const key = element.slice(0, at).trim();
    const value = element.slice(at + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1') signatures.push(value);
  }
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(stripeSignature(secret, Number(timestamp), body), 'hex');
  return signatures.some((s) => {
    if (!/^[0-9a-f]{64}$/i.test(s)) return false;
    const given = Buffer.from(s, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const idOf = z.union([z.string().min(1).max(255), z.object({ id: z.string().min(1).max(255) }).transform((o) => o.id)]);
const unix = z.number().int().nonnegative();
const metadata = z.record(z.string(), z.string()).nullish();

const eventSchema = z.object({ id: z.string().min(1).max(255), type: z.string().min(1).max(200), created: unix, data: z.object({ object: z.record(z.string(), z.unknown()) }) });

const subscriptionSchema = z.object({
  id: z.string().min(1).max(255),
  customer: idOf,
  status: z.string().min(1).max(50),
  metadata,
  billing_cycle_anchor: unix.nullish(),
  start_date: unix.nullish(),
  cancel_at_period_end: z.boolean().nullish(),
  current_period_end: unix.nullish(),
  items: z
    .object({
      data: z.array(z.object({ current_period_end: unix.nullish(), price: z.object({ lookup_key: z.string().max(200).nullish(), metadata }).nullish() })),
    })
    .nullish(),
});

const invoiceSchema = z.object({
  id: z.string().min(1).max(255),
  customer: idOf,
  subscription: idOf.nullish(),
  subscription_details: z.object({ metadata }).nullish(),
  parent: z.object({ subscription_details: z.object({ subscription: idOf.nullish(), metadata }).nullish() }).nullish(),
  attempt_count: z.number().int().nonnegative().nullish(),
  next_payment_attempt: unix.nullish(),
});

function tenantOf(meta: Record<string, string> | null | undefined): number | null {
  const value = meta?.[STRIPE_TENANT_METADATA_KEY];
  return value !== undefined && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : null;
}

const seconds = (s: number) => new Date(s * 1000);

const SUBSCRIPTION_EVENTS = new Set(['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted']);

/** A Stripe event as a notice of the port. */
export function parseStripeEvent(body: unknown): BillingNotice | null {
  const event = eventSchema.safeParse(body);
  if (!event.success) return null;
  const { id, type, created } = event.data;
  const ignored = (reason: string): BillingNotice => ({ kind: 'ignored', provider: 'stripe', event_id: id, event_type: type, reason });
  const object = event.data.data.object;
  if (SUBSCRIPTION_EVENTS.has(type)) {
    const parsed = subscriptionSchema.safeParse(object);
    if (!parsed.success) return ignored(`unreadable subscription: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const s = parsed.data;
    const items = s.items?.data ?? [];
    const price = items.find((i) => i.price)?.price;
    const ends = items.map((i) => i.current_period_end).filter((e): e is number => typeof e === 'number');
    const periodEnd = ends.length > 0 ? Math.max(...ends) : (s.current_period_end ?? null);
    return {
      kind: 'subscription',
      provider: 'stripe',
      event_id: id,
      event_type: type,
      event_at: seconds(created),
      tenant_id: tenantOf(s.metadata),
      customer_id: s.customer,
      subscription_id: s.id,
      // A deleted subscription is canceled, whatever an older object said.
      status: type === 'customer.subscription.deleted' ? 'canceled' : s.status,
      plan: price?.metadata?.stoflow_plan ?? price?.lookup_key ?? null,
      period_anchor: seconds(s.billing_cycle_anchor ?? s.start_date ?? created),
      current_period_end: periodEnd === null ? null : seconds(periodEnd),
      cancel_at_period_end: s.cancel_at_period_end ?? false,
    };
  }
  if (type === 'invoice.payment_failed') {
    const parsed = invoiceSchema.safeParse(object);
    if (!parsed.success) return ignored(`unreadable invoice: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const inv = parsed.data;
    const details = inv.parent?.subscription_details;
    return {
      kind: 'payment_failed',
      provider: 'stripe',
      event_id: id,
      event_type: type,
      event_at: seconds(created),
      tenant_id: tenantOf(details?.metadata ?? inv.subscription_details?.metadata),
      customer_id: inv.customer,
      subscription_id: details?.subscription ?? inv.subscription ?? null,
      invoice_id: inv.id,
      attempt_count: inv.attempt_count ?? null,
      next_payment_attempt: inv.next_payment_attempt ? seconds(inv.next_payment_attempt) : null,
    };
  }
  return ignored('not an event Stoflow acts on');
}

export function stripeBilling(secret: string, toleranceSeconds = STRIPE_SIGNATURE_TOLERANCE_SECONDS): BillingProvider {
  return {
    name: 'stripe',
    signatureHeader: 'Stripe-Signature',
    verify: (signature, body, now) => verifyStripeSignature(secret, signature, body, now, toleranceSeconds),
    parse: parseStripeEvent,
  };
}
