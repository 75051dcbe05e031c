import request from 'supertest';
import type { TestApp } from '../support/app';
import { PASSWORD, registerAccount, startAccountsApp, uniqueEmail } from './support';

describe('POST /api/auth/register', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startAccountsApp();
  });
  afterAll(async () => t.close());

  const body = (fields: Record<string, unknown> = {}) => ({ email: uniqueEmail(), password: PASSWORD, full_name: 'Camille Martin', account_type: 'individual', ...fields });

  it('When a business registers, then it gets 201 with tokens, and its tenant, admin, free plan and migrated schema exist', async () => {
    const email = uniqueEmail('Shop.Owner');
    const res = await request(t.app)
      .post('/api/auth/register')
      .send({ email: `  ${email}  `, password: PASSWORD, full_name: 'Camille Martin', business_name: 'Friperie Camille', account_type: 'business', business_type: 'vintage', estimated_products: 350 });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 1440 * 60,
      user_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenant_id: expect.any(Number),
      role: 'admin',
    });
    const tenantId = res.body.tenant_id as number;
    const knex = t.services.knex;
    const tenant = await knex('public.tenants').where({ id: tenantId }).first();
    expect(tenant).toMatchObject({ business_name: 'Friperie Camille', account_type: 'business', business_type: 'vintage', estimated_products: '100_500', schema_name: `client_${tenantId}` });
    const user = await knex('public.users').where({ id: res.body.user_id }).first();
    expect(user).toMatchObject({ tenant_id: tenantId, email, role: 'admin', full_name: 'Camille Martin' });
    expect(user.password_hash).toMatch(/^\$2b\$12\$/);
    expect(user.password_hash).not.toContain(PASSWORD);
    // On free from the start, with nothing in its log: a tenant without a subscription stream is on free.
    const subscription = await request(t.app).get('/api/subscription').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(subscription.body).toMatchObject({ plan: { code: 'free' }, status: 'active', limits: { max_products: 30, max_marketplaces: 2, ai_credits_per_month: 10 } });
    expect(tenant.time_zone).toBe('Europe/Paris');
    expect(await t.services.eventStore.head(tenantId)).toBe(0n);
    const migrations = await knex(`client_${tenantId}.schema_migrations`).pluck('name');
    expect(migrations).toContain('0001_event_store');
    const events = await knex.raw(`select to_regclass('client_${tenantId}.events') as events`);
    expect(events.rows[0].events).not.toBeNull();
    const stored = await knex('public.refresh_tokens').where({ user_id: res.body.user_id }).first();
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.token_hash).not.toBe(res.body.refresh_token);
  });

  it('When an email is registered again in another case, then the answer is 409 naming email', async () => {
    const email = uniqueEmail('dupe');
    await registerAccount(t.app, { email });
    const res = await request(t.app).post('/api/auth/register').send(body({ email: ` ${email.toUpperCase()} ` }));
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: 'email_taken', errors: [{ field: 'email' }] });
    expect(await t.services.knex('public.users').whereRaw('lower(email) = ?', [email.toLowerCase()]).count('* as n')).toEqual([{ n: 1 }]);
  });

  it('When the same email registers twice at the same moment, then exactly one succeeds and the other gets 409', async () => {
    const email = uniqueEmail('race');
    const [a, b] = await Promise.all([
      request(t.app).post('/api/auth/register').send(body({ email })),
      request(t.app).post('/api/auth/register').send(body({ email: email.toUpperCase() })),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
  });

  it.each([
    ['email', { email: 'not-an-email' }],
    ['email', { email: '' }],
    ['email', { email: undefined }],
    ['password', { password: undefined }],
    ['full_name', { full_name: '   ' }],
    ['account_type', { account_type: 'company' }],
    ['estimated_products', { estimated_products: -3 }],
    ['tenant_id', { tenant_id: 1 }],
    ['role', { role: 'owner' }],
  ])('When %s is invalid or not allowed, then the answer is 400 naming it', async (field, fields) => {
    const res = await request(t.app).post('/api/auth/register').send(body(fields));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
  });

  it.each([
    ['too short', 'abc12'],
    ['without a digit', 'no-digits-here'],
    ['without a letter', '1234-5678-90'],
    ['common', 'Password123'],
    ['longer than 128 characters', 'a1'.padEnd(129, 'z')],
  ])('When the password is %s, then the answer is 422 naming password', async (_case, password) => {
    const email = uniqueEmail('weak');
    const res = await request(t.app).post('/api/auth/register').send(body({ email, password }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ status: 422, errors: [expect.objectContaining({ field: 'password' })] });
    expect(await t.services.knex('public.users').where({ email }).first()).toBeUndefined();
  });
});

describe('Registration at capacity', () => {
  it('When TENANT_MAX_SCHEMAS tenants exist, then registration answers 503 with a clear problem and creates nothing', async () => {
    const probe = await startAccountsApp();
    let t: TestApp | undefined;
    try {
      await registerAccount(probe.app); // at least one tenant exists
      const [row] = await probe.services.knex('public.tenants').count<{ n: string }[]>('* as n');
      t = await startAccountsApp({ TENANT_MAX_SCHEMAS: String(row!.n) });
      const email = uniqueEmail('full');
      const res = await request(t.app).post('/api/auth/register').send({ email, password: PASSWORD, full_name: 'Late Comer', account_type: 'individual' });
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 503, code: 'tenant_capacity_reached', detail: expect.stringMatching(/maximum number of accounts/) });
      expect(await t.services.knex('public.users').where({ email }).first()).toBeUndefined();
    } finally {
      await probe.close();
      await t?.close();
    }
  });
});

describe('Registration is all or nothing', () => {
  let t: TestApp;
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const fn = `accounts_test_fail_${tag}`;
  const seq = `accounts_test_failed_tenant_${tag}`;
  beforeAll(async () => {
    t = await startAccountsApp();
  });
  afterAll(async () => {
    await t.services.knex.raw(`drop trigger if exists ${fn} on public.refresh_tokens; drop function if exists ${fn}(); drop sequence if exists ${seq}`);
    await t.close();
  });

  it('When the last step fails, then no tenant, user or schema remains, and the same registration then succeeds', async () => {
    const knex = t.services.knex;
    const email = uniqueEmail('doomed');
    // A failure injected into the very last insert, after the tenant schema has been migrated.
    // The sequence is not transactional: it keeps the doomed tenant id through the rollback.
    await knex.raw(`
      create sequence ${seq};
      create function ${fn}() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from public.users where id = new.user_id and email = '${email}') then
          perform setval('${seq}', new.tenant_id);
          raise exception 'injected failure after the schema was created';
        end if;
        return new;
      end $$;
      create trigger ${fn} before insert on public.refresh_tokens for each row execute function ${fn}();`);
    const send = () => request(t.app).post('/api/auth/register').send({ email, password: PASSWORD, full_name: 'Doomed Seller', business_name: 'Doomed Shop', account_type: 'business' });

    const failed = await send();
    expect(failed.status).toBe(500);
    expect(JSON.stringify(failed.body)).not.toContain('injected');
    const doomedId = Number((await knex.raw(`select last_value from ${seq}`)).rows[0].last_value);
    expect(doomedId).toBeGreaterThan(0);
    expect(await knex('public.tenants').where({ id: doomedId }).first()).toBeUndefined();
    expect(await knex('public.users').whereRaw('lower(email) = lower(?)', [email]).first()).toBeUndefined();
    expect((await knex.raw('select 1 from pg_namespace where nspname = ?', [`client_${doomedId}`])).rows).toHaveLength(0);

    await knex.raw(`drop trigger ${fn} on public.refresh_tokens`);
    const retried = await send();
    expect(retried.status).toBe(201);
    expect(retried.body.tenant_id).not.toBe(doomedId);
    expect((await knex.raw('select 1 from pg_namespace where nspname = ?', [`client_${retried.body.tenant_id}`])).rows).toHaveLength(1);
  });
});
