import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { prepareSchema } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/infra/logger';
import { createPool, type Pool } from '../../src/infra/db/postgres';
import { withTenant } from '../../src/infra/db/tenant-transaction';
import { startTestApp, type TestApp } from '../support/app';
import { databaseUrl, testTenancy } from '../support/db';
import { productBody, registerSeller } from '../products/support';

/**
 * The service as it runs on the embedded server: requests as a role with row access only, the
 * owner (here the test server's superuser) for migrations and new tenant schemas. The role is
 * created and granted by the same schema preparation `npm start` runs.
 */
describe('The app role: rows only, no superuser, no DDL', () => {
  const role = `stoflow_app_test_${process.pid}`;
  const password = randomBytes(12).toString('base64url');
  const ownerUrl = databaseUrl();
  const appUrl = (() => {
    const url = new URL(ownerUrl);
    url.username = role;
    url.password = password;
    return url.toString();
  })();
  let t: TestApp;
  let app: Pool;
  let owner: Pool;

  beforeAll(async () => {
    const config = loadConfig({ ENVIRONMENT: 'test', DATABASE_URL: appUrl, DATABASE_OWNER_URL: ownerUrl, JWT_SECRET_KEY: 'x'.repeat(40) });
    await prepareSchema(config, { url: appUrl, ownerUrl, appPassword: password }, createLogger({ level: 'silent' }));
    t = await startTestApp({ DATABASE_URL: appUrl, DATABASE_OWNER_URL: ownerUrl });
    app = createPool(appUrl, 2, 'stoflow-test-app-role');
    owner = createPool(ownerUrl, 1, 'stoflow-test-app-role-owner');
  });
  afterAll(async () => {
    await t.close();
    await app.end();
    // Other tests create schemas meanwhile: stop granting the role on new objects first, then
    // drop its grants and the role (again, should a schema have been created in between).
    await owner.query(`alter default privileges revoke all on tables from "${role}"`);
    await owner.query(`alter default privileges revoke all on sequences from "${role}"`);
    await owner.query(`alter default privileges revoke all on schemas from "${role}"`);
    for (let attempt = 0; ; attempt++) {
      try {
        await owner.query(`begin; drop owned by "${role}"; drop role "${role}"; commit;`);
        break;
      } catch (err) {
        await owner.query('rollback');
        if (attempt >= 5) throw err;
      }
    }
    await owner.end();
  });

  it('When the service connects, then it is the app role, which is no superuser and owns nothing', async () => {
    const { rows } = await t.services.pool.query<{ user: string; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
      'select current_user as user, rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = current_user',
    );
    expect(rows[0]).toEqual({ user: role, rolsuper: false, rolcreatedb: false, rolcreaterole: false });
  });

  it('When a seller registers, creates, lists and sells as the app role, then everything works (the new schema is granted by default)', async () => {
    const seller = await registerSeller(t.app);
    const created = await request(t.app).post('/api/products').set(seller.auth).send(productBody({ stock_quantity: 1 }));
    expect(created.status).toBe(201);
    const sold = await request(t.app).post(`/api/products/${created.body.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 20, channel: 'offline' });
    expect(sold.status).toBe(201);
    const list = await request(t.app).get('/api/products').query({ status: 'sold' }).set(seller.auth);
    expect(list.body.total).toBe(1);
    const { rows } = await owner.query<{ owner: string }>(`select tableowner as owner from pg_tables where schemaname = $1 and tablename = 'products'`, [testTenancy.schema(seller.tenantId)]);
    expect(rows[0]!.owner).not.toBe(role);
  });

  it('When the app role tries DDL, then PostgreSQL refuses it: no schema, no table, no drop', async () => {
    const seller = await registerSeller(t.app);
    const schema = testTenancy.schema(seller.tenantId);
    await expect(app.query(`create schema stoflow_app_role_probe_${process.pid}`)).rejects.toMatchObject({ code: '42501' });
    await expect(app.query(`create table public.app_role_probe (id int)`)).rejects.toMatchObject({ code: '42501' });
    await expect(app.query(`drop table "${schema}".products`)).rejects.toMatchObject({ code: '42501' });
    await expect(app.query(`alter table "${schema}".events add column x int`)).rejects.toMatchObject({ code: '42501' });
    expect((await app.query(`select count(*)::int as n from "${schema}".products`)).rows[0]).toEqual({ n: 0 });
  });

  it('When the app role opens a tenant transaction, then it becomes that tenant’s role: its own rows, and no other tenant’s', async () => {
    const [one, two] = [await registerSeller(t.app), await registerSeller(t.app)];
    const mine = await withTenant(app, testTenancy, one.tenantId, (tx) => tx.query<{ user: string; n: number }>('select current_user as user, (select count(*)::int from products) as n'));
    expect(mine.rows[0]).toEqual({ user: testTenancy.schema(one.tenantId), n: 0 });
    await expect(withTenant(app, testTenancy, one.tenantId, (tx) => tx.query(`select count(*) from "${testTenancy.schema(two.tenantId)}".products`))).rejects.toMatchObject({ code: '42501' });
  });
});
