/*
 * The sync simulation: sellers with products listed on eBay, Etsy and Vinted (the doubles and
 * the simulated extensions), then a seeded script of marketplace sales — pushed once, twice,
 * late and out of order, or never (found by the poll) — races for the last unit, seller edits
 * and stock changes, listings ended on the marketplaces behind Stoflow's back, and injected 429s,
 * 500s, timeouts and duplicated extension reports, over two workers of which one stops midway.
 * At the end, with everything settled:
 *   - every unit a marketplace sold is on its product exactly once: a sale, or a flagged
 *     oversell (so no oversell goes unnoticed, and every true race is flagged);
 *   - no listing is live here, nor there, for a product with nothing left to sell;
 *   - no listing was delisted twice on a marketplace;
 *   - every read model rebuilt from the log is the live one.
 * SIM_SEED, SIM_PRODUCTS and SIM_ACTIONS choose the run (a failure prints its seed); SIM_LANES
 * how many actions run side by side.
 */
import { publishProduct } from '../../src/commands/listings/publish-product';
import { ConcurrencyError, ConflictError, DomainRuleError } from '../../src/shared/errors';
import { verifyProjection } from '../../src/engine/rebuild';
import { allProjections } from '../../src/projections';
import { JPEG } from '../products/images';
import { OVERRIDES, type ConnectedSeller } from '../support/marketplace-sellers';
import { planProducts, seeded, writeScript, type Action, type Market, type ProductPlan } from './simulation/script';
import { startWorld, type World } from './simulation/world';

const SEED = Number(process.env.SIM_SEED ?? 20261204);
// Every test run: 300 products and 3,000 actions (about two minutes here). `npm run
// test:simulation` runs 1,000 products and 10,000 actions.
const PRODUCTS = Number(process.env.SIM_PRODUCTS ?? 300);
const ACTIONS = Number(process.env.SIM_ACTIONS ?? 3000);
const SELLERS = 4;
const IN_FLIGHT = 8;
/** Actions run side by side. */
const LANES = Number(process.env.SIM_LANES ?? 6);
/** How long the world may take to settle at each stop. */
const SETTLE_MS = Number(process.env.SIM_SETTLE_MS ?? 5 * 60_000);

interface Item {
  n: number;
  plan: ProductPlan;
  seller: ConnectedSeller;
  id: string;
  sku: string;
  offer?: string;
  etsyListing?: number;
  vintedItem?: string;
  /** Units the marketplaces sold (what buyers paid for), and units sold in the shop through Stoflow. */
  soldThere: number;
  soldOffline: number;
  /** Each marketplace sale, for the message of a failure. */
  sales: string[];
}

jest.setTimeout(20 * 60_000);

describe(`The sync simulation (seed ${SEED}: ${PRODUCTS} products, ${ACTIONS} actions)`, () => {
  let world: World;
  const items: Item[] = [];
  const counts: Record<string, number> = {};
  const count = (what: string, by = 1) => void (counts[what] = (counts[what] ?? 0) + by);
  /** Pushes that come later than what follows them (out of order), and pushes to deliver again after a non-2xx. */
  let late: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    world = await startWorld(SELLERS, 2);
  });
  afterAll(async () => {
    await world?.close();
  });

  const webhook = (path: string) => `${world.baseUrl}${path}`;

  /** Pushes until the marketplace hears a 2xx, as eBay and Etsy deliver again after a failure. */
  async function push(deliver: () => Promise<{ status: number | null }[]>): Promise<void> {
    const answers = await deliver();
    if (answers.some((a) => (a.status ?? 500) >= 300)) {
      count('pushes_answered_non_2xx');
      late.push(() => push(deliver));
    }
  }

  async function deliverSale(item: Item, market: Market, reference: string, delivery: 'push' | 'push_twice' | 'late' | 'poll'): Promise<void> {
    item.sales.push(`${market} ${reference} by ${delivery}`);
    const twice = delivery === 'push_twice';
    const send = async () => {
      if (market === 'ebay') await push(() => world.ebay.notifyOrder(reference, { duplicate: twice }));
      else if (market === 'etsy') await push(() => world.etsy.deliverWebhook(webhook('/api/webhooks/etsy'), world.etsy.orderPaidEvent(Number(reference)), { secret: world.etsySecret, duplicate: twice }));
      else {
        const sale = JSON.parse(reference) as object;
        await push(async () => [await item.seller.extension.observe({ sold: [sale] })]);
        if (twice) await item.seller.extension.observe({ sold: [sale] });
      }
    };
    // Vinted has no poll: a sale the extension has not reported yet is reported later.
    if (delivery === 'late' || (delivery === 'poll' && market === 'vinted')) late.push(send);
    else if (delivery !== 'poll') await send();
  }

  /** A buyer buys on the marketplace; null when the marketplace refuses (no live listing, not enough left). */
  function buy(item: Item, market: Market, quantity: number): string | null {
    try {
      if (market === 'ebay') {
        const order = world.ebay.sell({ sku: item.sku, seller: item.seller.ebayUser, quantity }) as unknown as { orderId: string };
        item.soldThere += quantity;
        return order.orderId;
      }
      if (market === 'etsy') {
        if (item.etsyListing === undefined) return null;
        const receipt = world.etsy.sell({ listing_id: item.etsyListing, quantity }) as { receipt_id: number };
        item.soldThere += quantity;
        return String(receipt.receipt_id);
      }
      // A Vinted item is one unit.
      const wardrobeItem = item.vintedItem ? item.seller.extension.wardrobe.items.get(item.vintedItem) : undefined;
      if (!wardrobeItem || wardrobeItem.status !== 'active') return null;
      const sale = item.seller.extension.wardrobe.sell(wardrobeItem.vinted_item_id);
      item.soldThere += 1;
      return JSON.stringify(sale);
    } catch {
      return null;
    }
  }

  async function current(item: Item): Promise<{ stock_quantity: number; version: number; status: string }> {
    const { rows } = await world.s.pool.query<{ stock_quantity: number; version: number; status: string }>(`select stock_quantity, version, status from ${world.s.tenancy.table(item.seller.tenant, 'products')} where id = $1`, [item.id]);
    return rows[0]!;
  }

  /** A seller's change, with If-Match: read, change, and again when a sale came in between. */
  async function asSeller(item: Item, change: (now: { stock_quantity: number; version: number; status: string }) => Promise<boolean>): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const now = await current(item);
      try {
        if (await change(now)) count('seller_changes');
        return;
      } catch (err) {
        // Refused (sold out, the stock a sale took meanwhile): as a seller would hear it, and stop.
        if (err instanceof DomainRuleError || err instanceof ConflictError) return count('seller_changes_refused');
        // A sale came in between: read again, as If-Match makes a seller do.
        if (!(err instanceof ConcurrencyError)) throw err;
        count('seller_changes_retried_after_412');
      }
    }
  }

  async function run(action: Action, random: ReturnType<typeof seeded>): Promise<void> {
    switch (action.kind) {
      case 'sale': {
        const item = items[action.product]!;
        const reference = buy(item, action.market, action.market === 'vinted' ? 1 : action.quantity);
        if (reference === null) return count('sales_refused_by_marketplace');
        count(`sales_${action.market}_${action.delivery}`);
        await deliverSale(item, action.market, reference, action.delivery);
        return;
      }
      case 'race': {
        // The first product from the scripted one on that is still live on both marketplaces.
        const live = (i: Item, m: Market) =>
          m === 'ebay'
            ? [...world.ebay.state.listings.values()].some((l) => l.sku === i.sku && l.status === 'ACTIVE')
            : m === 'etsy'
              ? i.etsyListing !== undefined && world.etsy.state.listings.get(i.etsyListing)?.state === 'active'
              : i.vintedItem !== undefined && i.seller.extension.wardrobe.items.get(i.vintedItem)?.status === 'active';
        const offset = Array.from({ length: items.length }, (_, k) => k).find((k) => action.markets.every((m) => live(items[(action.product + k) % items.length]!, m)));
        if (offset === undefined) return count('races_without_candidates');
        const item = items[(action.product + offset) % items.length]!;
        const state = await current(item);
        const quantity = Math.max(1, state.stock_quantity);
        const references = action.markets.map((m) => buy(item, m, m === 'vinted' ? 1 : quantity));
        if (references.every((r) => r !== null)) count('races_both_sold');
        await Promise.all(action.markets.map((m, i) => (references[i] === null ? undefined : deliverSale(item, m, references[i]!, 'push'))));
        return;
      }
      case 'price': {
        const item = items[action.product]!;
        return asSeller(item, async (now) => {
          if (now.status === 'archived') return false;
          await world.s.commands.editProduct(item.seller.tenant, { product_id: item.id, changes: { price: action.cents / 100 } }, { ...item.seller.meta, expectedVersion: now.version });
          return true;
        });
      }
      case 'restock': {
        const item = items[action.product]!;
        return asSeller(item, async (now) => {
          if (now.status === 'archived') return false;
          await world.s.commands.editProduct(item.seller.tenant, { product_id: item.id, changes: { stock_quantity: now.stock_quantity + action.add } }, { ...item.seller.meta, expectedVersion: now.version });
          return true;
        });
      }
      case 'offline_sale': {
        const item = items[action.product]!;
        return asSeller(item, async (now) => {
          if (now.stock_quantity === 0 || now.status === 'archived' || now.status === 'sold') return false;
          await world.s.commands.recordSale(item.seller.tenant, { product_id: item.id, quantity: now.stock_quantity, unit_price: 20, channel: 'offline' }, { ...item.seller.meta, expectedVersion: now.version });
          item.soldOffline += now.stock_quantity;
          return true;
        });
      }
      case 'removal': {
        const item = items[action.product]!;
        if (action.market === 'ebay') {
          const offer = item.offer ? world.ebay.state.offers.get(item.offer) : undefined;
          if (offer?.listingId && world.ebay.state.listings.get(offer.listingId)?.status === 'ACTIVE') {
            world.ebay.state.endListing(offer);
            count('removed_on_ebay');
          }
        } else if (action.market === 'etsy') {
          const listing = item.etsyListing === undefined ? undefined : world.etsy.state.listings.get(item.etsyListing);
          if (listing?.state === 'active') {
            listing.state = 'inactive';
            count('removed_on_etsy');
          }
        } else if (item.vintedItem && item.seller.extension.wardrobe.delete(item.vintedItem)) {
          count('removed_on_vinted');
          await item.seller.extension.observe({ removed: [{ vinted_item_id: item.vintedItem }] });
        }
        return;
      }
      case 'fault': {
        count(`faults_${action.market}_${action.fault}`);
        if (action.market === 'vinted') {
          const seller = world.sellers[random.int(world.sellers.length)]!;
          if (action.fault === 'flaky') seller.extension.duplicateNextResult();
          else seller.extension.failNext({ status: action.fault === 'throttled' ? 429 : 503, retryable: true });
          return;
        }
        const double = action.market === 'ebay' ? world.ebay : world.etsy;
        const path = action.market === 'ebay' ? /^\/sell\// : /^\/v3\/application\//;
        if (action.fault === 'timeout') double.faults.next({ path, kind: 'hang' });
        else if (action.fault === 'flaky') double.faults.next({ path, kind: 'drop' });
        else if (action.fault === 'throttled') double.faults.next({ path, kind: 'status', status: 429, retryAfterSeconds: 1 });
        else double.faults.next({ path, kind: 'status', status: action.fault === 'error' ? 500 : 503 });
        return;
      }
      case 'poll':
        for (const seller of world.sellers) {
          count('orders_found_by_poll', (await world.s.pollOrders(seller.tenant, 'ebay').catch(() => 0)) + (await world.s.pollOrders(seller.tenant, 'etsy').catch(() => 0)));
        }
        return;
    }
  }

  it('Given products live on the three marketplaces, when the script has run and everything settled, then nothing was oversold unnoticed, nothing sold out is still listed, nothing was delisted twice, and replay equals live', async () => {
    const started = Date.now();
    const random = seeded(SEED);
    const plans = planProducts(random, PRODUCTS);
    const script = writeScript(random, plans, ACTIONS);

    // eBay pushes each seller's orders once the connection has subscribed them.
    await world.settle(60_000);
    for (const seller of world.sellers) {
      const { rows } = await world.s.pool.query<{ notifications: { status: string } }>(`select notifications from ${world.s.tenancy.table(seller.tenant, 'marketplace_connections')} where marketplace = 'ebay'`);
      expect(rows[0]!.notifications.status).toBe('subscribed');
    }

    // The extensions work in the background for the whole run.
    let finished = false;
    const extensions = world.sellers.map((seller) =>
      seller.extension.run({ until: () => finished, wait: 1, timeoutMs: 60 * 60_000 }).catch((err: unknown) => {
        if (!finished) throw err;
      }),
    );

    // The products, each with a photo, published to its marketplaces.
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let n = next++; n < PRODUCTS; n = next++) {
          const plan = plans[n]!;
          const seller = world.sellers[n % SELLERS]!;
          const sku = `SIM-${SEED}-${n}`;
          const { product } = await world.s.commands.createProduct(
            seller.tenant,
            { sku, title: `Veste en jean vintage ${n}`, description: 'Veste en jean des années 90, portée, en très bon état.', price: plan.price_cents / 100, stock_quantity: plan.stock, category: 'jeans', brand: "Levi's", size: 'm', color: 'blue', gender: 'men', condition: 'very_good' },
            seller.meta,
          );
          await world.s.commands.addProductImages(seller.tenant, { product_id: product.id, files: [{ bytes: JPEG }] }, seller.meta);
          await publishProduct(world.s.publishDeps, seller.tenant, { product_id: product.id, marketplaces: plan.markets, overrides: OVERRIDES }, seller.meta);
          items[n] = { n, plan, seller, id: product.id, sku, soldThere: 0, soldOffline: 0, sales: [] };
        }
      }),
    );
    await world.settle(SETTLE_MS);
    for (const seller of world.sellers) {
      const { rows } = await world.s.pool.query<{ product_id: string; marketplace: Market; status: string; external: Record<string, string> }>(`select product_id, marketplace, status, external from ${world.s.tenancy.table(seller.tenant, 'listings')}`);
      for (const r of rows) {
        expect(r.status).toBe('active');
        const item = items.find((i) => i.id === r.product_id)!;
        if (r.marketplace === 'ebay') item.offer = r.external.offer_id;
        if (r.marketplace === 'etsy') item.etsyListing = Number(r.external.listing_id);
        if (r.marketplace === 'vinted') item.vintedItem = r.external.item_id;
      }
    }
    const listed = items.reduce((sum, i) => sum + i.plan.markets.length, 0);
    const publishedAt = Date.now();

    // The script, a few actions at a time (buyers and sellers do not wait for each other), with a
    // worker stopping halfway.
    let cursor = 0;
    const half = Math.floor(script.length / 2);
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        for (let n = cursor++; n < script.length; n = cursor++) {
          if (n === half) await world.stopWorker(1);
          if (late.length > 0 && random.chance(0.05)) {
            // Late pushes come in the reverse order of their sales.
            const due = late.reverse();
            late = [];
            for (const deliver of due) await deliver();
          }
          await run(script[n]!, random);
        }
      }),
    );
    // What was never pushed is found by the poll; what was late arrives; then the periodic comparison.
    for (let round = 0; late.length > 0 && round < 20; round++) {
      const due = late.reverse();
      late = [];
      for (const deliver of due) await deliver();
      await world.settle(SETTLE_MS);
    }
    await run({ kind: 'poll' }, random);
    await world.settle(SETTLE_MS);
    for (const seller of world.sellers) for (const m of ['ebay', 'etsy'] as const) count(`comparison_corrections_${m}`, (await world.s.compareListings(seller.tenant, m)).corrections.length);
    await world.settle(SETTLE_MS);
    finished = true;
    for (const seller of world.sellers) seller.extension.stop();
    await Promise.all(extensions);
    const scriptedAt = Date.now();

    // Every unit a marketplace sold is on its product once: a sale, or a flagged oversell.
    const unnoticed: string[] = [];
    let oversells = 0;
    for (const item of items) {
      const log = await world.s.eventStore.readStream(item.seller.tenant, `product-${item.id}`);
      const sold = log.filter((e) => e.type === 'ProductSold').map((e) => e.data as { quantity: number; channel: string });
      const flagged = log.filter((e) => e.type === 'OversoldDetected').map((e) => e.data as { quantity: number });
      oversells += flagged.length;
      const there = sold.filter((s) => s.channel !== 'offline').reduce((sum, s) => sum + s.quantity, 0) + flagged.reduce((sum, s) => sum + s.quantity, 0);
      const offline = sold.filter((s) => s.channel === 'offline').reduce((sum, s) => sum + s.quantity, 0);
      if (there !== item.soldThere || offline !== item.soldOffline) {
        const recorded = log.filter((e) => e.type === 'ProductSold' || e.type === 'OversoldDetected').map((e) => `${e.type} ${JSON.stringify(e.data).slice(0, 160)}`);
        unnoticed.push(`${item.sku}: marketplaces sold ${item.soldThere}, recorded ${there}; shop ${item.soldOffline}, recorded ${offline}; sales [${item.sales.join('; ')}]; recorded [${recorded.join('; ')}]`);
      }
    }
    expect(unnoticed).toEqual([]);

    // Nothing left to sell: no listing live, here or there.
    const stillListed: string[] = [];
    const duplicateDelists: string[] = [];
    for (const item of items) {
      const now = await current(item);
      const { rows: listings } = await world.s.pool.query<{ marketplace: string; status: string }>(`select marketplace, status from ${world.s.tenancy.table(item.seller.tenant, 'listings')} where product_id = $1`, [item.id]);
      if (now.stock_quantity > 0) continue;
      for (const l of listings) if (l.status === 'active' || l.status === 'updating') stillListed.push(`${item.sku}: ${l.marketplace} ${l.status} here`);
      const ebayLive = [...world.ebay.state.listings.values()].some((l) => l.sku === item.sku && l.status === 'ACTIVE');
      const here = listings.map((l) => `${l.marketplace} ${l.status}`).join(', ');
      const history = async (marketplace: string) => {
        const { rows } = await world.s.pool.query<{ id: string }>(`select id from ${world.s.tenancy.table(item.seller.tenant, 'listings')} where product_id = $1 and marketplace = $2`, [item.id, marketplace]);
        const log = rows[0] ? await world.s.eventStore.readStream(item.seller.tenant, `listing-${rows[0].id}`) : [];
        return log.map((e) => e.type).join(' → ');
      };
      if (ebayLive) stillListed.push(`${item.sku}: live on eBay (here: ${here}; the eBay listing: ${await history('ebay')})`);
      if (item.etsyListing !== undefined && world.etsy.state.listings.get(item.etsyListing)?.state === 'active') stillListed.push(`${item.sku}: active on Etsy (here: ${here}; the Etsy listing: ${await history('etsy')})`);
      if (item.vintedItem && item.seller.extension.wardrobe.items.get(item.vintedItem)?.status === 'active') stillListed.push(`${item.sku}: active on Vinted (here: ${here}; the Vinted listing: ${await history('vinted')})`);
    }
    expect(stillListed).toEqual([]);

    // Each listing delisted at most once per marketplace (retries of failed calls aside).
    const withdrawn = new Map<string, number>();
    for (const r of world.ebay.requests) {
      const m = /^\/sell\/inventory\/v1\/offer\/([^/]+)\/withdraw$/.exec(r.path);
      if (r.method === 'POST' && m && r.status !== undefined && r.status < 300) withdrawn.set(m[1]!, (withdrawn.get(m[1]!) ?? 0) + 1);
    }
    const inactivated = new Map<string, number>();
    for (const r of world.etsy.requests) {
      const m = /^\/v3\/application\/shops\/\d+\/listings\/(\d+)$/.exec(r.path);
      if (r.method === 'PATCH' && m && (r.body as { state?: string } | undefined)?.state === 'inactive' && r.status !== null && r.status < 300) inactivated.set(m[1]!, (inactivated.get(m[1]!) ?? 0) + 1);
    }
    // Vinted: delete tasks done per listing (a report sent twice is one task).
    const deleteTasks = new Map<string, Set<string>>();
    for (const seller of world.sellers) for (const report of seller.extension.succeeded('delete')) deleteTasks.set(report.task.listing_id ?? '', (deleteTasks.get(report.task.listing_id ?? '') ?? new Set()).add(report.task.id));
    const deleted = new Map([...deleteTasks].map(([listing, tasks]) => [listing, tasks.size]));
    // A call is done again only when its answer never came back (a timeout: the marketplace may
    // have done it all the same) — an attempt the engine recorded as failed. A failure names the
    // listing's own history, found by the id its marketplace gave it.
    const listingOf = async (key: 'offer_id' | 'listing_id' | 'id', id: string) => {
      for (const seller of world.sellers) {
        const { rows } = await world.s.pool.query<{ id: string }>(`select id from ${world.s.tenancy.table(seller.tenant, 'listings')} where external->>$1 = $2 or id::text = $2`, [key, id]);
        if (!rows[0]) continue;
        const stream = `listing-${rows[0].id}`;
        const failed = await world.s.pool.query<{ last_error: string }>(`select last_error from ${world.s.tenancy.table(seller.tenant, 'reaction_failures')} where stream_id = $1 and reactor = 'listing_publisher'`, [stream]);
        const history = (await world.s.eventStore.readStream(seller.tenant, stream)).map((e) => e.type).join(' → ');
        return { retried: failed.rows.length > 0, history: `${history}; failed attempts: ${JSON.stringify(failed.rows)}` };
      }
      return { retried: false, history: 'not found' };
    };
    for (const [what, key, calls] of [['eBay withdraw', 'offer_id', withdrawn], ['Etsy inactive', 'listing_id', inactivated], ['Vinted delete', 'id', deleted]] as const) {
      for (const [id, n] of calls) {
        if (n < 2) continue;
        const listing = await listingOf(key, id);
        if (n > 2 || !listing.retried) duplicateDelists.push(`${what} ${id}: ${n} times (the listing: ${listing.history})`);
        else count('delists_repeated_after_a_lost_answer');
      }
    }
    expect(duplicateDelists).toEqual([]);

    // The read models rebuilt from the log are the live ones.
    const drift: string[] = [];
    for (const seller of world.sellers) {
      for (const projection of allProjections) {
        const found = await verifyProjection({ pool: world.s.pool, tenancy: world.s.tenancy, store: world.s.eventStore, tenant: seller.tenant, projection });
        for (const d of found) drift.push(`tenant ${seller.tenant} ${projection.name} ${d.table}: ${d.missing.length} missing, ${d.unexpected.length} unexpected`);
      }
    }
    expect(drift).toEqual([]);

    const events = (await Promise.all(world.sellers.map((s) => world.s.eventStore.head(s.tenant)))).reduce((sum, h) => sum + Number(h), 0);
    const figures = {
      seed: SEED,
      products: PRODUCTS,
      listings: listed,
      actions: ACTIONS,
      units_sold_on_marketplaces: items.reduce((sum, i) => sum + i.soldThere, 0),
      oversells_flagged: oversells,
      sold_out_products: (await Promise.all(items.map(current))).filter((p) => p.stock_quantity === 0).length,
      events,
      publish_s: Math.round((publishedAt - started) / 1000),
      script_s: Math.round((scriptedAt - publishedAt) / 1000),
      ...counts,
    };
    // Races happened and were flagged, and the script exercised every path.
    expect(counts.races_both_sold ?? 0).toBeGreaterThan(0);
    expect(oversells).toBeGreaterThanOrEqual(counts.races_both_sold ?? 0);
    expect(counts.orders_found_by_poll ?? 0).toBeGreaterThan(0);
    console.log(JSON.stringify(figures));
  });
});
