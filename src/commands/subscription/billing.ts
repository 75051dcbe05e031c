/*
 * What a billing provider's notice changes on the tenant's subscription stream. The event ids
 * follow from the provider's event id, so the same delivery handled twice at once appends once.
 */
import { SUBSCRIPTION_STREAM, subscriptionDecider, type SubscriptionEvent } from '../../domain/subscription/subscription';
import type { BillingPaymentFailedNotice, BillingSubscriptionNotice } from '../../shared/billing';
import { DomainRuleError } from '../../shared/errors';
import { runCommand, type CommandMetadata } from '../command';
import type { SubscriptionDeps } from './deps';

function metadataOf(provider: string, eventId: string): CommandMetadata {
  return { event: { actor: `billing:${provider}`, causation_id: eventId }, idSeed: `billing:${provider}:${eventId}` };
}

export async function syncBillingSubscription(deps: SubscriptionDeps, tenant: number, notice: BillingSubscriptionNotice): Promise<SubscriptionEvent[]> {
  if (notice.plan === null) throw new DomainRuleError("The subscription's price has no lookup key naming a Stoflow plan", 'unknown_plan', 'plan');
  const snapshot = {
    provider: notice.provider,
    event_id: notice.event_id,
    event_at: notice.event_at,
    customer_id: notice.customer_id,
    subscription_id: notice.subscription_id,
    status: notice.status,
    plan: notice.plan,
    period_anchor: notice.period_anchor,
    current_period_end: notice.current_period_end,
    cancel_at_period_end: notice.cancel_at_period_end,
  };
  const outcome = await runCommand(
    deps,
    tenant,
    { stream: SUBSCRIPTION_STREAM, decider: subscriptionDecider, command: { type: 'SyncBillingSubscription', snapshot, known_plans: await deps.planCodes(), now: deps.clock.now() } },
    metadataOf(notice.provider, notice.event_id),
  );
  return outcome.events;
}

export async function recordPaymentFailure(deps: SubscriptionDeps, tenant: number, notice: BillingPaymentFailedNotice): Promise<SubscriptionEvent[]> {
  const failure = {
    provider: notice.provider,
    event_id: notice.event_id,
    event_at: notice.event_at,
    customer_id: notice.customer_id,
    subscription_id: notice.subscription_id,
    invoice_id: notice.invoice_id,
    attempt_count: notice.attempt_count,
    next_payment_attempt: notice.next_payment_attempt,
  };
  const outcome = await runCommand(
    deps,
    tenant,
    { stream: SUBSCRIPTION_STREAM, decider: subscriptionDecider, command: { type: 'RecordPaymentFailure', failure, now: deps.clock.now() } },
    metadataOf(notice.provider, notice.event_id),
  );
  return outcome.events;
}
