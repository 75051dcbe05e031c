import type { Knex } from 'knex';

/**
 * Sales record the shipping on both sides: what the buyer paid the seller for it
 * (`shipping_charged_cents`) and the postage the seller paid (`shipping_paid_cents`, the former
 * `shipping_cents`); and whether they came back: `returned_at`, the refund, and whether the units
 * went back to stock (`restocked`: their cost of goods is then 0, the units' cost being stock
 * again). Net profit is gross + shipping charged − shipping paid − fees − cost of goods − refund.
 * The daily sums gain the same, and the returns of each day's sales. Every sale recorded before
 * had no shipping and no return: 0 is what it was.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table analytics_sales rename column shipping_cents to shipping_paid_cents;
    alter table analytics_sales add column shipping_charged_cents bigint not null default 0,
      add column refund_cents bigint not null default 0, add column restocked boolean not null default false, add column returned_at timestamptz;
    alter table analytics_daily rename column shipping_cents to shipping_paid_cents;
    alter table analytics_daily add column shipping_charged_cents bigint not null default 0,
      add column returns integer not null default 0, add column refunds_cents bigint not null default 0;
    drop index analytics_sales_day;
    create index analytics_sales_day on analytics_sales (day)
      include (marketplace, quantity, gross_cents, fees_cents, shipping_charged_cents, shipping_paid_cents, cost_cents, cost_known, profit_cents, days_to_sell, refund_cents, returned_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index analytics_sales_day;
    alter table analytics_daily drop column shipping_charged_cents, drop column returns, drop column refunds_cents;
    alter table analytics_daily rename column shipping_paid_cents to shipping_cents;
    alter table analytics_sales drop column shipping_charged_cents, drop column refund_cents, drop column restocked, drop column returned_at;
    alter table analytics_sales rename column shipping_paid_cents to shipping_cents;
    create index analytics_sales_day on analytics_sales (day)
      include (marketplace, quantity, gross_cents, fees_cents, shipping_cents, cost_cents, cost_known, profit_cents, days_to_sell);
  `);
}
