/*
 * The plans and the rules of their limits, pure: what a plan allows, whether one more product or
 * marketplace fits, and which plan would allow what the seller asked for. The plans themselves
 * are data (public.plans, changed by migrations), handed in by whoever decides.
 */

export const LIMITS = ['max_products', 'max_marketplaces', 'ai_credits_per_month'] as const;
export type Limit = (typeof LIMITS)[number];

export interface Plan {
  code: string;
  name: string;
  /** Plans in order of what they allow: free 0, then upwards. */
  rank: number;
  /** Null: unlimited. */
  max_products: number | null;
  max_marketplaces: number | null;
  ai_credits_per_month: number;
}

export const FREE_PLAN_CODE = 'free';

/** What a plan-limit refusal says: the limit, what the plan allows, what is in use, and the first plan that would allow it. */
export interface LimitRefusal {
  limit: Limit;
  plan: string;
  allowed: number;
  usage: number;
  requested: number;
  /** The lowest plan whose limit takes usage + requested; null when none does. */
  upgrade_to: string | null;
}

function allows(plan: Plan, limit: Limit, total: number): boolean {
  const allowed = plan[limit];
  return allowed === null || total <= allowed;
}

/** The lowest-ranked plan above `current` that takes `total` of `limit`. */
export function planAllowing(plans: readonly Plan[], current: Plan, limit: Limit, total: number): Plan | null {
  return [...plans].sort((a, b) => a.rank - b.rank).find((p) => p.rank > current.rank && allows(p, limit, total)) ?? null;
}

/**
 * Whether `requested` more of a capped resource fit the plan, given what is in use. A plan that
 * was lowered below the usage (a downgrade) refuses additions only: nothing in use is taken away.
 */
export function checkLimit(plans: readonly Plan[], plan: Plan, limit: Limit, usage: number, requested: number): LimitRefusal | null {
  if (requested <= 0 || allows(plan, limit, usage + requested)) return null;
  return { limit, plan: plan.code, allowed: plan[limit] ?? 0, usage, requested, upgrade_to: planAllowing(plans, plan, limit, usage + requested)?.code ?? null };
}

const NOUNS: Record<Limit, [string, string]> = {
  max_products: ['active product', 'active products'],
  max_marketplaces: ['connected marketplace', 'connected marketplaces'],
  ai_credits_per_month: ['AI credit a month', 'AI credits a month'],
};

/** The refusal in the seller's words. */
export function describeRefusal(r: LimitRefusal): string {
  const [one, many] = NOUNS[r.limit];
  const upgrade = r.upgrade_to ? `; the ${r.upgrade_to} plan allows it` : '';
  return `The ${r.plan} plan allows ${r.allowed} ${r.allowed === 1 ? one : many}; ${r.usage} in use${upgrade}`;
}

/** A plan change that is due: the scheduled plan once its time has come, the recorded plan before. */
export function effectivePlanCode(state: { plan: string; scheduled: { plan: string; at: string } | null }, now: Date): string {
  return state.scheduled && new Date(state.scheduled.at).getTime() <= now.getTime() ? state.scheduled.plan : state.plan;
}
