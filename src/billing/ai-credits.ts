/*
 * The AI credit ledger behind the AiCredits port. A charge takes credits from the monthly period
 * `now` falls in (src/domain/subscription/credit-period.ts: from the subscription's anniversary
 * in the account's time zone, so a new month's credits are there without any job having run).
 * Charges of a tenant take turns on the period's row (`for update`), so two generations can
 * never both take the last credit; a charge is keyed by its work (a reactor's idempotency key),
 * so a retry is charged once, and a refund gives exactly that charge back.
 */
import type { Clock } from '../infra/clock';
import type { TenantPools } from '../infra/db/tenant-pools';
import type { Tenancy } from '../infra/db/tenancy';
import { withTenant } from '../infra/db/tenant-transaction';
import { checkLimit } from '../domain/subscription/plans';
import { CreditsExhaustedError, ValidationError } from '../shared/errors';
import type { AiCreditCharge, AiCredits } from '../shared/plan-limits';
import { tenantPlan } from './tenant-plan';

export interface AiCreditDeps {
  pool: TenantPools;
  tenancy: Tenancy;
  clock: Clock;
}

/** Credits used in the period that starts at `start`. */
export async function creditsUsed(deps: Pick<AiCreditDeps, 'pool' | 'tenancy'>, tenant: number, start: Date): Promise<number> {
  const { rows } = await deps.pool.of(tenant).query<{ used: number }>(`select used from ${deps.tenancy.table(tenant, 'ai_credit_periods')} where period_start = $1`, [start]);
  return rows[0]?.used ?? 0;
}

export function aiCredits(deps: AiCreditDeps): AiCredits {
  return {
    async consume(tenant, key, credits) {
      if (!Number.isSafeInteger(credits) || credits < 1) throw new ValidationError([{ field: 'credits', message: 'must be a whole number, 1 or more' }]);
      if (key.length === 0 || key.length > 200) throw new ValidationError([{ field: 'key', message: 'must be 1 to 200 characters' }]);
      const now = deps.clock.now();
      // The plan and the period are read as the app; the ledger is written as the tenant.
      const { plans, plan, period } = await tenantPlan(deps.pool.of(tenant), deps.tenancy, tenant, now);
      const allowed = plan.ai_credits_per_month;
      return withTenant(deps.pool, deps.tenancy, tenant, async (tx): Promise<AiCreditCharge> => {
        await tx.query('insert into ai_credit_periods (period_start, used) values ($1, 0) on conflict do nothing', [period.start]);
        const used = (await tx.query<{ used: number }>('select used from ai_credit_periods where period_start = $1 for update', [period.start])).rows[0]!.used;
        const answer = (charged: boolean, total: number): AiCreditCharge => ({ key, credits, charged, used: total, left: Math.max(0, allowed - total), allowed, period_start: period.start.toISOString(), resets_at: period.end.toISOString() });
        const existing = (await tx.query<{ period_start: Date; refunded_at: Date | null }>('select period_start, refunded_at from ai_credit_charges where key = $1', [key])).rows[0];
        // Charged already (a retry of the same work): nothing more is taken.
        if (existing && existing.refunded_at === null) return answer(false, used);
        const refusal = checkLimit(plans, plan, 'ai_credits_per_month', used, credits);
        if (refusal) {
          const left = Math.max(0, allowed - used);
          throw new CreditsExhaustedError(
            `The ${plan.code} plan gives ${allowed} AI credits a month; ${left} left, ${credits} needed. They reset on ${period.end.toISOString()}${refusal.upgrade_to ? `; the ${refusal.upgrade_to} plan gives more` : ''}`,
            { limit: 'ai_credits_per_month', plan: plan.code, allowed, used, left, requested: credits, resets_at: period.end.toISOString(), upgrade_to: refusal.upgrade_to },
          );
        }
        await tx.query(
          `insert into ai_credit_charges (key, period_start, credits, charged_at, refunded_at) values ($1, $2, $3, $4, null)
           on conflict (key) do update set period_start = excluded.period_start, credits = excluded.credits, charged_at = excluded.charged_at, refunded_at = null`,
          [key, period.start, credits, now],
        );
        await tx.query('update ai_credit_periods set used = used + $2 where period_start = $1', [period.start, credits]);
        return answer(true, used + credits);
      });
    },

    async refund(tenant, key) {
      const now = deps.clock.now();
      return withTenant(deps.pool, deps.tenancy, tenant, async (tx) => {
        const { rows } = await tx.query<{ period_start: Date; credits: number }>('update ai_credit_charges set refunded_at = $2 where key = $1 and refunded_at is null returning period_start, credits', [key, now]);
        const charge = rows[0];
        if (!charge) return false;
        await tx.query('update ai_credit_periods set used = greatest(0, used - $2) where period_start = $1', [charge.period_start, charge.credits]);
        return true;
      });
    },
  };
}
