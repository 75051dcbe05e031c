import type { Knex } from 'knex';

/**
 * A notification about a product names it: the SKU and title it had when the notification was
 * written, kept with the notification so the text and the fields always agree even after the
 * product is renamed. Notifications written before this name their product from the catalogue
 * as it is now. The partial index serves the unread filter, which stays small while the full
 * list keeps growing.
 * Runs once per tenant with `search_path = client_N, public`: unqualified names land in the tenant schema. It runs in one transaction with the schema's other pending migrations.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table notifications add column product_sku text, add column product_title text;
    update notifications n set product_sku = p.sku, product_title = p.title from products p where p.id = n.product_id;
    create index notifications_unread_created_idx on notifications (created_at desc) where read_at is null;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index if exists notifications_unread_created_idx;
    alter table notifications drop column if exists product_sku, drop column if exists product_title;
  `);
}
