import { randomUUID } from 'node:crypto';
import { createPostgresEventStore } from '../../src/eventstore/postgres-event-store';
import { createTenantSchema } from '../../src/infra/db/migrator';
import { createTenancy } from '../../src/infra/db/tenancy';
import { testKnex, testPool, testTenancy } from '../support/db';

describe('Tenancy: where each tenant’s tables are', () => {
  it('builds schema and table names from the prefix it is given, and reads them back', () => {
    const shops = createTenancy('shop_');
    expect(shops.schema(7)).toBe('shop_7');
    expect(shops.table(7, 'products')).toBe('"shop_7"."products"');
    expect(shops.tenantOf('shop_7')).toBe(7);
    expect(shops.tenantOf('client_7')).toBeNull();
    expect(shops.tenantOf('shop_07')).toBeNull();
    expect(testTenancy.tenantOf('shop_7')).toBeNull();
  });

  it('refuses a prefix, a tenant id or a table name that could not be a plain identifier', () => {
    expect(() => createTenancy('Shop-"x')).toThrow(/Invalid tenant schema prefix/);
    expect(() => testTenancy.schema(0)).toThrow(/Invalid tenant id/);
    expect(() => testTenancy.schema(1.5)).toThrow(/Invalid tenant id/);
    expect(() => testTenancy.table(1, 'products"; drop')).toThrow(/Invalid table name/);
  });

  describe('two prefixes in one process', () => {
    const knex = testKnex();
    const pool = testPool(4);
    const shops = createTenancy(`shop${Math.floor(Math.random() * 1e6)}_`);
    // An id no registered tenant has: the schema exists only under the second prefix.
    const tenant = 2_000_000_000 + Math.floor(Math.random() * 100_000_000);
    afterAll(async () => {
      await pool.query(`drop schema if exists "${shops.schema(tenant)}" cascade`);
      await pool.end();
      await knex.destroy();
    });

    it('keeps each store in the schemas of its own prefix: nothing is shared through a module setting', async () => {
      await knex.transaction((trx) => createTenantSchema(trx, shops, tenant));
      const shopStore = createPostgresEventStore({ pool, tenancy: shops });
      const clientStore = createPostgresEventStore({ pool, tenancy: testTenancy });
      try {
        const stream = `product-${randomUUID()}`;
        await shopStore.append(tenant, stream, [{ id: randomUUID(), type: 'ProductCreated', data: { title: 'Veste' } }], 'no_stream');
        expect((await shopStore.readStream(tenant, stream)).map((e) => e.type)).toEqual(['ProductCreated']);
        const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from ${shops.table(tenant, 'events')}`);
        expect(rows[0]!.n).toBe(1);
        // The same tenant id under the default prefix names a schema that does not exist.
        await expect(clientStore.readStream(tenant, stream)).rejects.toMatchObject({ code: '42P01' });
      } finally {
        await shopStore.close();
        await clientStore.close();
      }
    });
  });
});
