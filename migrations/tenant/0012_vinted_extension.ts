import type { Knex } from 'knex';

/**
 * What the Vinted browser extension works from and reports to.
 *
 * - `vinted_tasks`: the queue of work for the extension (publish, update, delete, sync). Not a
 *   read model: a task's state moves as devices lease it and report on it. One task in flight at
 *   a time per tenant; the idempotency key makes enqueueing safe to repeat.
 * - `vinted_pace`: one row, the tenant's Vinted account's pace: recent writes, when the next
 *   write may go, and a pause after Vinted blocked a request. Leasing locks it, which also
 *   serialises the tenant's leases.
 * - `vinted_observations`: what the extension saw on Vinted (sales, removals, wardrobe items),
 *   raw and deduplicated, for reconciliation to consume.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table vinted_tasks (
      id uuid primary key,
      kind text not null check (kind in ('publish', 'update', 'delete', 'sync_wardrobe', 'sync_sales')),
      listing_id uuid,
      payload jsonb not null,
      idempotency_key text not null unique,
      state text not null check (state in ('queued', 'leased', 'succeeded', 'failed', 'expired', 'cancelled')),
      not_before timestamptz not null,
      lease_expires_at timestamptz,
      leased_by uuid,
      attempts integer not null default 0,
      expires_at timestamptz,
      result jsonb,
      reported_by uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index vinted_tasks_open on vinted_tasks (not_before) where state in ('queued', 'leased');
    create index vinted_tasks_by_listing on vinted_tasks (listing_id) where listing_id is not null;

    create table vinted_pace (
      account boolean primary key default true check (account),
      recent_writes timestamptz[] not null default '{}',
      next_write_at timestamptz,
      paused_until timestamptz,
      pause_reason text,
      updated_at timestamptz
    );
    insert into vinted_pace (account) values (true);

    create table vinted_observations (
      id bigint generated always as identity primary key,
      kind text not null check (kind in ('sold', 'removed', 'wardrobe')),
      vinted_item_id text not null,
      order_id text,
      dedupe_key text not null unique,
      data jsonb not null,
      observed_at timestamptz not null,
      received_at timestamptz not null,
      device_id uuid not null,
      consumed_at timestamptz
    );
    create index vinted_observations_unconsumed on vinted_observations (id) where consumed_at is null;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists vinted_observations; drop table if exists vinted_pace; drop table if exists vinted_tasks;');
}
