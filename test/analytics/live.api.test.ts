/*
 * The analytics read models follow the log live: the processor that runs in the API process
 * applies them shortly after a command, with no rebuild or manual step.
 */
import request from 'supertest';
import { createProduct, registerSeller } from '../products/support';
import { startAnalyticsApp, type AnalyticsApp } from './support';

describe('Analytics follow the log live', () => {
  let t: AnalyticsApp;
  beforeAll(async () => {
    t = await startAnalyticsApp();
    t.clock.set('2026-05-10T10:00:00Z');
    await t.services.startProcessing();
  });
  afterAll(async () => t.close());

  async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: never (last: ${JSON.stringify(value)})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('When a seller creates a product and records an offline sale through the API, then the summary and the series soon count it', async () => {
    const seller = await registerSeller(t.app);
    const product = await createProduct(t.app, seller, { price: 30, cost_price: 12, stock_quantity: 2 });
    await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 28.5 }).expect(201);
    const summary = await eventually(
      'the sale in the summary',
      async () => (await request(t.app).get('/api/analytics/summary').set(seller.auth).expect(200)).body,
      (body) => body.sales.sales === 1,
    );
    expect(summary.sales).toMatchObject({ sales: 1, units: 1, revenue: 28.5, cost_of_goods: 12, net_profit: 16.5, median_days_to_sell: 0 });
    expect(summary.inventory).toMatchObject({ count: 1, units: 1, value_at_price: 30, value_at_cost: 12 });
    const series = await request(t.app).get('/api/analytics/timeseries').query({ metric: 'new_products', from: '2026-05-10', to: '2026-05-10' }).set(seller.auth).expect(200);
    expect(series.body.points).toEqual([{ date: '2026-05-10', value: 1 }]);
  });
});
