import type { Knex } from 'knex';
import { tenantMigrations } from '../../migrations/tenant';
import { migrateSchemaInTransaction } from '../../src/infra/db/migrator';
import { testKnex } from '../support/db';

/** Tenant migration 0005 on a schema whose counts kept emptied statuses; rolled back afterwards. */
describe('migration 0005: emptied product counts are removed', () => {
  let knex: Knex;
  beforeAll(() => {
    knex = testKnex();
  });
  afterAll(async () => knex.destroy());

  it('When a status count is stored at 0, then the migration removes it and keeps the others', async () => {
    const schema = `empty_counts_migration_${process.pid}`;
    const index = tenantMigrations.findIndex((m) => m.name === '0005_drop_empty_product_counts');
    expect(index).toBeGreaterThan(0);
    const trx = await knex.transaction();
    try {
      await migrateSchemaInTransaction(trx, schema, tenantMigrations.slice(0, index));
      await trx.raw(`insert into "${schema}".product_counts (status, n) values ('draft', 0), ('sold', 2), ('archived', 1)`);
      await migrateSchemaInTransaction(trx, schema, tenantMigrations);
      const { rows } = await trx.raw(`select status, n from "${schema}".product_counts order by status`);
      expect(rows).toEqual([
        { status: 'archived', n: 1 },
        { status: 'sold', n: 2 },
      ]);
    } finally {
      await trx.rollback();
    }
  });
});
