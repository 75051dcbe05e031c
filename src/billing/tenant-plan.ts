/*
 * The plans (public.plans) and a tenant's plan as its read model says, with what the plan is
 * measured against: the active products, the connected marketplaces, and the monthly period the
 * AI credits count in (from the subscription's anchor, or the registration, in the account's
 * time zone). Every check and every answer about plans reads them here.
 */
import type { Queryable } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import { creditPeriod, type CreditPeriod } from '../domain/subscription/credit-period';
import { effectivePlanCode, FREE_PLAN_CODE, type Plan } from '../domain/subscription/plans';
import { NotFoundError } from '../shared/errors';

const PLAN_COLUMNS = 'code, name, rank, max_products, max_marketplaces, ai_credits_per_month';

export async function loadPlans(db: Queryable): Promise<Plan[]> {
  return (await db.query<Plan>(`select ${PLAN_COLUMNS} from public.plans order by rank`)).rows;
}

/** The subscription read model's row, as a tenant without one reads (free since registration). */
export interface SubscriptionRow {
  plan: string;
  period_anchor: Date | null;
  billing_provider: string | null;
  customer_id: string | null;
  subscription_id: string | null;
  billing_status: string | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  scheduled_plan: string | null;
  scheduled_at: Date | null;
  scheduled_reason: string | null;
}

const NO_SUBSCRIPTION: SubscriptionRow = {
  plan: FREE_PLAN_CODE,
  period_anchor: null,
  billing_provider: null,
  customer_id: null,
  subscription_id: null,
  billing_status: null,
  current_period_end: null,
  cancel_at_period_end: false,
  scheduled_plan: null,
  scheduled_at: null,
  scheduled_reason: null,
};

export async function subscriptionRow(db: Queryable, schema: string): Promise<SubscriptionRow> {
  const { rows } = await db.query<SubscriptionRow>(
    `select plan, period_anchor, billing_provider, customer_id, subscription_id, billing_status, current_period_end, cancel_at_period_end, scheduled_plan, scheduled_at, scheduled_reason
       from "${schema}".subscription`,
  );
  return rows[0] ?? NO_SUBSCRIPTION;
}

/** The plan in force at `now`: the scheduled one once its time has come. */
export function planInForce(plans: readonly Plan[], row: SubscriptionRow, now: Date): Plan {
  const code = effectivePlanCode({ plan: row.plan, scheduled: row.scheduled_plan && row.scheduled_at ? { plan: row.scheduled_plan, at: row.scheduled_at.toISOString() } : null }, now);
  const plan = plans.find((p) => p.code === code) ?? plans.find((p) => p.code === FREE_PLAN_CODE);
  if (!plan) throw new Error(`No plan ${code} (and no free plan) in public.plans`);
  return plan;
}

export interface Usage {
  products: number;
  marketplaces: string[];
}

/** Products that count against the cap (neither archived nor sold) and the marketplaces connected now. */
const usageColumns = (schema: string) =>
  `(select coalesce(sum(n), 0) from "${schema}".product_counts where status not in ('archived', 'sold')) as products,
   array(select marketplace from "${schema}".marketplace_connections where status = 'connected' order by marketplace) as marketplaces`;

export async function usageOf(db: Queryable, schema: string): Promise<Usage> {
  const { rows } = await db.query<{ products: string; marketplaces: string[] }>(`select ${usageColumns(schema)}`);
  return { products: Number(rows[0]?.products ?? 0), marketplaces: rows[0]?.marketplaces ?? [] };
}

/**
 * The plans, the tenant's subscription row and its usage in one round trip: what the check in the
 * append transaction reads while it holds the tenant's lock.
 */
export async function limitsSnapshot(db: Queryable, schema: string): Promise<{ plans: Plan[]; row: SubscriptionRow; usage: Usage }> {
  const { rows } = await db.query<{ products: string; marketplaces: string[]; plans: Plan[]; row: (Omit<SubscriptionRow, 'period_anchor' | 'current_period_end' | 'scheduled_at'> & Record<'period_anchor' | 'current_period_end' | 'scheduled_at', string | null>) | null }>(
    `select ${usageColumns(schema)},
            (select json_agg(p order by p.rank) from (select ${PLAN_COLUMNS} from public.plans) p) as plans,
            (select row_to_json(s) from "${schema}".subscription s) as row`,
  );
  const r = rows[0]!;
  const date = (v: string | null) => (v === null ? null : new Date(v));
  const row = r.row ? { ...r.row, period_anchor: date(r.row.period_anchor), current_period_end: date(r.row.current_period_end), scheduled_at: date(r.row.scheduled_at) } : NO_SUBSCRIPTION;
  return { plans: r.plans ?? [], row, usage: { products: Number(r.products), marketplaces: r.marketplaces } };
}

export interface TenantPlan {
  plans: Plan[];
  plan: Plan;
  row: SubscriptionRow;
  timeZone: string;
  /** The AI credits' period at `now`. */
  period: CreditPeriod;
}

export async function tenantPlan(db: Queryable, tenancy: Tenancy, tenant: number, now: Date): Promise<TenantPlan> {
  const schema = tenancy.schema(tenant);
  const [plans, row, account] = await Promise.all([
    loadPlans(db),
    subscriptionRow(db, schema),
    db.query<{ time_zone: string; created_at: Date }>('select time_zone, created_at from public.tenants where id = $1', [tenant]),
  ]);
  const tenantRow = account.rows[0];
  if (!tenantRow) throw new NotFoundError('Tenant not found', 'tenant_not_found');
  return { plans, plan: planInForce(plans, row, now), row, timeZone: tenantRow.time_zone, period: creditPeriod(row.period_anchor ?? tenantRow.created_at, tenantRow.time_zone, now) };
}
