import request from 'supertest';
import { PRODUCT_BANDS } from '../../src/accounts/estimated-products';
import type { TestApp } from '../support/app';
import { PASSWORD, startAccountsApp, uniqueEmail } from './support';

/** Registration takes the expected catalogue size as a band; `me` answers the band. */
describe('estimated_products at registration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startAccountsApp();
  });
  afterAll(async () => t.close());

  const register = (fields: Record<string, unknown>) =>
    request(t.app)
      .post('/api/auth/register')
      .send({ email: uniqueEmail('band'), password: PASSWORD, full_name: 'Camille Martin', account_type: 'business', ...fields });

  async function bandOfMe(accessToken: string): Promise<unknown> {
    const me = await request(t.app).get('/api/auth/me').set('Authorization', `Bearer ${accessToken}`);
    expect(me.status).toBe(200);
    return me.body.tenant.estimated_products;
  }

  it('When the sign-up form sends a band, then the account is created and me answers that band', async () => {
    // The original README's body, but for the address (the first-steps test registers that one).
    const res = await request(t.app).post('/api/auth/register').send({
      email: uniqueEmail('user'),
      password: 'SecurePass123!',
      full_name: 'John Doe',
      business_name: 'Mon Shop',
      account_type: 'business',
      business_type: 'reseller',
      estimated_products: '100_500',
    });
    expect(res.status).toBe(201);
    expect(await bandOfMe(res.body.access_token)).toBe('100_500');
    const row = await t.services.knex('public.tenants').where({ id: res.body.tenant_id }).first('estimated_products');
    expect(row).toEqual({ estimated_products: '100_500' });
  });

  // Every boundary of the mapping is in the unit test; here, a few through the whole service.
  it.each([['0_50'], ['1000_plus']])('When the band is %s, then it is stored as is', async (band) => {
    const res = await register({ estimated_products: band });
    expect(res.status).toBe(201);
    expect(await bandOfMe(res.body.access_token)).toBe(band);
  });

  it.each([
    [49, '0_50'],
    [50, '50_100'],
    [350, '100_500'],
    [1000, '1000_plus'],
  ])('When a count of %i is sent, then it is filed under %s', async (count, band) => {
    const res = await register({ estimated_products: count });
    expect(res.status).toBe(201);
    expect(await bandOfMe(res.body.access_token)).toBe(band);
  });

  it('When estimated_products is left out, then me answers null', async () => {
    const res = await register({});
    expect(res.status).toBe(201);
    expect(await bandOfMe(res.body.access_token)).toBeNull();
  });

  it.each([['lots'], ['100-500'], ['100_500 '], ['350'], [-3], [2.5], [null], [true], [['0_50']]])(
    'When estimated_products is %p, then the answer is 400 naming it and listing the bands',
    async (value) => {
      const email = uniqueEmail('badband');
      const res = await request(t.app)
        .post('/api/auth/register')
        .send({ email, password: PASSWORD, full_name: 'Camille Martin', account_type: 'business', estimated_products: value });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([{ field: 'estimated_products', message: expect.any(String) }]);
      const message = res.body.errors[0].message as string;
      for (const band of PRODUCT_BANDS) expect(message).toContain(band);
      expect(await t.services.knex('public.users').where({ email }).first()).toBeUndefined();
    },
  );

  it('When the OpenAPI document is read, then it lists the bands for the request and the answer', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body;
    const field = doc.paths['/api/auth/register'].post.requestBody.content['application/json'].schema.properties.estimated_products;
    expect(JSON.stringify(field)).toContain('"enum":["0_50","50_100","100_500","500_1000","1000_plus"]');
    expect(field.description).toMatch(/100–499 → 100_500/);
    const me = doc.paths['/api/auth/me'].get.responses['200'].content['application/json'].schema.properties.tenant.properties.estimated_products;
    expect(JSON.stringify(me)).toContain('1000_plus');
  });
});
