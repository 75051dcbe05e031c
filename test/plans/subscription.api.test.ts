import request from 'supertest';
import { aiCredits } from '../../src/billing/ai-credits';
import { withAiCredits } from '../../src/shared/plan-limits';
import type { TestApp } from '../support/app';
import { putOnPlan } from '../support/plans';
import { PASSWORD, uniqueEmail } from '../accounts/support';
import { registerSeller, startProductsApp, type Seller } from '../products/support';

describe('Plans, the subscription and AI credits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startProductsApp();
  });
  afterAll(async () => t.close());

  const get = (seller: Seller, path: string) => request(t.app).get(path).set(seller.auth);

  it('When the plans are listed, then the four seeded plans come in order with their limits (null: unlimited)', async () => {
    const seller = await registerSeller(t.app);
    const res = await get(seller, '/api/plans');
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { code: string; limits: unknown }) => [p.code, p.limits])).toEqual([
      ['free', { max_products: 30, max_marketplaces: 2, ai_credits_per_month: 10 }],
      ['starter', { max_products: 200, max_marketplaces: 3, ai_credits_per_month: 40 }],
      ['pro', { max_products: 500, max_marketplaces: 3, ai_credits_per_month: 100 }],
      ['business', { max_products: null, max_marketplaces: null, ai_credits_per_month: 300 }],
    ]);
    expect((await request(t.app).get('/api/plans')).status).toBe(401);
    const unknown = await get(seller, '/api/plans?page=2');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('page');
  });

  it('When a new tenant reads its subscription, then it is free since registration with a month-long period in its time zone', async () => {
    const seller = await registerSeller(t.app);
    const res = await get(seller, '/api/subscription');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      plan: { code: 'free' },
      status: 'active',
      limits: { max_products: 30, max_marketplaces: 2, ai_credits_per_month: 10 },
      usage: { products: 0, marketplaces: 0, connected_marketplaces: [], ai_credits_used: 0, ai_credits_left: 10 },
      period: { time_zone: 'Europe/Paris' },
      scheduled_change: null,
      billing: null,
    });
    const { rows } = await t.services.pool.query('select created_at from public.tenants where id = $1', [seller.tenantId]);
    expect(new Date(res.body.period.start).getTime()).toBe(new Date(rows[0].created_at).getTime());
    const days = (new Date(res.body.period.end).getTime() - new Date(res.body.period.start).getTime()) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(27.9);
    expect(days).toBeLessThanOrEqual(31.1);
  });

  it('When an operator changes the plan, then me and the subscription show it, and the feed holds PlanChanged with the operator as actor', async () => {
    const seller = await registerSeller(t.app);
    await putOnPlan(t.services, seller.tenantId, 'pro');
    expect((await get(seller, '/api/auth/me')).body.subscription).toEqual({ plan: 'pro', status: 'active', limits: { max_products: 500, max_marketplaces: 3, ai_credits_per_month: 100 } });
    expect((await get(seller, '/api/subscription')).body.plan.code).toBe('pro');
    const [event] = await t.services.eventStore.readStream(seller.tenantId, 'subscription');
    expect(event).toMatchObject({ streamVersion: 1, type: 'PlanChanged', data: expect.objectContaining({ plan: 'pro', previous_plan: 'free', source: 'operator' }) });
    expect(event!.metadata.actor).toBe('operator:test');
    // Plan changes are billing internals: the event feed does not expose them.
    expect((await get(seller, '/api/events?after=0&type=PlanChanged')).status).toBe(400);
  });

  it('When a registration names a time zone, then it is kept; an unknown one is 400 naming time_zone', async () => {
    const body = { password: PASSWORD, full_name: 'Sam', account_type: 'individual' };
    const ok = await request(t.app).post('/api/auth/register').send({ ...body, email: uniqueEmail(), time_zone: 'America/New_York' });
    expect(ok.status).toBe(201);
    expect((await request(t.app).get('/api/subscription').set('Authorization', `Bearer ${ok.body.access_token}`)).body.period.time_zone).toBe('America/New_York');
    const bad = await request(t.app).post('/api/auth/register').send({ ...body, email: uniqueEmail(), time_zone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'time_zone' })]);
  });

  describe('AI credits', () => {
    it('When credits are consumed to the limit, then the next is 402-kind naming the limit, what is left and when they reset; the subscription shows the usage', async () => {
      const seller = await registerSeller(t.app);
      const credits = t.services.aiCredits;
      const first = await credits.consume(seller.tenantId, 'gen-1', 7);
      expect(first).toMatchObject({ charged: true, used: 7, left: 3, allowed: 10 });
      const refusal = await credits.consume(seller.tenantId, 'gen-2', 4).catch((e: unknown) => e);
      expect(refusal).toMatchObject({ kind: 'credits_exhausted', code: 'ai_credits_exhausted', extra: { limit: 'ai_credits_per_month', plan: 'free', allowed: 10, used: 7, left: 3, requested: 4, resets_at: first.resets_at, upgrade_to: 'starter' } });
      expect((await get(seller, '/api/subscription')).body.usage).toMatchObject({ ai_credits_used: 7, ai_credits_left: 3 });
    });

    it('When the same work is charged twice, then it is charged once; when it fails, then its credits come back', async () => {
      const seller = await registerSeller(t.app);
      const credits = t.services.aiCredits;
      await credits.consume(seller.tenantId, 'gen-a', 2);
      expect(await credits.consume(seller.tenantId, 'gen-a', 2)).toMatchObject({ charged: false, used: 2 });
      await expect(withAiCredits(credits, seller.tenantId, 'gen-b', 3, async () => { throw new Error('the model timed out'); })).rejects.toThrow('the model timed out');
      expect(await withAiCredits(credits, seller.tenantId, 'gen-c', 1, async (charge) => charge.used)).toBe(3);
      expect((await get(seller, '/api/subscription')).body.usage.ai_credits_used).toBe(3);
      expect(await credits.refund(seller.tenantId, 'gen-b')).toBe(false);
    });

    it('When ten generations race for the last three credits, then exactly three are charged', async () => {
      const seller = await registerSeller(t.app);
      const credits = t.services.aiCredits;
      await credits.consume(seller.tenantId, 'warm-up', 7);
      const raced = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => credits.consume(seller.tenantId, `race-${i}`, 1)));
      expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      expect(raced.filter((r) => r.status === 'rejected' && (r.reason as { kind: string }).kind === 'credits_exhausted')).toHaveLength(7);
    });

    it('When the next period begins, then the credits are whole again without anything having run; a bigger plan gives more at once', async () => {
      const seller = await registerSeller(t.app);
      await t.services.aiCredits.consume(seller.tenantId, 'this-month', 10);
      const { period } = (await get(seller, '/api/subscription')).body;
      const later = aiCredits({ pool: t.services.pool, tenancy: t.services.tenancy, clock: { now: () => new Date(period.end) } });
      expect(await later.consume(seller.tenantId, 'next-month', 10)).toMatchObject({ charged: true, used: 10, left: 0, period_start: period.end });
      await putOnPlan(t.services, seller.tenantId, 'starter');
      expect(await t.services.aiCredits.consume(seller.tenantId, 'after-upgrade', 30)).toMatchObject({ used: 40, left: 0, allowed: 40 });
    });
  });
});
