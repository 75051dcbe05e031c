/*
 * ChangePlan: an operator puts a tenant on a plan (`stoflow plan set`), recorded on the tenant's
 * `subscription` stream with the operator as the actor. The monthly periods keep their
 * anniversary; the new limits apply from the next request. A plan the tenant is on already
 * changes nothing.
 */
import { SUBSCRIPTION_STREAM, subscriptionDecider, type SubscriptionState } from '../../domain/subscription/subscription';
import { runCommand, type CommandMetadata } from '../command';
import type { SubscriptionDeps } from './deps';

export interface ChangePlanInput {
  plan: string;
  reason?: string | null;
}

export interface PlanChangeOutcome {
  plan: string;
  previous_plan: string;
  changed: boolean;
  version: number;
  state: SubscriptionState;
}

export async function changePlan(deps: SubscriptionDeps, tenant: number, input: ChangePlanInput, metadata: CommandMetadata): Promise<PlanChangeOutcome> {
  const outcome = await runCommand(
    deps,
    tenant,
    { stream: SUBSCRIPTION_STREAM, decider: subscriptionDecider, command: { type: 'ChangePlan', plan: input.plan, known_plans: await deps.planCodes(), reason: input.reason ?? null, now: deps.clock.now() } },
    metadata,
  );
  const before = outcome.events.length > 0 ? outcome.events[0]!.data : null;
  return {
    plan: outcome.state.plan,
    previous_plan: before && 'previous_plan' in before ? before.previous_plan : outcome.state.plan,
    changed: outcome.events.length > 0,
    version: outcome.version,
    state: outcome.state,
  };
}
