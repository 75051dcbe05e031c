/*
 * Reading plans: `GET /api/plans` (every plan and its limits) and `GET /api/subscription` (the
 * tenant's plan in force, its limits, what is in use against them, the AI credits of the current
 * monthly period and when they reset, and what billing says). The same summary feeds
 * `GET /api/auth/me`.
 */
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../http/route';
import type { Clock } from '../infra/clock';
import type { TenantPools } from '../infra/db/tenant-pools';
import type { Tenancy } from '../infra/db/tenancy';
import type { Plan } from '../domain/subscription/plans';
import { creditsUsed } from './ai-credits';
import { loadPlans, tenantPlan, usageOf } from './tenant-plan';

export interface SubscriptionReadDeps {
  pool: TenantPools;
  tenancy: Tenancy;
  clock: Clock;
}

const limit = z.number().int().nullable().describe('null: unlimited');
const limitsSchema = z.object({ max_products: limit, max_marketplaces: limit, ai_credits_per_month: z.number().int() });
export const planSchema = z.object({ code: z.string(), name: z.string(), rank: z.number().int(), limits: limitsSchema });

function planDto(p: Plan) {
  return { code: p.code, name: p.name, rank: p.rank, limits: { max_products: p.max_products, max_marketplaces: p.max_marketplaces, ai_credits_per_month: p.ai_credits_per_month } };
}

const subscriptionSchema = z.object({
  plan: planSchema,
  status: z.string().describe('active, or what the billing provider says (past_due, canceled…)'),
  limits: limitsSchema,
  usage: z.object({
    products: z.number().int().describe('Active products: neither archived nor sold'),
    marketplaces: z.number().int(),
    connected_marketplaces: z.array(z.string()),
    ai_credits_used: z.number().int(),
    ai_credits_left: z.number().int(),
  }),
  period: z.object({ start: z.string(), end: z.string().describe('When the AI credits reset'), time_zone: z.string() }),
  scheduled_change: z.object({ plan: z.string(), at: z.string(), reason: z.string().nullable() }).nullable(),
  billing: z
    .object({ provider: z.string(), customer_id: z.string().nullable(), subscription_id: z.string().nullable(), status: z.string().nullable(), current_period_end: z.string().nullable(), cancel_at_period_end: z.boolean() })
    .nullable(),
});

export type SubscriptionDto = z.infer<typeof subscriptionSchema>;

export async function getSubscription(deps: SubscriptionReadDeps, tenant: number): Promise<SubscriptionDto> {
  const now = deps.clock.now();
  const db = deps.pool.of(tenant);
  const [{ plan, row, period, timeZone }, usage] = await Promise.all([tenantPlan(db, deps.tenancy, tenant, now), usageOf(db, deps.tenancy.schema(tenant))]);
  const used = await creditsUsed(deps, tenant, period.start);
  const due = row.scheduled_at !== null && row.scheduled_at.getTime() <= now.getTime();
  const dto = planDto(plan);
  return {
    plan: dto,
    status: due ? 'ended' : (row.billing_status ?? 'active'),
    limits: dto.limits,
    usage: { products: usage.products, marketplaces: usage.marketplaces.length, connected_marketplaces: usage.marketplaces, ai_credits_used: used, ai_credits_left: Math.max(0, plan.ai_credits_per_month - used) },
    period: { start: period.start.toISOString(), end: period.end.toISOString(), time_zone: timeZone },
    scheduled_change: row.scheduled_plan && row.scheduled_at && !due ? { plan: row.scheduled_plan, at: row.scheduled_at.toISOString(), reason: row.scheduled_reason } : null,
    billing: row.billing_provider
      ? { provider: row.billing_provider, customer_id: row.customer_id, subscription_id: row.subscription_id, status: row.billing_status, current_period_end: row.current_period_end?.toISOString() ?? null, cancel_at_period_end: row.cancel_at_period_end }
      : null,
  };
}

export function subscriptionRoutes(deps: SubscriptionReadDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/plans',
      summary: 'The plans and their limits',
      tags: ['Plans'],
      query: z.object({}).strict(),
      responses: { 200: { description: 'Every plan, from free upwards', schema: z.object({ items: z.array(planSchema) }) } },
      handle: async () => ({ status: 200, body: { items: (await loadPlans(deps.pool)).map(planDto) } }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/subscription',
      summary: "The tenant's plan, its limits, what is in use and the AI credits of this month's period",
      tags: ['Plans'],
      query: z.object({}).strict(),
      responses: { 200: { description: 'The subscription in force now', schema: subscriptionSchema } },
      handle: async ({ auth }) => ({ status: 200, body: await getSubscription(deps, auth.tenantId) }),
    }),
  ];
}
