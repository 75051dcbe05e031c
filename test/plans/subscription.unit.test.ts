import { subscriptionDecider, type BillingSnapshot, type SubscriptionEvent, type SubscriptionState } from '../../src/domain/subscription/subscription';

const PLANS = ['free', 'starter', 'pro', 'business'];
const NOW = new Date('2026-03-10T12:00:00Z');
const PERIOD_END = new Date('2026-04-01T00:00:00Z');

const given = (events: SubscriptionEvent[]): SubscriptionState => events.reduce(subscriptionDecider.evolve, subscriptionDecider.initialState);
const types = (events: SubscriptionEvent[]) => events.map((e) => e.type);

function snapshot(fields: Partial<BillingSnapshot> = {}): BillingSnapshot {
  return {
    provider: 'stripe',
    event_id: 'evt_1',
    event_at: new Date('2026-03-10T11:59:00Z'),
    customer_id: 'cus_1',
    subscription_id: 'sub_1',
    status: 'active',
    plan: 'pro',
    period_anchor: new Date('2026-03-01T00:00:00Z'),
    current_period_end: PERIOD_END,
    cancel_at_period_end: false,
    ...fields,
  };
}
const sync = (state: SubscriptionState, fields: Partial<BillingSnapshot> = {}, now = NOW) => subscriptionDecider.decide({ type: 'SyncBillingSubscription', snapshot: snapshot(fields), known_plans: PLANS, now }, state);
const onPro = () => given(sync(subscriptionDecider.initialState));

describe('The subscription decider', () => {
  describe('Given no subscription stream (free since registration)', () => {
    it('When an operator changes the plan, then PlanChanged names both plans and keeps the periods’ anchor', () => {
      const events = subscriptionDecider.decide({ type: 'ChangePlan', plan: 'business', known_plans: PLANS, reason: 'partner', now: NOW }, subscriptionDecider.initialState);
      expect(events).toEqual([{ type: 'PlanChanged', data: { plan: 'business', previous_plan: 'free', source: 'operator', reason: 'partner', period_anchor: null, changed_at: NOW.toISOString() } }]);
    });

    it('When the plan is the one in force, then nothing is recorded; an unknown plan is refused naming plan', () => {
      expect(subscriptionDecider.decide({ type: 'ChangePlan', plan: 'free', known_plans: PLANS, reason: null, now: NOW }, subscriptionDecider.initialState)).toEqual([]);
      expect(() => subscriptionDecider.decide({ type: 'ChangePlan', plan: 'gold', known_plans: PLANS, reason: null, now: NOW }, subscriptionDecider.initialState)).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field: 'plan' })] }));
    });

    it('When billing reports an active subscription, then its state is recorded and the plan changes, anchored on the billing cycle', () => {
      const events = sync(subscriptionDecider.initialState);
      expect(types(events)).toEqual(['BillingSubscriptionUpdated', 'PlanChanged']);
      expect(events[1]!.data).toMatchObject({ plan: 'pro', previous_plan: 'free', source: 'billing', period_anchor: '2026-03-01T00:00:00.000Z' });
    });

    it('When billing reports a subscription whose first payment is not made (incomplete), then no plan is granted', () => {
      expect(types(sync(subscriptionDecider.initialState, { status: 'incomplete' }))).toEqual(['BillingSubscriptionUpdated']);
    });

    it('When the price names no plan, then it is refused naming plan', () => {
      expect(() => sync(subscriptionDecider.initialState, { plan: 'gold' })).toThrow(expect.objectContaining({ code: 'unknown_plan', field: 'plan' }));
    });
  });

  describe('Given a paid pro subscription', () => {
    it('When the same state is reported again, then nothing is recorded', () => {
      expect(sync(onPro(), { event_id: 'evt_2' })).toEqual([]);
    });

    it('When it becomes past_due, then the move to free is scheduled for the end of the paid period and pro stays until then', () => {
      const events = sync(onPro(), { status: 'past_due', event_id: 'evt_2', event_at: new Date('2026-03-10T11:59:30Z') });
      expect(types(events)).toEqual(['BillingSubscriptionUpdated', 'PlanEndScheduled']);
      expect(events[1]!.data).toMatchObject({ plan: 'free', effective_at: PERIOD_END.toISOString(), reason: 'subscription_past_due' });
      expect(given([...sync(subscriptionDecider.initialState), ...events]).plan).toBe('pro');
    });

    it('When payment comes through after past_due, then the scheduled end is withdrawn', () => {
      const lapsing = given([...sync(subscriptionDecider.initialState), ...sync(onPro(), { status: 'past_due', event_id: 'evt_2' })]);
      expect(types(sync(lapsing, { status: 'active', event_id: 'evt_3', event_at: new Date('2026-03-10T11:59:50Z') }))).toEqual(['BillingSubscriptionUpdated', 'PlanEndUnscheduled']);
    });

    it('When it is canceled with the period over, then the tenant is on free at once; canceled mid-period, at its end', () => {
      const over = sync(onPro(), { status: 'canceled', current_period_end: new Date('2026-03-10T00:00:00Z'), event_id: 'evt_2' });
      expect(types(over)).toEqual(['BillingSubscriptionUpdated', 'PlanChanged']);
      expect(over[1]!.data).toMatchObject({ plan: 'free', previous_plan: 'pro', source: 'billing', reason: 'subscription_canceled' });
      const midway = sync(onPro(), { status: 'canceled', event_id: 'evt_3' });
      expect(types(midway)).toEqual(['BillingSubscriptionUpdated', 'PlanEndScheduled']);
    });

    it('When cancel_at_period_end is set, then the end is scheduled at the period end', () => {
      const events = sync(onPro(), { cancel_at_period_end: true, event_id: 'evt_2' });
      expect(events[1]).toMatchObject({ type: 'PlanEndScheduled', data: { effective_at: PERIOD_END.toISOString(), reason: 'cancel_at_period_end' } });
    });

    it('When an older event arrives after a newer one, then it changes nothing', () => {
      expect(sync(onPro(), { status: 'past_due', event_id: 'evt_0', event_at: new Date('2026-03-01T00:00:00Z') })).toEqual([]);
    });

    it('When another, older subscription of the tenant ends, then the current one is untouched; a new paid one replaces it', () => {
      expect(sync(onPro(), { subscription_id: 'sub_old', status: 'canceled', event_id: 'evt_9' })).toEqual([]);
      expect(types(sync(onPro(), { subscription_id: 'sub_2', plan: 'business', event_id: 'evt_10' }))).toEqual(['BillingSubscriptionUpdated', 'PlanChanged']);
    });

    it('When a payment fails, then it is recorded and the move to free is scheduled for the period end', () => {
      const events = subscriptionDecider.decide(
        { type: 'RecordPaymentFailure', failure: { provider: 'stripe', event_id: 'evt_4', event_at: NOW, customer_id: 'cus_1', subscription_id: 'sub_1', invoice_id: 'in_1', attempt_count: 1, next_payment_attempt: null }, now: NOW },
        onPro(),
      );
      expect(types(events)).toEqual(['BillingPaymentFailed', 'PlanEndScheduled']);
      expect(events[1]!.data).toMatchObject({ effective_at: PERIOD_END.toISOString(), reason: 'payment_failed' });
    });

    it('When the scheduled end has passed and an operator sets pro again, then PlanChanged clears the schedule', () => {
      const lapsed = given([...sync(subscriptionDecider.initialState), ...sync(onPro(), { status: 'past_due', event_id: 'evt_2' })]);
      const later = new Date('2026-04-02T00:00:00Z');
      const events = subscriptionDecider.decide({ type: 'ChangePlan', plan: 'pro', known_plans: PLANS, reason: null, now: later }, lapsed);
      expect(types(events)).toEqual(['PlanChanged']);
      expect(given([...sync(subscriptionDecider.initialState), ...sync(onPro(), { status: 'past_due', event_id: 'evt_2' }), ...events]).scheduled).toBeNull();
    });
  });
});
