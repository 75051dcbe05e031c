import type { Knex } from 'knex';
import type { Migration } from '../../migrations/types';
import { tenantMigrations } from '../../migrations/tenant';
import { publicMigrations } from '../../migrations/public';
import { migrateAll, migratePublic, migrationStatus } from '../../src/infra/db/migrator';
import { createTestTenant, testKnex, testTenancy } from '../support/db';

describe('Migrations', () => {
  let knex: Knex;
  beforeAll(() => {
    knex = testKnex();
  });
  afterAll(async () => knex.destroy());

  async function tablesOf(schema: string): Promise<string[]> {
    const rows = await knex('information_schema.tables').where({ table_schema: schema }).select('table_name');
    return rows.map((r: { table_name: string }) => r.table_name).sort();
  }

  it('When public migrations run again, then nothing is applied twice', async () => {
    expect(await migratePublic(knex)).toEqual([]);
    const applied = await knex('public.schema_migrations').select('name').orderBy('name');
    expect(applied.map((r: { name: string }) => r.name)).toEqual(publicMigrations.map((m) => m.name));
  });

  it('When a tenant is created, then its schema holds every tenant migration and its tables', async () => {
    const tenant = await createTestTenant(knex);
    const tables = await tablesOf(testTenancy.schema(tenant));
    expect(tables).toEqual(expect.arrayContaining(['events', 'streams', 'checkpoints', 'schema_migrations', 'reaction_failures', 'notifications']));
    const applied = await knex.withSchema(testTenancy.schema(tenant)).select('name').from('schema_migrations').orderBy('name');
    expect(applied.map((r: { name: string }) => r.name)).toEqual(tenantMigrations.map((m) => m.name));
  });

  it('When one tenant fails to migrate, then it is reported by name, the others migrate, and a rerun resumes it', async () => {
    const [a, b, c] = [await createTestTenant(knex), await createTestTenant(knex), await createTestTenant(knex)];
    const extra: Migration = {
      name: '9999_loyalty_points',
      up: async (trx) => {
        await trx.schema.createTable('loyalty_points', (t) => {
          t.text('customer').primary();
          t.integer('points').notNullable();
        });
      },
    };
    // Tenant b already holds a conflicting table: its migration fails, the others must not care.
    await knex.raw(`create table "${testTenancy.schema(b)}".loyalty_points (id int)`);
    const migrations = [...tenantMigrations, extra];
    const progress: number[] = [];
    const first = await migrateAll(knex, testTenancy, { tenantMigrations: migrations, tenants: [a, b, c], concurrency: 3, onProgress: (done) => progress.push(done) });
    expect(first.failures).toHaveLength(1);
    expect(first.failures[0]).toMatchObject({ tenantId: b, schema: testTenancy.schema(b) });
    expect(first.failures[0]!.error).toMatch(/loyalty_points/);
    expect(first.tenantsApplied).toBe(2);
    expect(progress.sort()).toEqual([1, 2, 3]);
    expect(await tablesOf(testTenancy.schema(a))).toContain('loyalty_points');
    expect(await tablesOf(testTenancy.schema(c))).toContain('loyalty_points');

    // The failed tenant's transaction left nothing half-done.
    const bApplied = await knex.withSchema(testTenancy.schema(b)).select('name').from('schema_migrations');
    expect(bApplied.map((r: { name: string }) => r.name)).not.toContain('9999_loyalty_points');

    await knex.raw(`drop table "${testTenancy.schema(b)}".loyalty_points`);
    const second = await migrateAll(knex, testTenancy, { tenantMigrations: migrations, tenants: [a, b, c] });
    expect(second.failures).toEqual([]);
    expect(second.tenantsApplied).toBe(1);
    const third = await migrateAll(knex, testTenancy, { tenantMigrations: migrations, tenants: [a, b, c] });
    expect(third.tenantsApplied).toBe(0);
  });

  it('When the status is asked, then every schema shows what is applied and pending', async () => {
    const tenant = await createTestTenant(knex);
    const status = await migrationStatus(knex, testTenancy);
    expect(status[0]).toMatchObject({ schema: 'public', pending: [] });
    const mine = status.find((s) => s.schema === testTenancy.schema(tenant));
    expect(mine).toMatchObject({ applied: tenantMigrations.map((m) => m.name), pending: [] });
  });
});
