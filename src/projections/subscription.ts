import type { Projection } from '../engine/projection';
import type { SubscriptionEvent } from '../domain/subscription/subscription';

/**
 * `subscription`: the tenant's plan, its period anchor, what billing last said and the plan end
 * scheduled, as the `subscription` stream says now (one row, created by the first event). Inline:
 * the plan-limit check in the next append transaction, and the next GET, see a change at once.
 * Guarded by the stream version, so an event applied twice changes nothing.
 */
export const subscriptionProjection: Projection = {
  name: 'subscription',
  consistency: 'inline',
  tables: ['subscription'],
  handles: ['PlanChanged', 'BillingSubscriptionUpdated', 'PlanEndScheduled', 'PlanEndUnscheduled', 'BillingPaymentFailed'],
  async apply(db, tables, events) {
    const table = tables.subscription;
    for (const recorded of events) {
      const event = { type: recorded.type, data: recorded.data } as SubscriptionEvent;
      const version = recorded.streamVersion;
      const at = recorded.recordedAt;
      // The row exists from the first event on, whichever it is (on free until a PlanChanged says otherwise).
      await db.query(`insert into ${table} (plan, updated_at, version) values ('free', $1, 0) on conflict (id) do nothing`, [at]);
      switch (event.type) {
        case 'PlanChanged':
          await db.query(`update ${table} set plan = $1, period_anchor = $2, scheduled_plan = null, scheduled_at = null, scheduled_reason = null, updated_at = $3, version = $4 where version < $4`, [
            event.data.plan,
            event.data.period_anchor,
            event.data.changed_at,
            version,
          ]);
          break;
        case 'BillingSubscriptionUpdated': {
          const d = event.data;
          await db.query(
            `update ${table} set billing_provider = $1, customer_id = $2, subscription_id = $3, billing_status = $4, current_period_end = $5, cancel_at_period_end = $6, updated_at = $7, version = $8 where version < $8`,
            [d.provider, d.customer_id, d.subscription_id, d.status, d.current_period_end, d.cancel_at_period_end, d.provider_event_at, version],
          );
          break;
        }
        case 'PlanEndScheduled':
          await db.query(`update ${table} set scheduled_plan = $1, scheduled_at = $2, scheduled_reason = $3, updated_at = $4, version = $5 where version < $5`, [
            event.data.plan,
            event.data.effective_at,
            event.data.reason,
            event.data.scheduled_at,
            version,
          ]);
          break;
        case 'PlanEndUnscheduled':
          await db.query(`update ${table} set scheduled_plan = null, scheduled_at = null, scheduled_reason = null, updated_at = $1, version = $2 where version < $2`, [event.data.unscheduled_at, version]);
          break;
        case 'BillingPaymentFailed':
          await db.query(`update ${table} set updated_at = $1, version = $2 where version < $2`, [event.data.failed_at, version]);
          break;
        default: {
          const never: never = event;
          throw new Error(`Unhandled subscription event ${(never as { type: string }).type}`);
        }
      }
    }
  },
};
