import type { Knex } from 'knex';
import { up } from '../../migrations/public/0004_estimated_products_band';
import { testKnex } from '../support/db';
import { scopeToSchema } from '../../src/infra/db/tenant-transaction';

/**
 * The public migration that turns the stored counts into bands, run on a scratch copy of the
 * column inside a transaction that is rolled back: the shared test database is never touched.
 */
describe('migration 0004: estimated_products becomes a band', () => {
  let knex: Knex;
  beforeAll(() => {
    knex = testKnex();
  });
  afterAll(async () => knex.destroy());

  it('When tenants hold counts, then each becomes its band, null stays null, and only bands are accepted afterwards', async () => {
    const schema = `band_migration_${process.pid}`;
    const trx = await knex.transaction();
    try {
      await trx.raw(`create schema "${schema}"`);
      await scopeToSchema(trx, schema);
      await trx.raw('create table tenants (id integer primary key, estimated_products integer)');
      const counts = [0, 49, 50, 99, 100, 499, 500, 999, 1000, 25_000, null];
      await trx('tenants').insert(counts.map((n, id) => ({ id, estimated_products: n })));

      await up(trx);

      const rows = await trx('tenants').orderBy('id').pluck('estimated_products');
      expect(rows).toEqual(['0_50', '0_50', '50_100', '50_100', '100_500', '100_500', '500_1000', '500_1000', '1000_plus', '1000_plus', null]);
      await trx.raw('savepoint refused');
      await expect(trx('tenants').insert({ id: 99, estimated_products: '350' })).rejects.toMatchObject({ constraint: 'tenants_estimated_products_band' });
      await trx.raw('rollback to savepoint refused');
    } finally {
      await trx.rollback();
    }
  });
});
