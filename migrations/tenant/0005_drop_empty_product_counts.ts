import type { Knex } from 'knex';

/**
 * The products read model used to keep a `product_counts` row at 0 once a status emptied (the
 * last draft archived or sold); a rebuild never writes such rows, so `stoflow verify` reported
 * them as drift. The projection now deletes a row when its count reaches 0; this removes the
 * ones already stored, so existing tenants verify clean without a replay. A missing status
 * reads 0 everywhere the counts are used (they are summed).
 * Runs once per tenant with `search_path = client_N, public`: unqualified names land in the tenant schema. It runs in one transaction with the schema's other pending migrations.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('delete from product_counts where n = 0');
}
