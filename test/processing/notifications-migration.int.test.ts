import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { tenantMigrations } from '../../migrations/tenant';
import { migrateSchemaInTransaction } from '../../src/infra/db/migrator';
import { testKnex } from '../support/db';

/**
 * Tenant migration 0004 on a schema that already has notifications: they get the SKU and title of
 * their product from the catalogue. Run in a transaction that is rolled back, on a scratch schema.
 */
describe('migration 0004: notifications name their product', () => {
  let knex: Knex;
  beforeAll(() => {
    knex = testKnex();
  });
  afterAll(async () => knex.destroy());

  it('When an older notification is about a product in the catalogue, then it is given that product’s SKU and title', async () => {
    const schema = `notifications_migration_${process.pid}`;
    const index = tenantMigrations.findIndex((m) => m.name === '0004_notification_products');
    expect(index).toBeGreaterThan(0);
    const trx = await knex.transaction();
    try {
      await migrateSchemaInTransaction(trx, schema, tenantMigrations.slice(0, index));
      const [known, gone] = [randomUUID(), randomUUID()];
      await trx.raw(
        `insert into "${schema}".products (id, sku, title, price_cents, stock_quantity, category, condition, status, version, created_at, updated_at, representation)
         values (?, 'PULL-7', 'Pull marin', 2500, 0, 'women-t-shirts', 'very_good', 'sold', 2, now(), now(), '{}')`,
        [known],
      );
      await trx.raw(
        `insert into "${schema}".notifications (id, idempotency_key, kind, product_id, title, body)
         values (?, 'a', 'stock_depleted', ?, 'Sold out', 'The last unit of this product was sold.'),
                (?, 'b', 'stock_depleted', ?, 'Sold out', 'The last unit of this product was sold.'),
                (?, 'c', 'welcome', null, 'Welcome', 'Hello')`,
        [randomUUID(), known, randomUUID(), gone, randomUUID()],
      );

      expect(await migrateSchemaInTransaction(trx, schema, tenantMigrations)).toEqual(tenantMigrations.slice(index).map((m) => m.name));

      const { rows } = await trx.raw(`select idempotency_key, product_sku, product_title from "${schema}".notifications order by idempotency_key`);
      expect(rows).toEqual([
        { idempotency_key: 'a', product_sku: 'PULL-7', product_title: 'Pull marin' },
        { idempotency_key: 'b', product_sku: null, product_title: null },
        { idempotency_key: 'c', product_sku: null, product_title: null },
      ]);
    } finally {
      await trx.rollback();
    }
  });
});
