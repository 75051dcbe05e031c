import type { Knex } from 'knex';

/**
 * `tenants.estimated_products` becomes a size band (text) instead of a count: sign-up offers
 * bands, and a count given by older clients is filed under its band. Stored counts convert to
 * their band with the same bounds the API uses (lower bound included, upper excluded), and a
 * check constraint keeps the column to the five codes.
 * Runs once, in the public schema. It runs in one transaction with the schema's other pending migrations.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table tenants alter column estimated_products type text using (
      case
        when estimated_products is null then null
        when estimated_products >= 1000 then '1000_plus'
        when estimated_products >= 500 then '500_1000'
        when estimated_products >= 100 then '100_500'
        when estimated_products >= 50 then '50_100'
        else '0_50'
      end
    );
    alter table tenants add constraint tenants_estimated_products_band
      check (estimated_products in ('0_50', '50_100', '100_500', '500_1000', '1000_plus'));
  `);
}

/** Back to a count: each band becomes its lower bound, the only count it is sure to contain. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table tenants drop constraint if exists tenants_estimated_products_band;
    alter table tenants alter column estimated_products type integer using (
      case estimated_products
        when '1000_plus' then 1000
        when '500_1000' then 500
        when '100_500' then 100
        when '50_100' then 50
        when '0_50' then 0
      end
    );
  `);
}
