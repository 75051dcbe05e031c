/*
 * What billing needs outside any tenant (public migration 0010): which tenant a billing
 * provider's customer pays for, remembered from the first event that named both, so later events
 * that only name the customer (an invoice) find the tenant; and which provider events were
 * handled, so a delivery seen before is answered without acting again.
 */
import type { Queryable } from './db/postgres';

export interface BillingRecords {
  /** The tenant the customer pays for; an attempt to move a customer to another tenant is refused (false). */
  link(provider: string, customerId: string, tenant: number): Promise<boolean>;
  tenantOf(provider: string, customerId: string): Promise<number | null>;
  tenantExists(tenant: number): Promise<boolean>;
  /** The outcome of an event handled before, or null. */
  handled(provider: string, eventId: string): Promise<string | null>;
  record(provider: string, eventId: string, type: string, tenant: number | null, outcome: string): Promise<void>;
}

export function createBillingRecords(db: Queryable, now: () => Date): BillingRecords {
  return {
    async link(provider, customerId, tenant) {
      const { rows } = await db.query<{ tenant_id: number }>(
        `with added as (insert into public.billing_customers (provider, customer_id, tenant_id, linked_at) values ($1, $2, $3, $4) on conflict do nothing returning tenant_id)
         select tenant_id from added union all select tenant_id from public.billing_customers where provider = $1 and customer_id = $2 limit 1`,
        [provider, customerId, tenant, now()],
      );
      return rows[0]?.tenant_id === tenant;
    },
    async tenantOf(provider, customerId) {
      const { rows } = await db.query<{ tenant_id: number }>('select tenant_id from public.billing_customers where provider = $1 and customer_id = $2', [provider, customerId]);
      return rows[0]?.tenant_id ?? null;
    },
    async tenantExists(tenant) {
      return (await db.query('select 1 from public.tenants where id = $1', [tenant])).rowCount === 1;
    },
    async handled(provider, eventId) {
      const { rows } = await db.query<{ outcome: string }>('select outcome from public.billing_events where provider = $1 and event_id = $2', [provider, eventId]);
      return rows[0]?.outcome ?? null;
    },
    async record(provider, eventId, type, tenant, outcome) {
      await db.query('insert into public.billing_events (provider, event_id, type, tenant_id, outcome, received_at) values ($1, $2, $3, $4, $5, $6) on conflict do nothing', [provider, eventId, type, tenant, outcome, now()]);
    },
  };
}
