import type { Knex } from 'knex';

/**
 * Reactions that failed: retried with backoff while `retrying`, then `dead` (a dead letter the
 * seller sees) or `resolved`. The triggering event is kept whole so a retry needs no log read.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table reaction_failures (
      reactor text not null,
      event_id uuid not null,
      event_position bigint not null,
      event_type text not null,
      stream_id text not null,
      event jsonb not null,
      attempts integer not null,
      status text not null check (status in ('retrying', 'dead', 'resolved')),
      last_error text not null,
      next_attempt_at timestamptz,
      first_failed_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (reactor, event_id)
    );
    create index reaction_failures_due_idx on reaction_failures (next_attempt_at) where status = 'retrying';

    create table notifications (
      id uuid primary key,
      idempotency_key text not null unique,
      kind text not null,
      product_id uuid,
      title text not null,
      body text not null,
      data jsonb not null default '{}',
      created_at timestamptz not null default now(),
      read_at timestamptz
    );
    create index notifications_created_idx on notifications (created_at desc);
  `);
}
