/*
 * A small shop whose every figure was worked out by hand: twelve products, twelve sales in the
 * period (March–April 2026) on the four channels, one sale before it, listings on three
 * marketplaces, a cost price changed between two sales, a product without cost, an archived
 * one, two sales whose UTC date is not their Paris date, marketplace fees and shipping on both
 * sides, two of them recorded after their sale, and a sale brought back and restocked. Each figure is read through the API.
 */
import request from 'supertest';
import { registerSeller, type Seller } from '../products/support';
import { history, product, project, startAnalyticsApp, type AnalyticsApp } from './support';

const NOW = '2026-04-30T12:00:00Z';
const PERIOD = { from: '2026-03-01', to: '2026-04-30' };

describe('Analytics of a hand-computed shop', () => {
  let t: AnalyticsApp;
  let seller: Seller;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startAnalyticsApp();
    // Signed in at the moment the figures are read (the clock also dates the tokens).
    t.clock.set(NOW);
    seller = await registerSeller(t.app);
    const h = history(t, seller.tenantId);
    const FEB = '2026-02-01T09:00:00Z';
    // P5 is older than the rest; P12 comes later.
    ids.P5 = await h.create('2026-01-05T10:00:00Z', product({ sku: 'P5', category: 'sneakers', brand: 'Nike', price: 80, cost_price: 30 }));
    const p5ebay = await h.publish('2026-01-06T10:00:00Z', ids.P5, 'ebay');
    ids.P1 = await h.create(FEB, product({ sku: 'P1', category: 't-shirts', brand: 'Nike', price: 20, cost_price: 5 }));
    ids.P2 = await h.create(FEB, product({ sku: 'P2', category: 'jeans', brand: 'adidas', price: 45, cost_price: 15, stock_quantity: 3 }));
    ids.P3 = await h.create(FEB, product({ sku: 'P3', title: 'Jean Levi\'s 501, "vintage" — délavé', category: 'jeans', brand: "Levi's", price: 60, cost_price: null }));
    ids.P4 = await h.create(FEB, product({ sku: 'P4', category: 'women-t-shirts', brand: 'Zara', price: 12.5, cost_price: 3, stock_quantity: 2 }));
    ids.P6 = await h.create(FEB, product({ sku: 'P6', category: 'women-t-shirts', brand: 'adidas', price: 15, cost_price: 4, stock_quantity: 2 }));
    ids.P7 = await h.create(FEB, product({ sku: 'P7', category: 't-shirts', brand: 'Nike', price: 30, cost_price: 10, stock_quantity: 2 }));
    ids.P8 = await h.create(FEB, product({ sku: 'P8', category: 'jeans', brand: 'Zara', price: 20, cost_price: 8 }));
    ids.P9 = await h.create(FEB, product({ sku: 'P9', category: 'jeans', brand: "Levi's", price: 35, cost_price: 10, stock_quantity: 5 }));
    ids.P10 = await h.create(FEB, product({ sku: 'P10', category: 'sneakers', brand: 'Nike', price: 90, cost_price: 40 }));
    ids.P11 = await h.create(FEB, product({ sku: 'P11', category: 'sneakers', brand: 'adidas', price: 50, cost_price: 20 }));
    await h.archive('2026-02-02T09:00:00Z', ids.P8);
    const p1ebay = await h.publish('2026-02-03T10:00:00Z', ids.P1, 'ebay');
    await h.publish('2026-02-10T08:00:00Z', ids.P2, 'vinted');
    const p10ebay = await h.publish('2026-02-15T10:00:00Z', ids.P10, 'ebay');
    await h.sell('2026-02-20T10:00:00Z', ids.P6, 'offline', 1, 15); // before the period
    const p4etsy = await h.publish('2026-03-01T10:00:00Z', ids.P4, 'etsy');
    const p7ebay = await h.publish('2026-03-01T09:00:00Z', ids.P7, 'ebay');
    const p4ebay = await h.publish('2026-03-02T10:00:00Z', ids.P4, 'ebay');
    await h.publish('2026-03-03T10:00:00Z', ids.P9, 'vinted');
    await h.publish('2026-03-04T10:00:00Z', ids.P9, 'etsy');
    await h.sell('2026-03-05T12:00:00Z', ids.P1, 'ebay', 1, 20, { fees: 2.95, shipping_charged: 4.5 });
    await h.soldHere('2026-03-05T12:00:00Z', p1ebay);
    await h.sell('2026-03-06T10:00:00Z', ids.P9, 'vinted', 1, 35);
    await h.sell('2026-03-06T20:00:00Z', ids.P9, 'vinted', 1, 33);
    await h.sell('2026-03-10T08:00:00Z', ids.P2, 'vinted', 1, 40);
    ids.P12 = await h.create('2026-03-15T10:00:00Z', product({ sku: 'P12', category: 'women-jeans', brand: 'Zara', price: 22, cost_price: null, stock_quantity: 3 }));
    await h.sell('2026-03-15T09:00:00Z', ids.P7, 'ebay', 1, 30, { fees: 4.28 });
    await h.edit('2026-03-16T09:00:00Z', ids.P7, { cost_price: 12, price: 25 });
    await h.sell('2026-03-20T15:00:00Z', ids.P2, 'offline', 1, 45, { shipping_paid: 4.9 });
    const p9etsy = await h.sell('2026-03-28T23:30:00Z', ids.P9, 'etsy', 2, 34, { shipping_charged: 5 }); // 29 March in Paris
    const p3 = await h.sell('2026-03-31T22:30:00Z', ids.P3, 'offline', 1, 55); // 1 April in Paris
    await h.sell('2026-04-02T10:00:00Z', ids.P4, 'etsy', 2, 12, { fees: 2.1 });
    await h.costs('2026-04-05T10:00:00Z', ids.P3, p3, { shipping_paid: 6.4 }); // the label bought after the sale
    await h.soldHere('2026-04-02T10:00:00Z', p4etsy);
    await h.delist('2026-04-02T10:05:00Z', p4ebay);
    await h.sell('2026-04-10T09:00:00Z', ids.P7, 'offline', 1, 25);
    await h.delist('2026-04-10T09:05:00Z', p7ebay);
    await h.publish('2026-04-20T10:00:00Z', ids.P6, 'vinted');
    await h.sell('2026-04-25T10:00:00Z', ids.P10, 'ebay', 1, 85, { fees: 11.56, shipping_charged: 6 });
    await h.soldHere('2026-04-25T10:00:00Z', p10ebay);
    const p11 = await h.sell('2026-04-30T08:00:00Z', ids.P11, 'offline', 1, 50, { fees: 1.75 }); // a card reader's fee
    await h.returnSale('2026-04-30T10:00:00Z', ids.P11, p11); // brought back the same day: refunded in full, back in stock
    await h.costs('2026-04-30T09:00:00Z', ids.P9, p9etsy, { fees: 6.12 }); // Etsy's fees, from the shop's statement
    expect(p5ebay).toBeDefined();
    t.clock.set(NOW);
    await project(t, seller.tenantId, 7);
  });
  afterAll(async () => t.close());

  const get = (path: string, query: Record<string, string | number> = {}) => request(t.app).get(path).query(query).set(seller.auth);

  it('When the summary of the period is asked, then every figure is the hand-computed one, in total and per marketplace', async () => {
    const res = await get('/api/analytics/summary', PERIOD).expect(200);
    expect(res.body.period).toEqual({ ...PERIOD, time_zone: 'Europe/Paris' });
    expect(res.body.currency).toBe('EUR');
    expect(res.body.inventory).toEqual({ count: 6, units: 8, value_at_cost: 79, value_at_price: 291, listed: 4, listed_units: 4, without_cost: 1 });
    expect(res.body.sales).toEqual({
      sales: 12, units: 14, revenue: 510, fees: 28.76, shipping_charged: 15.5, shipping_paid: 11.3, cost_of_goods: 143, returns: 1, refunds: 50, net_profit: 292.44, margin_pct: 57.3, average_sale_price: 36.43,
      median_days_to_sell: 31, p90_days_to_sell: 67.9, sales_without_cost: 1, listed: 4, listed_units: 4, sell_through_pct: 77.8,
    });
    expect(res.body.marketplaces).toEqual([
      { marketplace: 'offline', sales: 4, units: 4, revenue: 175, fees: 1.75, shipping_charged: 0, shipping_paid: 11.3, cost_of_goods: 27, returns: 1, refunds: 50, net_profit: 84.95, margin_pct: 48.5, average_sale_price: 43.75, median_days_to_sell: 49, p90_days_to_sell: 78.3, sales_without_cost: 1, listed: 0, listed_units: 0, sell_through_pct: null },
      { marketplace: 'ebay', sales: 3, units: 3, revenue: 135, fees: 18.79, shipping_charged: 10.5, shipping_paid: 0, cost_of_goods: 55, returns: 0, refunds: 0, net_profit: 71.71, margin_pct: 53.1, average_sale_price: 45, median_days_to_sell: 30, p90_days_to_sell: 61.2, sales_without_cost: 0, listed: 1, listed_units: 1, sell_through_pct: 75 },
      { marketplace: 'etsy', sales: 2, units: 4, revenue: 92, fees: 8.22, shipping_charged: 5, shipping_paid: 0, cost_of_goods: 26, returns: 0, refunds: 0, net_profit: 62.78, margin_pct: 68.2, average_sale_price: 23, median_days_to_sell: 28.5, p90_days_to_sell: 31.3, sales_without_cost: 0, listed: 1, listed_units: 1, sell_through_pct: 80 },
      { marketplace: 'vinted', sales: 3, units: 3, revenue: 108, fees: 0, shipping_charged: 0, shipping_paid: 0, cost_of_goods: 35, returns: 0, refunds: 0, net_profit: 73, margin_pct: 67.6, average_sale_price: 36, median_days_to_sell: 3, p90_days_to_sell: 23, sales_without_cost: 0, listed: 3, listed_units: 3, sell_through_pct: 50 },
    ]);
  });

  it('When the summary is filtered by brand, category or marketplace, then only those sales and that stock count', async () => {
    const nike = (await get('/api/analytics/summary', { ...PERIOD, brand: 'NIKE' }).expect(200)).body;
    expect(nike.sales).toMatchObject({ sales: 4, units: 4, revenue: 160, fees: 18.79, shipping_charged: 10.5, cost_of_goods: 67, net_profit: 84.71 });
    expect(nike.inventory).toMatchObject({ count: 1, units: 1, value_at_price: 80, value_at_cost: 30 });
    // "women" is a root: women-t-shirts and women-jeans are under it.
    const women = (await get('/api/analytics/summary', { ...PERIOD, category: 'women' }).expect(200)).body;
    expect(women.sales).toMatchObject({ sales: 1, units: 2, revenue: 24, fees: 2.1, net_profit: 15.9 });
    expect(women.inventory).toMatchObject({ count: 2, units: 4, value_at_price: 81, value_at_cost: 4, without_cost: 1 });
    const vinted = (await get('/api/analytics/summary', { ...PERIOD, marketplace: 'vinted' }).expect(200)).body;
    expect(vinted.inventory).toEqual({ count: 3, units: 3, value_at_cost: 29, value_at_price: 95, listed: 3, listed_units: 3, without_cost: 0 });
    expect(vinted.sales).toMatchObject({ sales: 3, revenue: 108, sell_through_pct: 50 });
    expect(vinted.marketplaces.map((m: { marketplace: string }) => m.marketplace)).toEqual(['vinted']);
  });

  it('When a period holds no sale, then every figure is zero, not an error', async () => {
    const res = await get('/api/analytics/summary', { from: '2025-01-01', to: '2025-01-31' }).expect(200);
    expect(res.body.sales).toEqual({
      sales: 0, units: 0, revenue: 0, fees: 0, shipping_charged: 0, shipping_paid: 0, cost_of_goods: 0, returns: 0, refunds: 0, net_profit: 0, margin_pct: 0, average_sale_price: 0,
      median_days_to_sell: 0, p90_days_to_sell: 0, sales_without_cost: 0, listed: 4, listed_units: 4, sell_through_pct: 0,
    });
    const series = await get('/api/analytics/timeseries', { metric: 'revenue', interval: 'week', from: '2025-01-01', to: '2025-01-31' }).expect(200);
    expect(series.body.points).toEqual(['2024-12-30', '2025-01-06', '2025-01-13', '2025-01-20', '2025-01-27'].map((date) => ({ date, value: 0 })));
  });

  it('When no period is given, then it is the 30 days up to today in Paris', async () => {
    const res = await get('/api/analytics/summary').expect(200);
    expect(res.body.period).toEqual({ from: '2026-04-01', to: '2026-04-30', time_zone: 'Europe/Paris' });
    expect(res.body.sales).toMatchObject({ sales: 5, revenue: 239 });
  });

  it('When time series are asked, then each interval holds its sum in Paris days, gaps as zeros', async () => {
    const months = (await get('/api/analytics/timeseries', { metric: 'revenue', interval: 'month', ...PERIOD }).expect(200)).body;
    expect(months.points).toEqual([{ date: '2026-03-01', value: 271 }, { date: '2026-04-01', value: 239 }]);
    expect(months.total).toBe(510);
    const days = (await get('/api/analytics/timeseries', { metric: 'sales', interval: 'day', from: '2026-03-28', to: '2026-04-02' }).expect(200)).body;
    expect(days.points).toEqual([
      { date: '2026-03-28', value: 0 }, { date: '2026-03-29', value: 1 }, { date: '2026-03-30', value: 0 },
      { date: '2026-03-31', value: 0 }, { date: '2026-04-01', value: 1 }, { date: '2026-04-02', value: 1 },
    ]);
    const weeks = (await get('/api/analytics/timeseries', { metric: 'units', interval: 'week', from: '2026-03-02', to: '2026-03-15' }).expect(200)).body;
    expect(weeks.points).toEqual([{ date: '2026-03-02', value: 3 }, { date: '2026-03-09', value: 2 }]);
    const listed = (await get('/api/analytics/timeseries', { metric: 'listed', interval: 'month', from: '2026-01-01', to: '2026-04-30' }).expect(200)).body;
    expect(listed.points.map((p: { value: number }) => p.value)).toEqual([1, 3, 5, 1]);
    const created = (await get('/api/analytics/timeseries', { metric: 'new_products', interval: 'month', from: '2026-01-01', to: '2026-04-30' }).expect(200)).body;
    expect(created.points.map((p: { value: number }) => p.value)).toEqual([1, 10, 1, 0]);
    const etsyProfit = (await get('/api/analytics/timeseries', { metric: 'profit', interval: 'day', marketplace: 'etsy', from: '2026-03-29', to: '2026-03-29' }).expect(200)).body;
    expect(etsyProfit.points).toEqual([{ date: '2026-03-29', value: 46.88 }]);
  });

  it('When the top brands, categories and marketplaces are asked, then they come best first', async () => {
    const brands = (await get('/api/analytics/top', { by: 'profit', dimension: 'brand', ...PERIOD }).expect(200)).body;
    expect(brands.items).toEqual([
      { key: "Levi's", sales: 4, units: 5, revenue: 191, net_profit: 143.48 },
      { key: 'Nike', sales: 4, units: 4, revenue: 160, net_profit: 84.71 },
      { key: 'adidas', sales: 3, units: 3, revenue: 135, net_profit: 48.35 },
      { key: 'Zara', sales: 1, units: 2, revenue: 24, net_profit: 15.9 },
    ]);
    const categories = (await get('/api/analytics/top', { by: 'revenue', dimension: 'category', ...PERIOD }).expect(200)).body;
    expect(categories.items.map((i: { key: string; revenue: number }) => [i.key, i.revenue])).toEqual([['jeans', 276], ['sneakers', 135], ['t-shirts', 75], ['women-t-shirts', 24]]);
    const channels = (await get('/api/analytics/top', { by: 'units', dimension: 'marketplace', limit: 2, ...PERIOD }).expect(200)).body;
    expect(channels.items.map((i: { key: string; units: number }) => [i.key, i.units])).toEqual([['etsy', 4], ['offline', 4]]);
  });

  it('When stale items are asked, then the products listed for at least that many days come oldest first', async () => {
    const sixty = (await get('/api/analytics/stale', { days: 60 }).expect(200)).body;
    expect(sixty.items.map((i: { sku: string; days_listed: number; marketplaces: string[] }) => [i.sku, i.days_listed, i.marketplaces])).toEqual([
      ['P5', 114, ['ebay']],
      ['P2', 79, ['vinted']],
    ]);
    expect(sixty.items[0]).toMatchObject({ product_id: ids.P5, price: 80, cost_price: 30, stock_quantity: 1, listed_since: '2026-01-06T10:00:00.000Z' });
    expect(sixty.total).toBe(2);
    const fifty = (await get('/api/analytics/stale', { days: 50, marketplace: 'etsy' }).expect(200)).body;
    expect(fifty.items.map((i: { sku: string; days_listed: number; marketplaces: string[] }) => [i.sku, i.days_listed, i.marketplaces])).toEqual([['P9', 58, ['etsy', 'vinted']]]);
  });

  it('When the inventory is grouped, then each group has its count and its values at cost and at price', async () => {
    const byMarketplace = (await get('/api/analytics/inventory', { by: 'marketplace' }).expect(200)).body;
    expect(byMarketplace.groups).toEqual([
      { key: null, count: 2, units: 4, value_at_cost: 20, value_at_price: 116, without_cost: 1 },
      { key: 'vinted', count: 3, units: 3, value_at_cost: 29, value_at_price: 95, without_cost: 0 },
      { key: 'ebay', count: 1, units: 1, value_at_cost: 30, value_at_price: 80, without_cost: 0 },
      { key: 'etsy', count: 1, units: 1, value_at_cost: 10, value_at_price: 35, without_cost: 0 },
    ]);
    const byBrand = (await get('/api/analytics/inventory', { by: 'brand' }).expect(200)).body;
    expect(byBrand.groups).toEqual([
      { key: 'adidas', count: 3, units: 3, value_at_cost: 39, value_at_price: 110, without_cost: 0 },
      { key: 'Nike', count: 1, units: 1, value_at_cost: 30, value_at_price: 80, without_cost: 0 },
      { key: 'Zara', count: 1, units: 3, value_at_cost: 0, value_at_price: 66, without_cost: 1 },
      { key: "Levi's", count: 1, units: 1, value_at_cost: 10, value_at_price: 35, without_cost: 0 },
    ]);
    const byCategory = (await get('/api/analytics/inventory', { by: 'category' }).expect(200)).body;
    expect(byCategory.groups).toEqual([
      { key: 'sneakers', count: 2, units: 2, value_at_cost: 50, value_at_price: 130, without_cost: 0 },
      { key: 'jeans', count: 2, units: 2, value_at_cost: 25, value_at_price: 80, without_cost: 0 },
      { key: 'women-jeans', count: 1, units: 3, value_at_cost: 0, value_at_price: 66, without_cost: 1 },
      { key: 'women-t-shirts', count: 1, units: 1, value_at_cost: 4, value_at_price: 15, without_cost: 0 },
    ]);
    const byStatus = (await get('/api/analytics/inventory', { by: 'status' }).expect(200)).body;
    expect(byStatus.groups).toEqual([
      { key: 'published', count: 4, units: 4, value_at_cost: 59, value_at_price: 175, without_cost: 0 },
      { key: 'draft', count: 2, units: 4, value_at_cost: 20, value_at_price: 116, without_cost: 1 },
    ]);
  });

  it('When the sales are exported, then the CSV has a BOM, a header and one quoted-where-needed line per sale', async () => {
    const res = await get('/api/analytics/export.csv', PERIOD).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers['content-disposition']).toBe('attachment; filename="sales-2026-03-01-2026-04-30.csv"');
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe('sale_id,sold_at,date,product_id,sku,title,category,brand,marketplace,quantity,unit_price,gross,fees,shipping_charged,shipping_paid,cost_of_goods,cost_known,refund,net_profit,currency,created_at,first_listed_at,days_to_sell,returned_at,restocked');
    expect(lines).toHaveLength(13);
    const p3 = lines.find((l) => l.includes(ids.P3!))!;
    expect(p3.replace(/^[^,]+,/, '')).toBe(
      `2026-03-31T22:30:00.000Z,2026-04-01,${ids.P3},P3,"Jean Levi's 501, ""vintage"" — délavé",jeans,Levi's,offline,1,55.00,55.00,0.00,0.00,6.40,0.00,false,0.00,48.60,EUR,2026-02-01T09:00:00.000Z,,58,,`,
    );
    const etsy = lines.find((l) => l.includes(',P9,') && l.includes(',etsy,'))!;
    expect(etsy.split(',').slice(1, 3)).toEqual(['2026-03-28T23:30:00.000Z', '2026-03-29']);
    expect(etsy.split(',').slice(9)).toEqual(['2', '34.00', '68.00', '6.12', '5.00', '0.00', '20.00', 'true', '0.00', '46.88', 'EUR', '2026-02-01T09:00:00.000Z', '2026-03-03T10:00:00.000Z', '25', '', '']);
    // The sale that came back: refunded, its unit back in stock and so no cost of goods.
    const returned = lines.find((l) => l.includes(',P11,'))!;
    expect(returned.split(',').slice(9)).toEqual(['1', '50.00', '50.00', '1.75', '0.00', '0.00', '0.00', 'true', '50.00', '-1.75', 'EUR', '2026-02-01T09:00:00.000Z', '', '87', '2026-04-30T10:00:00.000Z', 'true']);
    // In time order.
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(lines.slice(1).map((l) => l.split(',')[1]).sort());
  });

  it('When the inventory is exported, then there is one line per product in stock', async () => {
    const res = await get('/api/analytics/export.csv', { kind: 'inventory' }).expect(200);
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('product_id,sku,title,category,brand,status,stock_quantity,price,cost_price,value_at_price,value_at_cost,currency,created_at,first_listed_at,listed_since,marketplaces');
    expect(lines.slice(1).map((l) => l.split(',')[1]).sort()).toEqual(['P11', 'P12', 'P2', 'P5', 'P6', 'P9']);
    const p9 = lines.find((l) => l.includes(',P9,'))!;
    expect(p9.split(',').slice(5)).toEqual(['published', '1', '35.00', '10.00', '35.00', '10.00', 'EUR', '2026-02-01T09:00:00.000Z', '2026-03-03T10:00:00.000Z', '2026-03-03T10:00:00.000Z', 'etsy vinted']);
    const p12 = lines.find((l) => l.includes(',P12,'))!;
    expect(p12.split(',').slice(5, 11)).toEqual(['draft', '3', '22.00', '', '66.00', '0.00']);
  });

  it.each([
    ['/api/analytics/summary', { from: '2026-02-30' }, 'from'],
    ['/api/analytics/summary', { from: '2026-04-02', to: '2026-04-01' }, 'from'],
    ['/api/analytics/summary', { from: '2000-01-01', to: '2026-04-01' }, 'to'],
    ['/api/analytics/summary', { marketplace: 'amazon' }, 'marketplace'],
    ['/api/analytics/summary', { category: 'no-such-category' }, 'category'],
    ['/api/analytics/summary', { tenant_id: 3 }, 'tenant_id'],
    ['/api/analytics/timeseries', {}, 'metric'],
    ['/api/analytics/timeseries', { metric: 'sales', interval: 'year' }, 'interval'],
    ['/api/analytics/timeseries', { metric: 'new_products', marketplace: 'ebay' }, 'marketplace'],
    ['/api/analytics/top', { by: 'margin' }, 'by'],
    ['/api/analytics/top', { dimension: 'size' }, 'dimension'],
    ['/api/analytics/top', { limit: 0 }, 'limit'],
    ['/api/analytics/stale', { days: -1 }, 'days'],
    ['/api/analytics/inventory', { by: 'colour' }, 'by'],
    ['/api/analytics/export.csv', { kind: 'orders' }, 'kind'],
    ['/api/analytics/export.csv', { to: 'yesterday' }, 'to'],
  ])('When %s is asked with %j, then the answer is a problem naming %s', async (path, query, field) => {
    const res = await get(path, query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('When another seller asks, then they see none of this shop', async () => {
    const other = await registerSeller(t.app);
    const res = await request(t.app).get('/api/analytics/summary').query(PERIOD).set(other.auth).expect(200);
    expect(res.body.sales.sales).toBe(0);
    expect(res.body.inventory.count).toBe(0);
  });

  it('When the OpenAPI document is read, then it lists every analytics endpoint', async () => {
    const doc = (await request(t.app).get('/openapi.json').expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/analytics/'))).toEqual([
      '/api/analytics/summary', '/api/analytics/timeseries', '/api/analytics/top', '/api/analytics/inventory', '/api/analytics/stale', '/api/analytics/export.csv',
    ]);
  });
});
