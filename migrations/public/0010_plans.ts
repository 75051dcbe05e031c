import type { Knex } from 'knex';

/**
 * The plans a tenant can be on, seeded here and changed only by later migrations (a NULL limit is
 * unlimited), and what billing needs outside any tenant: which tenant a billing provider's
 * customer pays for (its webhooks name the customer) and which of its events were handled (a
 * provider delivers at least once). A tenant's plan itself lives in its own log (the
 * `subscription` stream) and its read model; the old `subscriptions` row written at registration
 * goes. Each account also gets a time zone: its monthly AI credits reset at the subscription's
 * anniversary in that zone.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table plans (
      code text primary key check (code ~ '^[a-z][a-z0-9_]{0,29}$'),
      name text not null,
      rank integer not null unique,
      max_products integer check (max_products >= 0),
      max_marketplaces integer check (max_marketplaces >= 0),
      ai_credits_per_month integer not null check (ai_credits_per_month >= 0)
    );
    insert into plans (code, name, rank, max_products, max_marketplaces, ai_credits_per_month) values
      ('free', 'Free', 0, 30, 2, 10),
      ('starter', 'Starter', 1, 200, 3, 40),
      ('pro', 'Pro', 2, 500, 3, 100),
      ('business', 'Business', 3, null, null, 300);

    alter table tenants add column time_zone text not null default 'Europe/Paris';

    create table billing_customers (
      provider text not null,
      customer_id text not null,
      tenant_id integer not null references tenants (id) on delete cascade,
      linked_at timestamptz not null,
      primary key (provider, customer_id)
    );
    create index billing_customers_tenant_idx on billing_customers (tenant_id);

    create table billing_events (
      provider text not null,
      event_id text not null,
      type text not null,
      tenant_id integer references tenants (id) on delete cascade,
      outcome text not null,
      received_at timestamptz not null,
      primary key (provider, event_id)
    );

    drop table subscriptions;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    create table subscriptions (
      id serial primary key,
      tenant_id integer not null unique references tenants (id) on delete cascade,
      plan text not null default 'free',
      status text not null default 'active',
      limits jsonb not null default '{}',
      started_at timestamptz not null default now()
    );
    insert into subscriptions (tenant_id, plan, limits, started_at) select id, 'free', '{}', created_at from tenants;
    drop table if exists billing_events;
    drop table if exists billing_customers;
    alter table tenants drop column if exists time_zone;
    drop table if exists plans;
  `);
}
