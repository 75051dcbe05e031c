/*
 * A tenant's subscription: which plan it is on, since when its monthly periods are counted, and
 * what the billing provider last said about it. One stream per tenant (`subscription`); a tenant
 * with no stream is on the free plan since its registration. Every change of plan is an event
 * (an operator's choice, or the billing provider's word); a subscription that stops being paid
 * is not cut at once: the move to free is scheduled for the end of the period already paid for,
 * and from then on the plan is computed as free, whether or not anything was recorded then.
 */
import { DomainRuleError, ValidationError } from '../../shared/errors';
import type { Decider, DomainEvent } from '../shared/decider';
import { effectivePlanCode, FREE_PLAN_CODE } from './plans';

export const SUBSCRIPTION_STREAM = 'subscription';

export type PlanChangeSource = 'operator' | 'billing';

export type PlanChanged = DomainEvent<
  'PlanChanged',
  {
    plan: string;
    previous_plan: string;
    source: PlanChangeSource;
    reason: string | null;
    /** When monthly periods are counted from; null: the tenant's registration. */
    period_anchor: string | null;
    changed_at: string;
  }
>;

/** What the billing provider says the subscription is, each time that changes. */
export type BillingSubscriptionUpdated = DomainEvent<
  'BillingSubscriptionUpdated',
  {
    provider: string;
    customer_id: string;
    subscription_id: string;
    status: string;
    /** The plan the subscription pays for (its price), whatever its status. */
    plan: string;
    current_period_end: string | null;
    cancel_at_period_end: boolean;
    provider_event_id: string;
    provider_event_at: string;
  }
>;

export type PlanEndScheduled = DomainEvent<'PlanEndScheduled', { plan: string; effective_at: string; reason: string; scheduled_at: string }>;
export type PlanEndUnscheduled = DomainEvent<'PlanEndUnscheduled', { reason: string; unscheduled_at: string }>;
export type BillingPaymentFailed = DomainEvent<
  'BillingPaymentFailed',
  { provider: string; customer_id: string; subscription_id: string | null; invoice_id: string; attempt_count: number | null; next_payment_attempt: string | null; provider_event_id: string; failed_at: string }
>;

export type SubscriptionEvent = PlanChanged | BillingSubscriptionUpdated | PlanEndScheduled | PlanEndUnscheduled | BillingPaymentFailed;

export interface BillingState {
  provider: string;
  customer_id: string;
  subscription_id: string;
  status: string;
  plan: string;
  current_period_end: string | null;
  cancel_at_period_end: boolean;
  /** The provider's time of the last event applied: an older one, delivered late, changes nothing. */
  event_at: string;
}

export interface SubscriptionState {
  plan: string;
  period_anchor: string | null;
  billing: BillingState | null;
  scheduled: { plan: string; at: string; reason: string } | null;
}

/** What the billing provider reports about one subscription (its adapter maps the wire format to this). */
export interface BillingSnapshot {
  provider: string;
  event_id: string;
  /** When the provider created the event. */
  event_at: Date;
  customer_id: string;
  subscription_id: string;
  /** The provider's status: active, trialing, past_due, unpaid, canceled, incomplete, incomplete_expired, paused. */
  status: string;
  plan: string;
  /** From when the subscription's monthly periods count (its billing cycle anchor). */
  period_anchor: Date;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
}

export interface PaymentFailure {
  provider: string;
  event_id: string;
  event_at: Date;
  customer_id: string;
  subscription_id: string | null;
  invoice_id: string;
  attempt_count: number | null;
  next_payment_attempt: Date | null;
}

export type SubscriptionCommand =
  | { type: 'ChangePlan'; plan: string; known_plans: readonly string[]; reason: string | null; now: Date }
  | { type: 'SyncBillingSubscription'; snapshot: BillingSnapshot; known_plans: readonly string[]; now: Date }
  | { type: 'RecordPaymentFailure'; failure: PaymentFailure; now: Date };

export const initialSubscription: SubscriptionState = { plan: FREE_PLAN_CODE, period_anchor: null, billing: null, scheduled: null };

/** Paid for: the plan applies. */
const ENTITLED = new Set(['active', 'trialing']);
/** No longer paid: the plan ends with the period already paid for. */
const LAPSING = new Set(['past_due', 'unpaid', 'paused']);
const ENDED = new Set(['canceled', 'incomplete_expired']);

function requireKnown(plan: string, known: readonly string[], field: string): void {
  if (!known.includes(plan)) throw new ValidationError([{ field, message: `must be one of ${known.join(', ')}` }], true, `No plan is called ${plan}`);
}

function changed(state: SubscriptionState, plan: string, source: PlanChangeSource, reason: string | null, anchor: string | null, at: string): PlanChanged {
  return { type: 'PlanChanged', data: { plan, previous_plan: state.plan, source, reason, period_anchor: anchor, changed_at: at } };
}

function billingOf(s: BillingSnapshot): BillingState {
  return {
    provider: s.provider,
    customer_id: s.customer_id,
    subscription_id: s.subscription_id,
    status: s.status,
    plan: s.plan,
    current_period_end: s.current_period_end?.toISOString() ?? null,
    cancel_at_period_end: s.cancel_at_period_end,
    event_at: s.event_at.toISOString(),
  };
}

function sameBilling(a: BillingState | null, b: BillingState): boolean {
  return a !== null && a.provider === b.provider && a.customer_id === b.customer_id && a.subscription_id === b.subscription_id && a.status === b.status && a.plan === b.plan && a.current_period_end === b.current_period_end && a.cancel_at_period_end === b.cancel_at_period_end;
}

/** The subscription's own plan and schedule as the snapshot says, given the state before. */
function syncBilling(state: SubscriptionState, s: BillingSnapshot, now: Date): SubscriptionEvent[] {
  const at = now.toISOString();
  // Providers do not deliver in order: what is older than what was applied is history already.
  if (state.billing && state.billing.subscription_id === s.subscription_id && s.event_at.getTime() < new Date(state.billing.event_at).getTime()) return [];
  // Another subscription than the current one: a new one that is paid for replaces it; the end of an old one changes nothing.
  if (state.billing && state.billing.subscription_id !== s.subscription_id && !ENTITLED.has(s.status) && !ENDED.has(state.billing.status)) return [];

  const events: SubscriptionEvent[] = [];
  const billing = billingOf(s);
  if (!sameBilling(state.billing, billing)) {
    events.push({
      type: 'BillingSubscriptionUpdated',
      data: { provider: s.provider, customer_id: s.customer_id, subscription_id: s.subscription_id, status: s.status, plan: s.plan, current_period_end: billing.current_period_end, cancel_at_period_end: s.cancel_at_period_end, provider_event_id: s.event_id, provider_event_at: billing.event_at },
    });
  }
  const periodEnd = s.current_period_end;
  const current = effectivePlanCode(state, now);
  const schedule = (reason: string): void => {
    const effective = (periodEnd ?? now).toISOString();
    if (state.scheduled?.plan === FREE_PLAN_CODE && state.scheduled.at === effective) return;
    events.push({ type: 'PlanEndScheduled', data: { plan: FREE_PLAN_CODE, effective_at: effective, reason, scheduled_at: at } });
  };

  if (ENTITLED.has(s.status)) {
    const planChanges = current !== s.plan || state.plan !== s.plan;
    if (planChanges) events.push(changed(state, s.plan, 'billing', `subscription_${s.status}`, s.period_anchor.toISOString(), at));
    if (s.cancel_at_period_end) schedule('cancel_at_period_end');
    else if (state.scheduled && !planChanges) events.push({ type: 'PlanEndUnscheduled', data: { reason: `subscription_${s.status}`, unscheduled_at: at } });
  } else if (LAPSING.has(s.status)) {
    if (periodEnd && periodEnd.getTime() > now.getTime()) schedule(`subscription_${s.status}`);
    else if (current !== FREE_PLAN_CODE) events.push(changed(state, FREE_PLAN_CODE, 'billing', `subscription_${s.status}`, (periodEnd ?? now).toISOString(), at));
  } else if (ENDED.has(s.status)) {
    // Canceled: the period paid for is kept; at its end (or now, when it is over) the tenant is on free.
    if (periodEnd && periodEnd.getTime() > now.getTime() && current !== FREE_PLAN_CODE) schedule(`subscription_${s.status}`);
    else if (current !== FREE_PLAN_CODE || state.plan !== FREE_PLAN_CODE) events.push(changed(state, FREE_PLAN_CODE, 'billing', `subscription_${s.status}`, (periodEnd ?? now).toISOString(), at));
  }
  // `incomplete`: the first payment is not made yet; nothing is granted until it is.
  return events;
}

export const subscriptionDecider: Decider<SubscriptionCommand, SubscriptionEvent, SubscriptionState> = {
  initialState: initialSubscription,

  evolve(state, event) {
    switch (event.type) {
      case 'PlanChanged':
        return { ...state, plan: event.data.plan, period_anchor: event.data.period_anchor, scheduled: null };
      case 'BillingSubscriptionUpdated': {
        const d = event.data;
        return { ...state, billing: { provider: d.provider, customer_id: d.customer_id, subscription_id: d.subscription_id, status: d.status, plan: d.plan, current_period_end: d.current_period_end, cancel_at_period_end: d.cancel_at_period_end, event_at: d.provider_event_at } };
      }
      case 'PlanEndScheduled':
        return { ...state, scheduled: { plan: event.data.plan, at: event.data.effective_at, reason: event.data.reason } };
      case 'PlanEndUnscheduled':
        return { ...state, scheduled: null };
      case 'BillingPaymentFailed':
        return state;
      default: {
        const never: never = event;
        return never;
      }
    }
  },

  decide(command, state) {
    const at = command.now.toISOString();
    switch (command.type) {
      case 'ChangePlan': {
        requireKnown(command.plan, command.known_plans, 'plan');
        if (state.plan === command.plan && !state.scheduled) return [];
        // The periods keep their anniversary: an operator's change moves the limits, not the reset day.
        return [changed(state, command.plan, 'operator', command.reason, state.period_anchor, at)];
      }
      case 'SyncBillingSubscription': {
        const s = command.snapshot;
        if (!command.known_plans.includes(s.plan)) throw new DomainRuleError(`The subscription's price names no Stoflow plan (${s.plan})`, 'unknown_plan', 'plan');
        return syncBilling(state, s, command.now);
      }
      case 'RecordPaymentFailure': {
        const f = command.failure;
        const events: SubscriptionEvent[] = [
          {
            type: 'BillingPaymentFailed',
            data: { provider: f.provider, customer_id: f.customer_id, subscription_id: f.subscription_id, invoice_id: f.invoice_id, attempt_count: f.attempt_count, next_payment_attempt: f.next_payment_attempt?.toISOString() ?? null, provider_event_id: f.event_id, failed_at: at },
          },
        ];
        // The unpaid plan ends with the period paid for, unless a payment comes through before (the subscription is active again).
        const billing = state.billing;
        const current = effectivePlanCode(state, command.now);
        if (billing && current !== FREE_PLAN_CODE && !state.scheduled && (f.subscription_id === null || f.subscription_id === billing.subscription_id)) {
          const end = billing.current_period_end && new Date(billing.current_period_end).getTime() > command.now.getTime() ? billing.current_period_end : at;
          events.push({ type: 'PlanEndScheduled', data: { plan: FREE_PLAN_CODE, effective_at: end, reason: 'payment_failed', scheduled_at: at } });
        }
        return events;
      }
      default: {
        const never: never = command;
        return never;
      }
    }
  },
};
