/*
 * The plan limits, as the write side checks them before doing the work: handlers ask, the
 * composition root answers from the plan and the read models (src/billing/plan-limits.ts). On
 * PostgreSQL the append transaction checks the same limits again under the tenant's lock, so two
 * requests racing for the last slot cannot both have it.
 */
export interface PlanLimits {
  /** Throws PlanLimitError (403) when `count` more active products do not fit the tenant's plan. */
  assertProductRoom(tenant: number, count?: number): Promise<void>;
  /** Throws PlanLimitError when connecting this marketplace would be one too many (connected already: fine). */
  assertMarketplaceRoom(tenant: number, marketplace: string): Promise<void>;
}

/** Every limit open: what tools that do not enforce plans are given. */
export const NO_PLAN_LIMITS: PlanLimits = {
  assertProductRoom: async () => undefined,
  assertMarketplaceRoom: async () => undefined,
};

/**
 * AI credits, as the AI features spend them: `consume` takes credits of the current monthly
 * period for one piece of work (named by a key, so a retried job is charged once) or throws
 * CreditsExhaustedError (402); `refund` gives a key's credits back when the work failed.
 */
export interface AiCredits {
  consume(tenant: number, key: string, credits: number): Promise<AiCreditCharge>;
  refund(tenant: number, key: string): Promise<boolean>;
}

export interface AiCreditCharge {
  key: string;
  credits: number;
  /** False when this key had been charged already (a retry): nothing more was taken. */
  charged: boolean;
  used: number;
  left: number;
  allowed: number;
  period_start: string;
  resets_at: string;
}

/** Work that costs credits: charged before, given back if it throws, kept if it succeeds. */
export async function withAiCredits<T>(credits: AiCredits, tenant: number, key: string, amount: number, work: (charge: AiCreditCharge) => Promise<T>): Promise<T> {
  const charge = await credits.consume(tenant, key, amount);
  try {
    return await work(charge);
  } catch (err) {
    await credits.refund(tenant, key);
    throw err;
  }
}
