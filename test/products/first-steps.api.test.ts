import request from 'supertest';
import type { TestApp } from '../support/app';
import { startProductsApp } from './support';

/**
 * The four first steps of the original Stoflow README, byte for byte: sellers and integrators
 * copy them, so they must work unchanged. The README's curl commands send the same bodies.
 */
const REGISTER =
  '{"email":"user@example.com","password":"SecurePass123!","full_name":"John Doe","business_name":"Mon Shop","account_type":"business","business_type":"reseller","estimated_products":"100_500"}';
const LOGIN = '{"email":"user@example.com","password":"SecurePass123!"}';
const PRODUCT =
  '{"sku":"TSHIRT-001","title":"T-shirt Nike Noir","description":"T-shirt Nike en excellent état","price":15.00,"cost_price":8.00,"stock_quantity":1,"category":"t-shirts","brand":"Nike","size":"M","color":"black","gender":"men","condition":"very_good"}';

describe('The original first steps, as written', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startProductsApp();
  });
  afterAll(() => t.close());

  it('When a newcomer registers, logs in, creates the T-shirt and lists drafts, then each step succeeds and the product holds codes', async () => {
    const json = { 'Content-Type': 'application/json' };
    const registered = await request(t.app).post('/api/auth/register').set(json).send(REGISTER);
    expect(registered.status).toBe(201);
    expect(registered.body.access_token).toEqual(expect.any(String));

    const login = await request(t.app).post('/api/auth/login').set(json).send(LOGIN);
    expect(login.status).toBe(200);
    const auth = { Authorization: `Bearer ${login.body.access_token as string}` };

    const created = await request(t.app).post('/api/products').set(json).set(auth).send(PRODUCT);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      sku: 'TSHIRT-001',
      title: 'T-shirt Nike Noir',
      description: 'T-shirt Nike en excellent état',
      price: 15,
      cost_price: 8,
      stock_quantity: 1,
      category: 't-shirts',
      brand: 'Nike',
      size: 'm', // written "M": stored as the size code
      color: 'black',
      gender: 'men',
      condition: 'very_good',
      status: 'draft',
    });

    const drafts = await request(t.app).get('/api/products?status=draft').set(auth);
    expect(drafts.status).toBe(200);
    expect(drafts.body.total).toBe(1);
    expect(drafts.body.items[0]).toEqual(created.body);
  });
});
