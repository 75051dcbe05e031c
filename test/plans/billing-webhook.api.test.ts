import request from 'supertest';
import type { TestApp } from '../support/app';
import { deliver, invoiceObject, signatureHeader, STRIPE_TEST_SECRET, stripeEvent, subscriptionObject } from '../doubles/stripe';
import { productBody, registerSeller, startProductsApp, type Seller } from '../products/support';

describe('POST /api/webhooks/billing (Stripe)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startProductsApp({ BILLING_WEBHOOK_SECRET: STRIPE_TEST_SECRET });
  });
  afterAll(async () => t.close());

  const subscription = async (seller: Seller) => (await request(t.app).get('/api/subscription').set(seller.auth)).body;
  const streamTypes = async (seller: Seller) => (await t.services.eventStore.readStream(seller.tenantId, 'subscription')).map((e) => e.type);

  it('When a signed customer.subscription.created names the tenant, then the tenant is on its plan, the customer is remembered and the log says why', async () => {
    const seller = await registerSeller(t.app);
    const end = new Date(Date.now() + 20 * 86_400_000);
    const sub = subscriptionObject({ tenant: seller.tenantId, plan: 'pro', periodEnd: end });
    const res = await deliver(t.app, stripeEvent('customer.subscription.created', sub, { id: `evt_created_${seller.tenantId}` }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, duplicate: false, outcome: 'recorded: BillingSubscriptionUpdated, PlanChanged', tenant_id: seller.tenantId });
    expect(await subscription(seller)).toMatchObject({
      plan: { code: 'pro' },
      status: 'active',
      billing: { provider: 'stripe', customer_id: sub.customer, subscription_id: sub.id, status: 'active', current_period_end: end.toISOString().replace(/\.\d{3}Z$/, '.000Z'), cancel_at_period_end: false },
    });
    const [, changed] = await t.services.eventStore.readStream(seller.tenantId, 'subscription');
    expect(changed).toMatchObject({ type: 'PlanChanged', data: { plan: 'pro', source: 'billing' }, metadata: { actor: 'billing:stripe', causation_id: `evt_created_${seller.tenantId}` } });
    const { rows } = await t.services.pool.query('select tenant_id from public.billing_customers where provider = $1 and customer_id = $2', ['stripe', sub.customer]);
    expect(rows).toEqual([{ tenant_id: seller.tenantId }]);
  });

  it('When the same event is delivered again, then it is answered as a duplicate and nothing is appended', async () => {
    const seller = await registerSeller(t.app);
    const event = stripeEvent('customer.subscription.created', subscriptionObject({ tenant: seller.tenantId, plan: 'starter' }));
    expect((await deliver(t.app, event)).body.duplicate).toBe(false);
    const head = await t.services.eventStore.head(seller.tenantId);
    const again = await deliver(t.app, event);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ received: true, duplicate: true, outcome: 'recorded: BillingSubscriptionUpdated, PlanChanged' });
    expect(await t.services.eventStore.head(seller.tenantId)).toBe(head);
  });

  it('When two deliveries of one event arrive at once, then the log holds its change once', async () => {
    const seller = await registerSeller(t.app);
    const event = stripeEvent('customer.subscription.created', subscriptionObject({ tenant: seller.tenantId, plan: 'starter' }));
    const both = await Promise.all([deliver(t.app, event), deliver(t.app, event)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(await streamTypes(seller)).toEqual(['BillingSubscriptionUpdated', 'PlanChanged']);
  });

  it('When the signature is made with another secret, is stale, or missing, then 401 and nothing is recorded', async () => {
    const seller = await registerSeller(t.app);
    const event = stripeEvent('customer.subscription.created', subscriptionObject({ tenant: seller.tenantId }));
    const wrong = await deliver(t.app, event, { secret: 'whsec_not_the_endpoint_secret_0000' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.body).toMatchObject({ code: 'invalid_signature' });
    expect((await deliver(t.app, event, { timestamp: new Date(Date.now() - 10 * 60_000) })).status).toBe(401);
    expect((await request(t.app).post('/api/webhooks/billing').set('Content-Type', 'application/json').send(JSON.stringify(event))).status).toBe(401);
    expect(await streamTypes(seller)).toEqual([]);
    expect((await t.services.pool.query('select 1 from public.billing_events where event_id = $1', [event.id])).rowCount).toBe(0);
    // The same event, properly signed afterwards, is handled: the refusals recorded nothing.
    expect((await deliver(t.app, event)).body).toMatchObject({ duplicate: false, tenant_id: seller.tenantId });
  });

  it('When the header carries several v1 signatures (a secret being rolled), then one matching the secret is enough', async () => {
    const seller = await registerSeller(t.app);
    const event = stripeEvent('customer.subscription.created', subscriptionObject({ tenant: seller.tenantId, plan: 'business' }));
    const body = JSON.stringify(event);
    const header = signatureHeader(body, { extraSecrets: ['whsec_previous_secret_000000000000'], extraFirst: true });
    expect(header.match(/v1=/g)).toHaveLength(2);
    const res = await deliver(t.app, event, { header });
    expect(res.status).toBe(200);
    expect((await subscription(seller)).plan.code).toBe('business');
  });

  it('When the subscription becomes past_due, then free is scheduled for the period end and the plan stays until then; paid again, the end is withdrawn', async () => {
    const seller = await registerSeller(t.app);
    const end = new Date(Date.now() + 10 * 86_400_000);
    const base = { tenant: seller.tenantId, customer: `cus_pd_${seller.tenantId}`, id: `sub_pd_${seller.tenantId}`, plan: 'pro', periodEnd: end };
    await deliver(t.app, stripeEvent('customer.subscription.created', subscriptionObject(base), { created: new Date(Date.now() - 3000) }));
    await deliver(t.app, stripeEvent('customer.subscription.updated', subscriptionObject({ ...base, status: 'past_due' }), { created: new Date(Date.now() - 2000) }));
    const lapsing = await subscription(seller);
    expect(lapsing).toMatchObject({ plan: { code: 'pro' }, status: 'past_due', scheduled_change: { plan: 'free', reason: 'subscription_past_due' } });
    expect(new Date(lapsing.scheduled_change.at).getTime()).toBe(Math.floor(end.getTime() / 1000) * 1000);
    await deliver(t.app, stripeEvent('customer.subscription.updated', subscriptionObject(base), { created: new Date(Date.now() - 1000) }));
    expect(await subscription(seller)).toMatchObject({ plan: { code: 'pro' }, status: 'active', scheduled_change: null });
  });

  it('When the subscription is deleted after its period, then the tenant is on free, its products stay and only new ones past the cap are refused', async () => {
    const seller = await registerSeller(t.app);
    const base = { tenant: seller.tenantId, customer: `cus_del_${seller.tenantId}`, id: `sub_del_${seller.tenantId}`, plan: 'starter' };
    await deliver(t.app, stripeEvent('customer.subscription.created', subscriptionObject({ ...base, anchor: new Date(Date.now() - 40 * 86_400_000), periodEnd: new Date(Date.now() + 86_400_000) }), { created: new Date(Date.now() - 5000) }));
    for (let i = 0; i < 31; i++) expect((await request(t.app).post('/api/products').set(seller.auth).send(productBody())).status).toBe(201);
    const deleted = await deliver(t.app, stripeEvent('customer.subscription.deleted', subscriptionObject({ ...base, status: 'canceled', periodEnd: new Date(Date.now() - 1000) })));
    expect(deleted.body.outcome).toBe('recorded: BillingSubscriptionUpdated, PlanChanged');
    expect(await subscription(seller)).toMatchObject({ plan: { code: 'free' }, usage: { products: 31 } });
    expect((await request(t.app).get('/api/products?limit=100').set(seller.auth)).body.total).toBe(31);
    const refused = await request(t.app).post('/api/products').set(seller.auth).send(productBody());
    expect(refused.status).toBe(403);
  });

  it('When an invoice payment fails, then the tenant is found by its customer, the failure is recorded and free is scheduled', async () => {
    const seller = await registerSeller(t.app);
    const base = { tenant: seller.tenantId, customer: `cus_inv_${seller.tenantId}`, id: `sub_inv_${seller.tenantId}`, plan: 'pro' };
    await deliver(t.app, stripeEvent('customer.subscription.created', subscriptionObject(base), { created: new Date(Date.now() - 2000) }));
    const failed = await deliver(t.app, stripeEvent('invoice.payment_failed', invoiceObject({ customer: base.customer, subscription: base.id })));
    expect(failed.body).toMatchObject({ outcome: 'recorded: BillingPaymentFailed, PlanEndScheduled', tenant_id: seller.tenantId });
    expect((await subscription(seller)).scheduled_change).toMatchObject({ plan: 'free', reason: 'payment_failed' });
  });

  it('When a customer no tenant is known for, or another event type, comes, then it is acknowledged and ignored; a price naming no plan is 422', async () => {
    const stranger = await deliver(t.app, stripeEvent('customer.subscription.created', subscriptionObject({ tenant: null })));
    expect(stranger.body).toMatchObject({ received: true, outcome: 'ignored: no Stoflow tenant for this customer', tenant_id: null });
    expect((await deliver(t.app, stripeEvent('charge.refunded', { id: 'ch_1' }))).body.outcome).toMatch(/^ignored/);
    const seller = await registerSeller(t.app);
    const unknownPrice = await deliver(t.app, stripeEvent('customer.subscription.created', subscriptionObject({ tenant: seller.tenantId, plan: 'gold' })));
    expect(unknownPrice.status).toBe(422);
    expect(unknownPrice.body).toMatchObject({ code: 'unknown_plan', errors: [{ field: 'plan' }] });
    expect(await streamTypes(seller)).toEqual([]);
  });

  it('When the body is not an event, then 400 naming body', async () => {
    const res = await deliver(t.app, { hello: 'world' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body');
  });
});

describe('POST /api/webhooks/billing without BILLING_WEBHOOK_SECRET', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startProductsApp();
  });
  afterAll(async () => t.close());

  it('When the secret is not set, then the endpoint answers a 404 problem', async () => {
    const res = await deliver(t.app, stripeEvent('customer.subscription.created', subscriptionObject({ tenant: 1 })));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'webhook_not_configured' });
  });
});
