import type { Knex } from 'knex';
import { createKnex, createPool, type Pool } from '../../src/infra/db/postgres';
import { createTenant } from '../../src/infra/db/migrator';
import { createTenancy } from '../../src/infra/db/tenancy';

/** The tests' tenant schemas: the default prefix, as the test app's configuration has it. */
export const testTenancy = createTenancy();

/** The test database (started by the global setup). */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests through jest (global setup)');
  return url;
}

export function testPool(max = 10): Pool {
  return createPool(databaseUrl(), max, 'stoflow-test');
}

export function testKnex(): Knex {
  return createKnex(databaseUrl(), 4);
}

/** A fresh tenant with its own schema and every tenant migration: tests never share one. */
export async function createTestTenant(knex: Knex, name = 'Test shop'): Promise<number> {
  return knex.transaction((trx) => createTenant(trx, testTenancy, { business_name: name, account_type: 'business' }));
}
