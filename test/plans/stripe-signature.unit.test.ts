import { parseStripeEvent, verifyStripeSignature } from '../../src/billing/stripe';
import { invoiceObject, signatureHeader, STRIPE_TEST_SECRET, stripeEvent, subscriptionObject } from '../doubles/stripe';

const now = new Date();
const body = JSON.stringify(stripeEvent('customer.subscription.created', subscriptionObject({ tenant: 7 })));
const verify = (header: string | undefined, at = now, raw = body) => verifyStripeSignature(STRIPE_TEST_SECRET, header, Buffer.from(raw), at);

describe('Stripe-Signature', () => {
  it('When the header is signed with the secret over t.body, then it holds', () => {
    expect(verify(signatureHeader(body))).toBe(true);
  });

  it('When another secret signed it, or the body was altered, then it does not hold', () => {
    expect(verify(signatureHeader(body, { secret: 'whsec_someone_elses_secret_000000' }))).toBe(false);
    expect(verify(signatureHeader(body), now, body.replace('"active"', '"trialing"'))).toBe(false);
  });

  it('When the timestamp is more than 300 s away, then it does not hold, either way; within, it does', () => {
    expect(verify(signatureHeader(body, { timestamp: new Date(now.getTime() - 301_000) }))).toBe(false);
    expect(verify(signatureHeader(body, { timestamp: new Date(now.getTime() + 301_000) }))).toBe(false);
    expect(verify(signatureHeader(body, { timestamp: new Date(now.getTime() - 299_000) }))).toBe(true);
  });

  it('When several v1 signatures come (a secret being rolled), then one matching is enough, wherever it is', () => {
    expect(verify(signatureHeader(body, { extraSecrets: ['whsec_old_secret_1111111111111111'], extraFirst: true }))).toBe(true);
    expect(verify(signatureHeader(body, { secret: 'whsec_old_secret_1111111111111111', extraSecrets: ['whsec_other_22222222222222222'] }))).toBe(false);
  });

  it('When the header is missing, has no v1, no t, or only a v0, then it does not hold', () => {
    const good = signatureHeader(body);
    const t = good.split(',')[0]!;
    expect(verify(undefined)).toBe(false);
    expect(verify(t)).toBe(false);
    expect(verify(good.split(',')[1]!)).toBe(false);
    expect(verify(`${t},v0=${good.split('v1=')[1]}`)).toBe(false);
  });
});

describe('Stripe events as billing notices', () => {
  it('When a subscription event comes, then the tenant, customer, status, plan (lookup key) and period end are read', () => {
    const end = new Date('2026-04-01T00:00:00Z');
    const sub = subscriptionObject({ tenant: 7, customer: 'cus_A', plan: 'starter', periodEnd: end });
    expect(parseStripeEvent(stripeEvent('customer.subscription.updated', sub, { id: 'evt_1' }))).toMatchObject({
      kind: 'subscription',
      event_id: 'evt_1',
      tenant_id: 7,
      customer_id: 'cus_A',
      subscription_id: sub.id,
      status: 'active',
      plan: 'starter',
      current_period_end: end,
    });
  });

  it('When a subscription is deleted, then it is canceled whatever its object said; an older API version’s top-level period is read', () => {
    const sub = { ...subscriptionObject({ tenant: 7 }), status: 'active', current_period_end: 1_900_000_000, items: { data: [{ price: { lookup_key: 'pro' } }] } };
    expect(parseStripeEvent(stripeEvent('customer.subscription.deleted', sub))).toMatchObject({ status: 'canceled', current_period_end: new Date(1_900_000_000_000) });
  });

  it('When an invoice payment fails, then its customer and subscription (under parent) are read', () => {
    expect(parseStripeEvent(stripeEvent('invoice.payment_failed', invoiceObject({ customer: 'cus_B', subscription: 'sub_B' })))).toMatchObject({ kind: 'payment_failed', customer_id: 'cus_B', subscription_id: 'sub_B', tenant_id: null, attempt_count: 1 });
  });

  it('When the event is of another type, then it is ignored; when it is not an event, then null', () => {
    expect(parseStripeEvent(stripeEvent('charge.succeeded', { id: 'ch_1' }))).toMatchObject({ kind: 'ignored' });
    expect(parseStripeEvent({ hello: 'world' })).toBeNull();
  });
});
