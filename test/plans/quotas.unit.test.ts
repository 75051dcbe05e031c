import { checkLimit, describeRefusal, effectivePlanCode, planAllowing, type Plan } from '../../src/domain/subscription/plans';

const PLANS: Plan[] = [
  { code: 'free', name: 'Free', rank: 0, max_products: 30, max_marketplaces: 2, ai_credits_per_month: 10 },
  { code: 'starter', name: 'Starter', rank: 1, max_products: 200, max_marketplaces: 3, ai_credits_per_month: 40 },
  { code: 'pro', name: 'Pro', rank: 2, max_products: 500, max_marketplaces: 3, ai_credits_per_month: 100 },
  { code: 'business', name: 'Business', rank: 3, max_products: null, max_marketplaces: null, ai_credits_per_month: 300 },
];
const [free, starter, pro, business] = PLANS as [Plan, Plan, Plan, Plan];

describe('Plan limits', () => {
  it('When the usage plus what is asked fits the cap, then nothing is refused, up to the cap itself', () => {
    expect(checkLimit(PLANS, free, 'max_products', 29, 1)).toBeNull();
    expect(checkLimit(PLANS, free, 'max_marketplaces', 1, 1)).toBeNull();
  });

  it('When one more goes past the cap, then the refusal names the limit, the usage and the next plan that takes it', () => {
    expect(checkLimit(PLANS, free, 'max_products', 30, 1)).toEqual({ limit: 'max_products', plan: 'free', allowed: 30, usage: 30, requested: 1, upgrade_to: 'starter' });
    expect(checkLimit(PLANS, starter, 'max_products', 200, 1)).toMatchObject({ upgrade_to: 'pro' });
    expect(checkLimit(PLANS, free, 'max_marketplaces', 2, 1)).toMatchObject({ allowed: 2, usage: 2, upgrade_to: 'starter' });
  });

  it('When a cap is skipped by a plan that does not take the total, then the first plan that does is named', () => {
    // 250 products: starter stops at 200, pro takes it.
    expect(checkLimit(PLANS, free, 'max_products', 30, 220)).toMatchObject({ upgrade_to: 'pro' });
    expect(planAllowing(PLANS, free, 'max_products', 501)).toBe(business);
    expect(planAllowing(PLANS, pro, 'max_marketplaces', 4)).toBe(business);
  });

  it('When the plan is unlimited, then nothing is refused; when no plan takes it, then none is named', () => {
    expect(checkLimit(PLANS, business, 'max_products', 1_000_000, 1)).toBeNull();
    expect(checkLimit(PLANS, business, 'ai_credits_per_month', 300, 1)).toMatchObject({ upgrade_to: null });
  });

  it('When a downgraded plan is already past its cap, then only additions are refused', () => {
    expect(checkLimit(PLANS, free, 'max_products', 120, 0)).toBeNull();
    expect(checkLimit(PLANS, free, 'max_products', 120, 1)).toMatchObject({ usage: 120, allowed: 30 });
  });

  it('When a refusal is described, then it says the plan, the limit, the usage and the plan that allows it', () => {
    expect(describeRefusal({ limit: 'max_products', plan: 'free', allowed: 30, usage: 30, requested: 1, upgrade_to: 'starter' })).toBe('The free plan allows 30 active products; 30 in use; the starter plan allows it');
  });

  it('When a plan end is scheduled, then the plan in force is the old one before its time and the scheduled one from it', () => {
    const state = { plan: 'pro', scheduled: { plan: 'free', at: '2026-03-01T00:00:00.000Z' } };
    expect(effectivePlanCode(state, new Date('2026-02-28T23:59:59.999Z'))).toBe('pro');
    expect(effectivePlanCode(state, new Date('2026-03-01T00:00:00.000Z'))).toBe('free');
    expect(effectivePlanCode({ plan: 'pro', scheduled: null }, new Date('2030-01-01'))).toBe('pro');
  });
});
