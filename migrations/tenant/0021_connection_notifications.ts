import type { Knex } from 'knex';

/**
 * Whether a marketplace pushes a connected account's orders to Stoflow (eBay's Notification API):
 * `{status: pending|subscribed|unavailable, topics, subscribed_at, reason}`, null where Stoflow does
 * not subscribe per account (Etsy's webhook is registered once on Etsy's portal; Vinted reports
 * through the extension). Rows connected before this column existed start `pending`, and are
 * asked again by the periodic check.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table marketplace_connections add column notifications jsonb;
    update marketplace_connections set notifications = '{"status": "pending", "topics": []}' where marketplace = 'ebay';
  `);
}
