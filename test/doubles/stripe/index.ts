/*
 * Stripe, as far as Stoflow's billing webhook meets it: events in Stripe's format (subscription
 * objects with their items' prices and periods, invoices), signed the Stripe-Signature way, and
 * delivered to a running app. The app's own verification code checks what this signs.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';

export const STRIPE_TEST_SECRET = 'whsec_test_0123456789abcdefghijklmnop';

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const unix = (at: Date) => Math.floor(at.getTime() / 1000);

export interface SubscriptionFields {
  id?: string;
  customer?: string;
  tenant?: number | null;
  status?: string;
  plan?: string | null;
  anchor?: Date;
  periodEnd?: Date;
  cancelAtPeriodEnd?: boolean;
}

/** A subscription object as Stripe's API (2025-03-31 and later) shapes it: the period is on the items. */
export function subscriptionObject(f: SubscriptionFields = {}) {
  const anchor = f.anchor ?? new Date(Date.now() - 86_400_000);
  const end = f.periodEnd ?? new Date(anchor.getTime() + 30 * 86_400_000);
  return {
    id: f.id ?? id('sub'),
    object: 'subscription',
    customer: f.customer ?? id('cus'),
    status: f.status ?? 'active',
    metadata: f.tenant === null || f.tenant === undefined ? {} : { stoflow_tenant_id: String(f.tenant) },
    billing_cycle_anchor: unix(anchor),
    start_date: unix(anchor),
    cancel_at_period_end: f.cancelAtPeriodEnd ?? false,
    items: {
      object: 'list',
      data: [{ id: id('si'), object: 'subscription_item', current_period_start: unix(anchor), current_period_end: unix(end), price: { id: id('price'), object: 'price', lookup_key: f.plan === undefined ? 'pro' : f.plan, metadata: {} } }],
    },
  };
}

export function invoiceObject(f: { customer: string; subscription?: string; tenant?: number; attempt?: number }) {
  return {
    id: id('in'),
    object: 'invoice',
    customer: f.customer,
    attempt_count: f.attempt ?? 1,
    next_payment_attempt: unix(new Date(Date.now() + 3 * 86_400_000)),
    parent: { type: 'subscription_details', subscription_details: { subscription: f.subscription ?? null, metadata: f.tenant ? { stoflow_tenant_id: String(f.tenant) } : {} } },
  };
}

export function stripeEvent(type: string, object: unknown, options: { id?: string; created?: Date } = {}) {
  return { id: options.id ?? id('evt'), object: 'event', api_version: '2025-03-31.basil', created: unix(options.created ?? new Date()), livemode: false, type, data: { object } };
}

/** `t=…,v1=…`: signed with `secret` at `timestamp`, plus any further v1 signatures given (a secret being rolled). */
export function signatureHeader(body: string, options: { secret?: string; timestamp?: Date; extraSecrets?: string[]; extraFirst?: boolean } = {}): string {
  const t = unix(options.timestamp ?? new Date());
  const sign = (secret: string) => `v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
  const own = sign(options.secret ?? STRIPE_TEST_SECRET);
  const extra = (options.extraSecrets ?? []).map(sign);
  return [`t=${t}`, ...(options.extraFirst ? [...extra, own] : [own, ...extra])].join(',');
}

/** Delivers an event to the app's billing webhook as Stripe would: the raw JSON and its signature. */
export function deliver(app: Express, event: unknown, options: Parameters<typeof signatureHeader>[1] & { header?: string } = {}) {
  const body = JSON.stringify(event);
  return request(app)
    .post('/api/webhooks/billing')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', options.header ?? signatureHeader(body, options))
    .send(body);
}
