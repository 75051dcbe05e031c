/*
 * For random shop histories (seeded: STOFLOW_ANALYTICS_SEED=N replays one run), the summary
 * equals a brute-force computation over the tenant's log: every event read back, folded the
 * plainest way, and the figures computed from the list of sales. The projection is caught up in
 * batches of random sizes, part way through and at the end; a rebuild from the log then equals
 * the live tables row for row. Some shops change their time zone along the way (days are then
 * those of the last zone chosen, the daily tables re-bucketed).
 */
import { rebuildProjection, verifyProjection } from '../../src/engine/rebuild';
import { analyticsProjection } from '../../src/projections/analytics';
import { getSummary, type Summary, type SummaryQuery } from '../../src/queries/analytics/summary';
import { localDay } from '../../src/queries/analytics/period';
import { AppError } from '../../src/shared/errors';
import { seededRandom } from '../products/random-catalogue';
import { createTestTenant, testKnex, testTenancy } from '../support/db';
import { history, product, project, startAnalyticsApp, type AnalyticsApp } from './support';

const SEED = Number(process.env.STOFLOW_ANALYTICS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const HISTORIES = 30;
const CATEGORIES = ['t-shirts', 'jeans', 'sneakers', 'women-t-shirts', 'women-jeans'];
const BRANDS = ['Nike', 'adidas', 'Zara', null];
const CHANNELS = ['offline', 'ebay', 'etsy', 'vinted'] as const;
const MARKETPLACES = ['ebay', 'etsy', 'vinted'] as const;
/** Zones a day apart from Paris's at some hours, on both sides, with and without summer time. */
const ZONES = ['America/New_York', 'Asia/Tokyo', 'UTC', 'Europe/Paris', 'Pacific/Kiritimati'];
const START = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

type Random = ReturnType<typeof seededRandom>;
const pick = <T>(r: Random, list: readonly T[]): T => list[r.int(0, list.length - 1)]!;
const cents = (r: Random, min: number, max: number) => r.int(min * 100, max * 100) / 100;

/** A random history of one shop, through the command handlers; refused commands are skipped, as a seller's would be. */
async function randomHistory(t: AnalyticsApp, tenant: number, r: Random, onHalfway: () => Promise<void>): Promise<void> {
  const h = history(t, tenant);
  let clock = START + r.int(0, 30) * DAY;
  const tick = () => new Date((clock += r.int(1, 6 * 60) * 60_000 * r.int(1, 24))).toISOString();
  const products: string[] = [];
  const listings: { id: string; product: string }[] = [];
  const sold: { id: string; product: string }[] = [];
  const amount = (max: number) => (r.chance(0.5) ? cents(r, 0, max) : undefined);
  const steps = r.int(15, 45);
  for (let step = 0; step < steps; step++) {
    if (step === Math.floor(steps / 2)) await onHalfway();
    const roll = r.int(0, 99);
    try {
      if (r.chance(0.04)) await h.changeZone(tick(), pick(r, ZONES));
      if (products.length === 0 || roll < 20) {
        products.push(
          await h.create(tick(), product({
            sku: `R${tenant}-${step}`,
            category: pick(r, CATEGORIES),
            brand: pick(r, BRANDS),
            price: cents(r, 5, 120),
            cost_price: r.chance(0.2) ? null : cents(r, 1, 50),
            stock_quantity: r.int(1, 4),
          })),
        );
      } else if (roll < 40) {
        const id = pick(r, products);
        listings.push({ id: await h.publish(tick(), id, pick(r, MARKETPLACES)), product: id });
      } else if (roll < 70) {
        const id = pick(r, products);
        const channel = pick(r, CHANNELS);
        const amounts = { fees: amount(15), shipping_charged: amount(8), ...(channel === 'offline' ? { shipping_paid: amount(9) } : {}) };
        sold.push({ id: await h.sell(tick(), id, channel, r.int(1, 2), cents(r, 3, 130), amounts), product: id });
      } else if (roll < 73 && sold.length > 0) {
        // A sale comes back, restocked or not, refunded in part or in whole (an oversell's is refused).
        const sale = pick(r, sold);
        await h.returnSale(tick(), sale.product, sale.id, { restock: r.chance(0.6), ...(r.chance(0.5) ? { refund: cents(r, 0, 3) } : {}) });
      } else if (roll < 75 && sold.length > 0) {
        // Fees and postage known later, on a sale of any age (an oversell's too): sometimes the same again.
        const sale = pick(r, sold);
        await h.costs(tick(), sale.product, sale.id, { fees: amount(15), shipping_charged: amount(8), shipping_paid: amount(9) ?? cents(r, 0, 9) });
      } else if (roll < 82 && listings.length > 0) {
        await h.delist(tick(), pick(r, listings).id);
      } else if (roll < 86 && listings.length > 0) {
        await h.soldHere(tick(), pick(r, listings).id);
      } else if (roll < 95) {
        const changes = pick(r, [{ cost_price: r.chance(0.2) ? null : cents(r, 1, 50) }, { price: cents(r, 5, 120) }, { category: pick(r, CATEGORIES) }, { brand: pick(r, BRANDS) }, { stock_quantity: r.int(0, 5) }]);
        await h.edit(tick(), pick(r, products), changes);
      } else {
        await h.archive(tick(), pick(r, products));
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
    }
  }
  t.clock.set(new Date(clock + r.int(0, 40) * DAY));
}

/** Per day and marketplace, in the last zone chosen: sales, units, revenue, listings gone live and products created, from the raw log. */
async function dailyBruteForce(t: AnalyticsApp, tenant: number): Promise<string[]> {
  const events = await t.services.eventStore.readLog(tenant, 0n, 1_000_000);
  const zone = events.filter((e) => e.type === 'ShopTimeZoneChanged').map((e) => (e.data as { time_zone: string }).time_zone).pop() ?? 'Europe/Paris';
  const marketplaceOf = new Map<string, string>();
  const days = new Map<string, { sales: number; units: number; revenue: number; listed: number; created: number }>();
  const add = (at: string, marketplace: string, f: Partial<{ sales: number; units: number; revenue: number; listed: number; created: number }>) => {
    const key = `${localDay(new Date(at), zone)} ${marketplace}`;
    const row = days.get(key) ?? { sales: 0, units: 0, revenue: 0, listed: 0, created: 0 };
    for (const [k, v] of Object.entries(f)) row[k as keyof typeof row] += v;
    days.set(key, row);
  };
  for (const e of events) {
    const d = e.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (e.type === 'ProductCreated') add(d.created_at, '', { created: 1 });
    else if (e.type === 'ProductSold') add(d.sold_at, d.channel, { sales: 1, units: d.quantity, revenue: d.quantity * d.unit_price_cents });
    else if (e.type === 'ListingQueued') marketplaceOf.set(e.streamId, d.marketplace);
    else if (e.type === 'ListingPublished') add(d.published_at, marketplaceOf.get(e.streamId)!, { listed: 1 });
  }
  return [...days.entries()].map(([key, r]) => `${key} ${r.sales} ${r.units} ${r.revenue} ${r.listed} ${r.created}`).sort();
}

async function dailyRows(t: AnalyticsApp, tenant: number): Promise<string[]> {
  const { rows } = await t.services.pool.query<{ line: string }>(
    `select to_char(day, 'YYYY-MM-DD') || ' ' || marketplace || ' ' || sales || ' ' || units || ' ' || revenue_cents || ' ' || listed || ' ' || new_products as line from ${testTenancy.table(tenant, 'analytics_daily')}`,
  );
  return rows.map((r) => r.line).sort();
}

/** The summary computed from the raw log, the plainest way. */
async function bruteForce(t: AnalyticsApp, tenant: number, q: SummaryQuery & { from: string; to: string }): Promise<Summary> {
  const events = await t.services.eventStore.readLog(tenant, 0n, 1_000_000);
  const products = new Map<string, { cost: number | null; price: number; category: string; brand: string | null; stock: number; status: string; created: string; firstListed: string | null }>();
  const listings = new Map<string, { product: string; marketplace: string; live: boolean }>();
  type Money = { fees: number; charged: number; paid: number; refund: number; returned: boolean };
  const sales: ({ id: string; marketplace: string; quantity: number; gross: number; cost: number; known: boolean; soldAt: string; days: number; category: string; brand: string | null } & Money)[] = [];
  // Every day is the last zone's: a change re-buckets what came before it.
  let zone = 'Europe/Paris';
  for (const e of events) {
    const d = e.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const p = e.streamId.startsWith('product-') ? products.get(e.streamId.slice(8)) : undefined;
    const l = e.streamId.startsWith('listing-') ? listings.get(e.streamId.slice(8)) : undefined;
    switch (e.type) {
      case 'ProductCreated':
        products.set(d.product_id, { cost: d.cost_price_cents ?? null, price: d.price_cents, category: d.category, brand: d.brand ?? null, stock: d.stock_quantity, status: 'draft', created: d.created_at, firstListed: null });
        break;
      case 'ProductDetailsUpdated':
        Object.assign(p!, {
          ...('cost_price_cents' in d.changes ? { cost: d.changes.cost_price_cents } : {}),
          ...('category' in d.changes ? { category: d.changes.category } : {}),
          ...('brand' in d.changes ? { brand: d.changes.brand } : {}),
        });
        break;
      case 'ProductPriceChanged':
        p!.price = d.price_cents;
        break;
      case 'ProductStockAdjusted':
        p!.stock = d.stock_quantity;
        break;
      case 'ProductArchived':
        p!.status = 'archived';
        break;
      case 'ProductSold': {
        const since = p!.firstListed ?? p!.created;
        sales.push({
          id: `${e.streamId}/${d.sale_id}`,
          fees: d.fees_cents ?? 0,
          charged: d.shipping_charged_cents ?? 0,
          paid: d.shipping_paid_cents ?? 0,
          refund: 0,
          returned: false,
          marketplace: d.channel,
          quantity: d.quantity,
          gross: d.quantity * d.unit_price_cents,
          cost: d.quantity * (p!.cost ?? 0),
          known: p!.cost !== null,
          soldAt: d.sold_at,
          days: Math.floor((Date.parse(d.sold_at) - Date.parse(since)) / DAY),
          category: p!.category,
          brand: p!.brand,
        });
        p!.stock = d.remaining_stock;
        if (d.remaining_stock === 0) p!.status = 'sold';
        break;
      }
      case 'SaleCostsRecorded': {
        const sale = sales.find((x) => x.id === `${e.streamId}/${d.sale_id}`);
        if (sale) Object.assign(sale, { fees: d.fees_cents, charged: d.shipping_charged_cents, paid: d.shipping_paid_cents });
        break;
      }
      case 'SaleReturned': {
        const sale = sales.find((x) => x.id === `${e.streamId}/${d.sale_id}`)!;
        Object.assign(sale, { refund: d.refund_cents, returned: true, ...(d.restocked ? { cost: 0 } : {}) });
        p!.stock = d.stock_quantity;
        if (d.restocked && p!.status === 'sold') p!.status = 'draft';
        break;
      }
      case 'ListingQueued':
        listings.set(d.listing_id, { product: d.product_id, marketplace: d.marketplace, live: false });
        break;
      case 'ListingPublished': {
        l!.live = true;
        const listed = products.get(l!.product)!;
        listed.firstListed ??= d.published_at;
        break;
      }
      case 'ListingDelistRequested':
      case 'ListingDelisted':
      case 'ListingSoldHere':
      case 'ListingPublishFailed':
      case 'ListingEndedExternally':
      case 'ListingDisconnected':
        if (l) l.live = false;
        break;
      case 'ShopTimeZoneChanged':
        zone = d.time_zone;
        break;
      default:
        break;
    }
  }
  const dated = sales.map((s) => ({ ...s, day: localDay(new Date(s.soldAt), zone) }));
  const inCategory = (c: string) => q.category === undefined || c === q.category || (q.category === 'women' && c.startsWith('women-'));
  const ofBrand = (b: string | null) => q.brand === undefined || (b !== null && b.toLowerCase() === q.brand.toLowerCase());
  const chosen = dated.filter((s) => s.day >= q.from && s.day <= q.to && inCategory(s.category) && ofBrand(s.brand) && (q.marketplace === undefined || s.marketplace === q.marketplace));
  const liveOn = (id: string) => [...new Set([...listings.values()].filter((l) => l.product === id && l.live).map((l) => l.marketplace))];
  const stock = [...products.entries()].filter(([id, p]) => p.status === 'draft' && p.stock > 0 && inCategory(p.category) && ofBrand(p.brand) && (q.marketplace === undefined || liveOn(id).includes(q.marketplace)));
  const listedStock = (m?: string) => stock.filter(([id]) => (m === undefined ? liveOn(id).length > 0 : liveOn(id).includes(m)));
  const sum = <T>(list: T[], f: (x: T) => number) => list.reduce((a, x) => a + f(x), 0);
  const pct = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 10);
  const percentile = (values: number[], p: number) => {
    if (values.length === 0) return 0;
    const sorted = [...values].sort((a, b) => a - b);
    const at = (sorted.length - 1) * p;
    const low = Math.floor(at);
    const value = sorted[low]! + (at - low) * ((sorted[Math.ceil(at)] ?? sorted[low]!) - sorted[low]!);
    return Math.round(value * 10) / 10;
  };
  const figures = (list: typeof chosen, listed: typeof stock, sellsThrough: boolean) => {
    const units = sum(list, (s) => s.quantity);
    const revenue = sum(list, (s) => s.gross);
    const cost = sum(list, (s) => s.cost);
    const fees = sum(list, (s) => s.fees);
    const charged = sum(list, (s) => s.charged);
    const paid = sum(list, (s) => s.paid);
    const refunds = sum(list, (s) => s.refund);
    const profit = revenue + charged - paid - fees - cost - refunds;
    const listedUnits = sum(listed, ([, p]) => p.stock);
    return {
      sales: list.length, units, revenue: revenue / 100, fees: fees / 100, shipping_charged: charged / 100, shipping_paid: paid / 100, cost_of_goods: cost / 100,
      returns: list.filter((s) => s.returned).length, refunds: refunds / 100,
      net_profit: profit / 100, margin_pct: pct(profit, revenue), average_sale_price: units === 0 ? 0 : Math.round(revenue / units) / 100,
      median_days_to_sell: percentile(list.map((s) => s.days), 0.5), p90_days_to_sell: percentile(list.map((s) => s.days), 0.9),
      sales_without_cost: list.filter((s) => !s.known).length, listed: listed.length, listed_units: listedUnits,
      sell_through_pct: sellsThrough ? pct(units, units + listedUnits) : null,
    };
  };
  const channels = q.marketplace ? [q.marketplace] : CHANNELS;
  return {
    period: { from: q.from, to: q.to, time_zone: zone },
    currency: 'EUR',
    inventory: {
      count: stock.length, units: sum(stock, ([, p]) => p.stock), value_at_cost: sum(stock, ([, p]) => p.stock * (p.cost ?? 0)) / 100,
      value_at_price: sum(stock, ([, p]) => p.stock * p.price) / 100, listed: listedStock().length, listed_units: sum(listedStock(), ([, p]) => p.stock),
      without_cost: stock.filter(([, p]) => p.cost === null).length,
    },
    sales: figures(chosen, listedStock(), q.marketplace !== 'offline'),
    marketplaces: channels.map((m) => ({ marketplace: m, ...figures(chosen.filter((s) => s.marketplace === m), m === 'offline' ? [] : listedStock(m), m !== 'offline') })),
  };
}

describe('The summary equals a brute-force computation over the log', () => {
  let t: AnalyticsApp;
  const knex = testKnex();
  beforeAll(async () => {
    t = await startAnalyticsApp();
  });
  afterAll(async () => {
    await t.close();
    await knex.destroy();
  });

  it(`When ${HISTORIES} random shops (seed ${SEED}) are summed up for random periods and filters, then the projection's summary equals the brute force, and a rebuild equals live`, async () => {
    const r = seededRandom(SEED);
    const deps = { db: t.services.pool, tenancy: testTenancy, now: () => t.clock.now() };
    let compared = 0;
    let withSales = 0;
    for (let n = 0; n < HISTORIES; n++) {
      const tenant = await createTestTenant(knex, `Random shop ${n}`);
      await randomHistory(t, tenant, r, () => project(t, tenant, r.int(1, 15)));
      await project(t, tenant, r.int(1, 15));
      for (let k = 0; k < 4; k++) {
        const from = new Date(START + r.int(0, 60) * DAY).toISOString().slice(0, 10);
        const to = new Date(Date.parse(from) + r.int(0, 150) * DAY).toISOString().slice(0, 10);
        const q: SummaryQuery & { from: string; to: string } = {
          from,
          to,
          ...(r.chance(0.3) ? { marketplace: pick(r, CHANNELS) } : {}),
          ...(r.chance(0.25) ? { category: pick(r, [...CATEGORIES, 'women']) } : {}),
          ...(r.chance(0.25) ? { brand: pick(r, ['nike', 'ADIDAS', 'Zara']) } : {}),
        };
        const expected = await bruteForce(t, tenant, q);
        expect({ seed: SEED, history: n, query: q, summary: await getSummary(deps, tenant, q) }).toEqual({ seed: SEED, history: n, query: q, summary: expected });
        compared++;
        if (expected.sales.sales > 0) withSales++;
      }
      expect({ history: n, daily: await dailyRows(t, tenant) }).toEqual({ history: n, daily: await dailyBruteForce(t, tenant) });
      expect(await verifyProjection({ pool: t.services.pool, tenancy: testTenancy, store: t.services.eventStore, tenant, projection: analyticsProjection, batchSize: r.int(1, 20) })).toEqual([]);
    }
    // The random periods did meet sales, not only empty ones.
    expect(compared).toBe(HISTORIES * 4);
    expect(withSales).toBeGreaterThan(HISTORIES / 2);
    // Thirty shops through the command handlers: some 10 s alone, more on a loaded machine.
  }, 180_000);

  it('When the analytics tables are rebuilt from the log, with a time-zone change in the middle, then they hold exactly the rows live projection wrote, and the figures do not change', async () => {
    const r = seededRandom(SEED + 1);
    const tenant = await createTestTenant(knex, 'Rebuilt shop');
    // Half the history projected in Paris, then New York chosen: the next catch-up meets the change inside a batch.
    await randomHistory(t, tenant, r, async () => {
      await project(t, tenant, 3);
      await history(t, tenant).changeZone(new Date(START + 45 * DAY).toISOString(), 'America/New_York');
    });
    await project(t, tenant, 5);
    const deps = { db: t.services.pool, tenancy: testTenancy, now: () => t.clock.now() };
    const q = { from: '2026-01-01', to: '2026-12-31' };
    const tables = async () => {
      const out: Record<string, unknown[]> = {};
      // In a total order: every row as JSON, sorted.
      for (const table of analyticsProjection.tables) out[table] = (await t.services.pool.query(`select * from ${testTenancy.table(tenant, table)}`)).rows.map((row) => JSON.stringify(row)).sort();
      return out;
    };
    const live = await tables();
    const before = await getSummary(deps, tenant, q);
    await rebuildProjection({ pool: t.services.pool, tenancy: testTenancy, store: t.services.eventStore, tenant, projection: analyticsProjection, batchSize: 4 });
    expect(await tables()).toEqual(live);
    expect(await getSummary(deps, tenant, q)).toEqual(before);
    expect(live.analytics_products!.length).toBeGreaterThan(0);
    expect(live.analytics_settings).toHaveLength(1);
  });
});
