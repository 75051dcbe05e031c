/*
 * The shop's time zone: analytics count days in Paris until the seller chooses another zone
 * (PATCH /api/shop/settings); then every past day is re-counted in the new zone, and what comes
 * after is counted in it. One tenant's zone is no other tenant's.
 */
import request from 'supertest';
import { registerSeller, type Seller } from '../products/support';
import { history, product, project, startAnalyticsApp, type AnalyticsApp } from './support';

const NOW = '2026-06-11T02:00:00Z'; // 11 June in Paris, still 10 June in New York
const WEEK = { from: '2026-06-01', to: '2026-06-07' };

describe('Analytics in the shop’s time zone', () => {
  let t: AnalyticsApp;
  let a: Seller;
  let b: Seller;

  /** The same history for both sellers: created, listed and sold at moments whose Paris and New York days differ. */
  async function shop(seller: Seller): Promise<void> {
    const h = history(t, seller.tenantId);
    const id = await h.create('2026-06-01T10:00:00Z', product({ sku: 'TZ1', price: 20, cost_price: 5, stock_quantity: 5 }));
    await h.publish('2026-06-01T23:30:00Z', id, 'ebay'); // 2 June in Paris, 1 June in New York
    await h.sell('2026-06-02T23:30:00Z', id, 'offline', 1, 20); // 3 June in Paris, 2 June in New York
    await h.sell('2026-06-05T03:00:00Z', id, 'ebay', 2, 18); // 5 June in Paris, 4 June in New York
    t.clock.set(NOW);
  }

  beforeAll(async () => {
    t = await startAnalyticsApp();
    t.clock.set(NOW);
    a = await registerSeller(t.app);
    b = await registerSeller(t.app);
    await shop(a);
    await shop(b);
    await project(t, a.tenantId);
    await project(t, b.tenantId);
  });
  afterAll(async () => t.close());

  const get = (seller: Seller, path: string, query: Record<string, string> = {}) => request(t.app).get(path).query(query).set(seller.auth);
  const series = async (seller: Seller, metric: string) => {
    const res = await get(seller, '/api/analytics/timeseries', { metric, ...WEEK }).expect(200);
    return { zone: res.body.period.time_zone, days: Object.fromEntries((res.body.points as { date: string; value: number }[]).filter((p) => p.value !== 0).map((p) => [p.date, p.value])) };
  };
  const patch = (seller: Seller, body: unknown) => request(t.app).patch('/api/shop/settings').set(seller.auth).send(body as object);

  it('When nothing was chosen, then the settings say Paris and the sales of 23:30 UTC count on the next day', async () => {
    const res = await get(a, '/api/shop/settings').expect(200);
    expect(res.body).toEqual({ time_zone: 'Europe/Paris', currency: 'EUR' });
    expect(await series(a, 'sales')).toEqual({ zone: 'Europe/Paris', days: { '2026-06-03': 1, '2026-06-05': 1 } });
    expect(await series(a, 'listed')).toEqual({ zone: 'Europe/Paris', days: { '2026-06-02': 1 } });
  });

  it('When a zone is not one, or the body is not the settings, then the problem names time_zone and nothing is recorded', async () => {
    const unknown = await patch(a, { time_zone: 'Mars/Olympus_Mons' });
    expect(unknown.status).toBe(422);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'time_zone' })]);
    for (const body of [{}, { time_zone: 5 }, { time_zone: '' }]) {
      const res = await patch(a, body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('time_zone');
    }
    const extra = await patch(a, { time_zone: 'UTC', currency: 'USD' });
    expect(extra.status).toBe(400);
    expect(await t.services.eventStore.readStream(a.tenantId, 'shop')).toEqual([]);
  });

  it('When the seller chooses New York, then the settings say so at once and the figures are re-counted in New York days', async () => {
    const res = await patch(a, { time_zone: 'america/new_york' }).expect(200);
    expect(res.body).toEqual({ time_zone: 'America/New_York', currency: 'EUR' });
    expect(res.headers.etag).toBe('"1"');
    const settings = await get(a, '/api/shop/settings').expect(200);
    expect(settings.body).toEqual({ time_zone: 'America/New_York', currency: 'EUR' });
    expect(settings.headers.etag).toBe('"1"');
    const stored = await t.services.eventStore.readStream(a.tenantId, 'shop');
    expect(stored.map((e) => [e.type, e.data])).toEqual([['ShopTimeZoneChanged', { time_zone: 'America/New_York', previous_time_zone: 'Europe/Paris', changed_at: NOW.replace('Z', '.000Z') }]]);

    await project(t, a.tenantId);
    expect(await series(a, 'sales')).toEqual({ zone: 'America/New_York', days: { '2026-06-02': 1, '2026-06-04': 1 } });
    expect(await series(a, 'revenue')).toEqual({ zone: 'America/New_York', days: { '2026-06-02': 20, '2026-06-04': 36 } });
    expect(await series(a, 'listed')).toEqual({ zone: 'America/New_York', days: { '2026-06-01': 1 } });
    expect(await series(a, 'new_products')).toEqual({ zone: 'America/New_York', days: { '2026-06-01': 1 } });
    const day = await get(a, '/api/analytics/summary', { from: '2026-06-02', to: '2026-06-02' }).expect(200);
    expect(day.body.period).toEqual({ from: '2026-06-02', to: '2026-06-02', time_zone: 'America/New_York' });
    expect(day.body.sales).toMatchObject({ sales: 1, units: 1, revenue: 20 });
    // "Today" is New York's.
    expect((await get(a, '/api/analytics/summary').expect(200)).body.period).toEqual({ from: '2026-05-12', to: '2026-06-10', time_zone: 'America/New_York' });
    const top = await get(a, '/api/analytics/top', { by: 'units', dimension: 'marketplace', from: '2026-06-04', to: '2026-06-04' }).expect(200);
    expect(top.body.period.time_zone).toBe('America/New_York');
    expect(top.body.items).toEqual([expect.objectContaining({ key: 'ebay', units: 2 })]);
    const csv = await get(a, '/api/analytics/export.csv', WEEK).expect(200);
    const dates = csv.text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).slice(1).map((l) => l.split(',').slice(1, 3));
    expect(dates).toEqual([['2026-06-02T23:30:00.000Z', '2026-06-02'], ['2026-06-05T03:00:00.000Z', '2026-06-04']]);
  });

  it('When a sale comes after the change, then it counts on its New York day', async () => {
    const id = await history(t, a.tenantId).create('2026-06-06T01:00:00Z', product({ sku: 'TZ2', price: 10, cost_price: 2 }));
    await history(t, a.tenantId).sell('2026-06-06T02:00:00Z', id, 'offline', 1, 10); // 6 June in Paris, 5 June in New York
    t.clock.set(NOW);
    await project(t, a.tenantId);
    expect(await series(a, 'sales')).toEqual({ zone: 'America/New_York', days: { '2026-06-02': 1, '2026-06-04': 1, '2026-06-05': 1 } });
    expect(await series(a, 'new_products')).toEqual({ zone: 'America/New_York', days: { '2026-06-01': 1, '2026-06-05': 1 } });
  });

  it('When the zone in force is sent again, then nothing is recorded; a stale If-Match is 412', async () => {
    const same = await patch(a, { time_zone: 'America/New_York' }).expect(200);
    expect(same.headers.etag).toBe('"1"');
    expect(await t.services.eventStore.readStream(a.tenantId, 'shop')).toHaveLength(1);
    const stale = await request(t.app).patch('/api/shop/settings').set(a.auth).set('If-Match', '"0"').send({ time_zone: 'UTC' });
    expect(stale.status).toBe(412);
  });

  it('When one seller changes zone, then another seller’s settings and days stay in Paris', async () => {
    expect((await get(b, '/api/shop/settings').expect(200)).body).toEqual({ time_zone: 'Europe/Paris', currency: 'EUR' });
    await project(t, b.tenantId);
    expect(await series(b, 'sales')).toEqual({ zone: 'Europe/Paris', days: { '2026-06-03': 1, '2026-06-05': 1 } });
    expect((await get(b, '/api/analytics/summary').expect(200)).body.period).toEqual({ from: '2026-05-13', to: '2026-06-11', time_zone: 'Europe/Paris' });
  });

  it('When one batch holds sales before and after a zone change, then each is counted as the zone then in force says, and all end in the new zone', async () => {
    const c = await registerSeller(t.app);
    const h = history(t, c.tenantId);
    const id = await h.create('2026-06-01T10:00:00Z', product({ sku: 'TZ3', price: 10, cost_price: 2, stock_quantity: 3 }));
    await h.sell('2026-06-02T23:30:00Z', id, 'offline', 1, 10);
    t.clock.set(NOW);
    await patch(c, { time_zone: 'UTC' }).expect(200);
    await h.sell('2026-06-03T23:30:00Z', id, 'offline', 1, 10);
    t.clock.set(NOW);
    await project(t, c.tenantId); // one batch: create, sale, zone change, sale
    expect(await series(c, 'sales')).toEqual({ zone: 'UTC', days: { '2026-06-02': 1, '2026-06-03': 1 } });
  });

  it('When the OpenAPI document is read, then it lists the shop settings with both methods', async () => {
    const doc = (await request(t.app).get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/shop/settings'] ?? {}).sort()).toEqual(['get', 'patch']);
  });
});
