import type { Knex } from 'knex';

/**
 * Sales record the shipping on both sides: what the buyer paid the seller for it
 * (`shipping_charged_cents`) and the postage the seller paid (`shipping_paid_cents`, the former
 * `shipping_cents`). Net profit is gross + shipping charged − shipping paid − fees − cost of
 * goods. Every sale recorded before had no shipping: 0 on both sides is what it was.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table analytics_sales rename column shipping_cents to shipping_paid_cents;
    alter table analytics_sales add column shipping_charged_cents bigint not null default 0;
    alter table analytics_daily rename column shipping_cents to shipping_paid_cents;
    alter table analytics_daily add column shipping_charged_cents bigint not null default 0;
    drop index analytics_sales_day;
    create index analytics_sales_day on analytics_sales (day)
      include (marketplace, quantity, gross_cents, fees_cents, shipping_charged_cents, shipping_paid_cents, cost_cents, cost_known, profit_cents, days_to_sell);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index analytics_sales_day;
    alter table analytics_daily drop column shipping_charged_cents;
    alter table analytics_daily rename column shipping_paid_cents to shipping_cents;
    alter table analytics_sales drop column shipping_charged_cents;
    alter table analytics_sales rename column shipping_paid_cents to shipping_cents;
    create index analytics_sales_day on analytics_sales (day)
      include (marketplace, quantity, gross_cents, fees_cents, shipping_cents, cost_cents, cost_known, profit_cents, days_to_sell);
  `);
}
