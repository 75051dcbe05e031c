import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { registerAccount, startAccountsApp, type Registered } from '../accounts/support';

/** A product body every rule accepts; tests override what they are about. */
export function productBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sku: uniqueSku(),
    title: 'Levi’s 501 straight jeans',
    description: 'Dark wash, barely worn.',
    price: 39.9,
    cost_price: 12.5,
    stock_quantity: 1,
    category: 'women-t-shirts',
    brand: 'Nike',
    size: 'm',
    color: 'blue',
    gender: 'women',
    condition: 'very_good',
    ...overrides,
  };
}

export function uniqueSku(prefix = 'SKU'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export interface Seller extends Registered {
  auth: { Authorization: string };
}

export async function registerSeller(app: Express): Promise<Seller> {
  const account = await registerAccount(app);
  return { ...account, auth: { Authorization: `Bearer ${account.accessToken}` } };
}

export function startProductsApp(env: Record<string, string> = {}): Promise<TestApp> {
  return startAccountsApp(env);
}

export async function createProduct(app: Express, seller: Seller, overrides: Record<string, unknown> = {}) {
  const res = await request(app).post('/api/products').set(seller.auth).send(productBody(overrides));
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number; sku: string; [field: string]: unknown };
}

/** The field names a problem response names. */
export function fieldsOf(body: { errors?: { field: string }[] }): string[] {
  return (body.errors ?? []).map((e) => e.field);
}

/** Events in the tenant's log: proves a refused request appended nothing. */
export async function logHead(t: TestApp, seller: Seller): Promise<bigint> {
  return t.services.eventStore.head(seller.tenantId);
}

export function etag(version: number): string {
  return `"${version}"`;
}
