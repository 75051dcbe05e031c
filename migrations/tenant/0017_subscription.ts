import type { Knex } from 'knex';

/**
 * `subscription`: the tenant's plan as its `subscription` stream says (one row, absent until the
 * first change: a tenant without one is on the free plan since its registration), read inline so
 * the plan-limit check in the append transaction sees the change that was just made.
 *
 * The AI credit ledger: what each piece of AI work took from a monthly period (`ai_credit_charges`,
 * one row per work key, so a retried job is charged once and a failed one can give its credits
 * back), and the running total per period (`ai_credit_periods`), the row every charge of a tenant
 * locks in turn so two charges can never both take the last credit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table subscription (
      id boolean primary key default true check (id),
      plan text not null,
      period_anchor timestamptz,
      billing_provider text,
      customer_id text,
      subscription_id text,
      billing_status text,
      current_period_end timestamptz,
      cancel_at_period_end boolean not null default false,
      scheduled_plan text,
      scheduled_at timestamptz,
      scheduled_reason text,
      updated_at timestamptz not null,
      version integer not null
    );

    create table ai_credit_periods (
      period_start timestamptz primary key,
      used integer not null check (used >= 0)
    );

    create table ai_credit_charges (
      key text primary key,
      period_start timestamptz not null,
      credits integer not null check (credits > 0),
      charged_at timestamptz not null,
      refunded_at timestamptz
    );
    create index ai_credit_charges_period_idx on ai_credit_charges (period_start);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists ai_credit_charges; drop table if exists ai_credit_periods; drop table if exists subscription');
}
