import request from 'supertest';
import type { TestApp } from '../support/app';
import { createProduct, etag, logHead, registerSeller, startProductsApp, type Seller } from './support';
import { PNG } from './images';

describe("Another tenant's product", () => {
  let t: TestApp;
  let owner: Seller;
  let stranger: Seller;

  beforeAll(async () => {
    t = await startProductsApp();
    [owner, stranger] = await Promise.all([registerSeller(t.app), registerSeller(t.app)]);
  });
  afterAll(() => t.close());

  const routes: [string, (id: string, imageId: string) => request.Test][] = [
    ['GET /api/products/{id}', (id) => request(t.app).get(`/api/products/${id}`)],
    ['PATCH /api/products/{id}', (id) => request(t.app).patch(`/api/products/${id}`).set('If-Match', etag(1)).send({ title: 'Mine now' })],
    ['PATCH /api/products/{id} without If-Match', (id) => request(t.app).patch(`/api/products/${id}`).send({ title: 'Mine now' })],
    ['DELETE /api/products/{id}', (id) => request(t.app).delete(`/api/products/${id}`)],
    ['POST /api/products/{id}/sales', (id) => request(t.app).post(`/api/products/${id}/sales`).send({ quantity: 1, unit_price: 1, channel: 'offline' })],
    ['POST /api/products/{id}/images', (id) => request(t.app).post(`/api/products/${id}/images`).attach('file', PNG, 'a.png')],
    ['DELETE /api/products/{id}/images/{image_id}', (id, imageId) => request(t.app).delete(`/api/products/${id}/images/${imageId}`)],
    ['PUT /api/products/{id}/images/order', (id, imageId) => request(t.app).put(`/api/products/${id}/images/order`).send({ image_ids: [imageId] })],
    ['GET /api/products/{id}/history', (id) => request(t.app).get(`/api/products/${id}/history`)],
  ];

  it.each(routes)('When %s is called with it, then the answer is the 404 an unknown id gets, and nothing changes', async (_route, call) => {
    const product = await createProduct(t.app, owner, { stock_quantity: 2 });
    const uploaded = await request(t.app).post(`/api/products/${product.id}/images`).set(owner.auth).attach('file', PNG, 'a.png').expect(201);
    const imageId = uploaded.body.images[0].id as string;
    const before = { owner: await logHead(t, owner), stranger: await logHead(t, stranger) };
    const theirs = await call(product.id, imageId).set(stranger.auth);
    const unknown = await call('7d5c3b1a-0000-4000-8000-000000000000', imageId).set(stranger.auth);
    expect(theirs.status).toBe(404);
    expect({ ...theirs.body, request_id: null, instance: null }).toEqual({ ...unknown.body, request_id: null, instance: null });
    expect({ owner: await logHead(t, owner), stranger: await logHead(t, stranger) }).toEqual(before);
    const still = await request(t.app).get(`/api/products/${product.id}`).set(owner.auth);
    expect(still.body).toMatchObject({ title: product.title, status: 'draft', stock_quantity: 2, version: 2 });
  });
});
