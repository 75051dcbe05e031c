/*
 * The product and marketplace caps of the tenant's plan, checked twice: by the handlers before
 * any work (`planLimits`, a friendly early 403), and in the append transaction (`planLimitsGuard`)
 * under the tenant's append lock, where appends of a tenant take turns: the guard reads the usage
 * as the read models hold it before this append and refuses what would go past the cap, so of
 * two creations racing for the last slot exactly one is kept. Archived and sold products do not
 * count; a marketplace counts while connected. A plan lowered below its usage refuses additions
 * only: what exists stays readable, editable and archivable.
 */
import type { InlineGuard } from '../engine/projection';
import type { Queryable } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import { checkLimit, describeRefusal, type LimitRefusal } from '../domain/subscription/plans';
import { PlanLimitError } from '../shared/errors';
import type { PlanLimits } from '../shared/plan-limits';
import { limitsSnapshot, planInForce } from './tenant-plan';

const FIELD = { max_products: 'products', max_marketplaces: 'marketplace', ai_credits_per_month: 'credits' } as const;

export function planLimitError(refusal: LimitRefusal): PlanLimitError {
  return new PlanLimitError(describeRefusal(refusal), FIELD[refusal.limit], refusal);
}

async function refusalFor(db: Queryable, schema: string, now: Date, adding: { products: number; marketplaces: readonly string[] }): Promise<LimitRefusal | null> {
  const { plans, row, usage } = await limitsSnapshot(db, schema);
  const plan = planInForce(plans, row, now);
  const newMarketplaces = [...new Set(adding.marketplaces)].filter((m) => !usage.marketplaces.includes(m));
  return checkLimit(plans, plan, 'max_products', usage.products, adding.products) ?? checkLimit(plans, plan, 'max_marketplaces', usage.marketplaces.length, newMarketplaces.length);
}

/** The check inside the append transaction (PostgreSQL): it sees the append's own events, before the read models move. */
export const planLimitsGuard: InlineGuard = {
  name: 'plan_limits',
  handles: ['ProductCreated', 'MarketplaceConnected'],
  async check(db, schema, events) {
    const products = events.filter((e) => e.type === 'ProductCreated').length;
    const marketplaces = events.filter((e) => e.type === 'MarketplaceConnected').map((e) => (e.data as { marketplace: string }).marketplace);
    // The time of the append itself: the plan in force when the events are stored.
    const at = events[events.length - 1]!.recordedAt;
    const refusal = await refusalFor(db, schema, at, { products, marketplaces });
    if (refusal) throw planLimitError(refusal);
  },
};

/** The early check handlers make, on the read models as they are now. */
export function planLimits(db: Queryable, tenancy: Tenancy, now: () => Date): PlanLimits {
  const check = async (tenant: number, adding: { products: number; marketplaces: readonly string[] }) => {
    const refusal = await refusalFor(db, tenancy.schema(tenant), now(), adding);
    if (refusal) throw planLimitError(refusal);
  };
  return {
    assertProductRoom: (tenant, count = 1) => check(tenant, { products: count, marketplaces: [] }),
    assertMarketplaceRoom: (tenant, marketplace) => check(tenant, { products: 0, marketplaces: [marketplace] }),
  };
}
