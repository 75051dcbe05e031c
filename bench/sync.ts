/*
 * `npm run bench:sync`: how long a sale takes to disappear everywhere else. 1,000 one-off
 * products (stock 1) of BENCH_SELLERS sellers (10), each live on eBay, Etsy and Vinted (the
 * doubles and one simulated extension per seller, in this process, with no latency of their
 * own). Sales go to the sellers in turn. Then:
 *
 * - **Webhook path**: sales made on eBay and on Etsy in turn, at a steady BENCH_SALES_PER_S (20),
 *   each pushed at once to Stoflow as the marketplace pushes it (eBay's signed
 *   ORDER_CONFIRMATION, Etsy's signed order.paid). Measured per sale: from the moment the
 *   webhook is sent to the moment the last of the other two delist calls is received — eBay's
 *   double receiving POST /offer/{id}/withdraw, Etsy's receiving PATCH …/listings/{id}
 *   state=inactive, the extension receiving the Vinted delete task.
 * - **Poll path**: sales nobody pushes; Stoflow finds them by polling eBay's and Etsy's orders
 *   every BENCH_POLL_SECONDS (5). Measured from the sale on the marketplace to the last delist
 *   received; the target is one interval + 1 s.
 *
 * The floor measured in the same run: GET /health at the same rate, from the same process (any
 * request's cost on this machine today). Also counted: delist calls beyond one per listing (a
 * duplicate is a marketplace call too many). Prints a table, then one JSON object as the last
 * line. Not a test: the figures depend on the machine.
 *
 * BENCH_LISTINGS (1,000), BENCH_WEBHOOK_SALES (400), BENCH_POLL_SALES (100) override the counts.
 * BENCH_SELLERS=1 puts every sale on one seller: that seller's Vinted tasks go one at a time, by
 * design (one task in flight per Vinted account), and so does each of its reactors.
 */
import { publishProduct } from '../src/commands/listings/publish-product';
import { productStream } from '../src/domain/product/decider';
import { orderStream } from '../src/domain/reconciliation/marketplace-order';
import { JPEG } from '../test/products/images';
import { newWebhookSecret } from '../test/doubles/etsy/webhooks';
import type { LeasedTask } from '../test/doubles/vinted-extension/simulator';
import { productBody } from './api';
import { MARKETPLACES, OVERRIDES, percentile, startMarketplaceSellers, type Seller } from './marketplace-seller';

const COUNT = Number(process.env.BENCH_LISTINGS ?? 1000);
const WEBHOOK_SALES = Number(process.env.BENCH_WEBHOOK_SALES ?? 400);
const POLL_SALES = Number(process.env.BENCH_POLL_SALES ?? 100);
const SALES_PER_S = Number(process.env.BENCH_SALES_PER_S ?? 20);
const POLL_SECONDS = Number(process.env.BENCH_POLL_SECONDS ?? 5);
const SELLERS = Number(process.env.BENCH_SELLERS ?? 10);
const IN_FLIGHT = 32;
const VERIFICATION_TOKEN = 'bench-verification-token-0123456789abcdef';
const ETSY_SECRET = newWebhookSecret();

interface Item {
  seller: Seller;
  product: string;
  sku: string;
  ebayOffer: string;
  etsyListing: number;
  etsyListingStream: string;
  ebayListingStream: string;
  vintedListing: string;
}

type Where = 'ebay' | 'etsy';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const started = await startMarketplaceSellers(SELLERS, {
    EBAY_NOTIFICATION_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    ETSY_WEBHOOK_SECRET: ETSY_SECRET,
    EBAY_POLL_SECONDS: String(POLL_SECONDS),
    ETSY_POLL_SECONDS: String(POLL_SECONDS),
  });
  const { s, sellers, ebay, etsy, baseUrl } = started;
  try {
    // 1,000 one-off products with a photo, shared among the sellers, live on the three marketplaces.
    const made: { seller: Seller; id: string }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let n = next++; n < COUNT; n = next++) {
          const seller = sellers[n % sellers.length]!;
          const { product } = await s.commands.createProduct(seller.tenant, { ...productBody(n, `SYNC-${n}`), stock_quantity: 1 }, seller.meta);
          await s.commands.addProductImages(seller.tenant, { product_id: product.id, files: [{ bytes: JPEG }] }, seller.meta);
          made[n] = { seller, id: product.id };
        }
      }),
    );
    console.log(`created ${COUNT} products for ${SELLERS} sellers`);

    // Every delete task an extension is handed, when it was handed.
    const vintedDeleteAt = new Map<string, number>();
    let finished = false;
    const performing = sellers.map(({ extension }) => {
      const poll = extension.poll.bind(extension);
      extension.poll = async (wait?: number, signal?: AbortSignal): Promise<LeasedTask | null> => {
        const task = await poll(wait, signal);
        if (task?.kind === 'delete' && task.listing_id && !vintedDeleteAt.has(task.listing_id)) vintedDeleteAt.set(task.listing_id, Date.now());
        return task;
      };
      return extension.run({ until: () => finished, wait: 1, timeoutMs: 60 * 60_000 }).catch((err: unknown) => console.error(err));
    });

    await s.startProcessing();
    next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let n = next++; n < COUNT; n = next++) {
          const { seller, id } = made[n]!;
          await publishProduct(s.publishDeps, seller.tenant, { product_id: id, marketplaces: MARKETPLACES, overrides: OVERRIDES }, seller.meta);
        }
      }),
    );
    const listingsOf = (seller: Seller) => s.tenancy.table(seller.tenant, 'listings');
    const publishDeadline = Date.now() + 15 * 60_000;
    for (;;) {
      let live = 0;
      for (const seller of sellers) live += (await s.pool.query<{ n: number }>(`select count(*)::int as n from ${listingsOf(seller)} where status = 'active'`)).rows[0]!.n;
      if (live >= COUNT * MARKETPLACES.length) break;
      if (Date.now() > publishDeadline) throw new Error(`only ${live} of ${COUNT * MARKETPLACES.length} listings went live`);
      await sleep(200);
    }
    console.log(`${COUNT * MARKETPLACES.length} listings live`);
    const items = new Map<string, Item>();
    for (const seller of sellers) {
      const products = await s.pool.query<{ id: string; sku: string }>(`select id, sku from ${s.tenancy.table(seller.tenant, 'products')}`);
      for (const p of products.rows) items.set(p.id, { seller, product: p.id, sku: p.sku, ebayOffer: '', etsyListing: 0, etsyListingStream: '', ebayListingStream: '', vintedListing: '' });
      const { rows } = await s.pool.query<{ id: string; product_id: string; marketplace: string; external: Record<string, string> }>(`select id, product_id, marketplace, external from ${listingsOf(seller)}`);
      for (const r of rows) {
        const item = items.get(r.product_id)!;
        if (r.marketplace === 'ebay') [item.ebayOffer, item.ebayListingStream] = [r.external.offer_id!, `listing-${r.id}`];
        if (r.marketplace === 'etsy') [item.etsyListing, item.etsyListingStream] = [Number(r.external.listing_id), `listing-${r.id}`];
        if (r.marketplace === 'vinted') item.vintedListing = r.id;
      }
    }

    // The floor: GET /health at the sales' rate.
    const health: number[] = [];
    for (let n = 0; n < 100; n++) {
      const at = performance.now();
      await fetch(`${baseUrl}/health`).then((r) => r.arrayBuffer());
      health.push(performance.now() - at);
      await sleep(1000 / SALES_PER_S);
    }

    const requestsSeen = { ebay: ebay.requests.length, etsy: etsy.requests.length };
    const sold: { item: Item; where: Where; at: number; path: 'webhook' | 'poll'; order: string }[] = [];
    // Sales go to the sellers in turn.
    const queue = [...items.values()].sort((a, b) => a.seller.tenant - b.seller.tenant);
    const bySeller = sellers.map((seller) => queue.filter((i) => i.seller === seller));
    queue.length = 0;
    for (let n = 0; queue.length < items.size; n++) for (const mine of bySeller) if (mine[n]) queue.push(mine[n]!);
    const webhookFailures: string[] = [];

    // Webhook path: a sale every 1/SALES_PER_S seconds, pushed at once.
    const webhookStart = Date.now();
    const pushes: Promise<void>[] = [];
    for (let n = 0; n < WEBHOOK_SALES; n++) {
      await sleep(Math.max(0, webhookStart + (n * 1000) / SALES_PER_S - Date.now()));
      const item = queue.shift()!;
      const where: Where = n % 2 === 0 ? 'ebay' : 'etsy';
      if (where === 'ebay') {
        const order = ebay.sell({ sku: item.sku, seller: item.seller.ebayUser }) as unknown as { orderId: string };
        const at = Date.now();
        sold.push({ item, where, at, path: 'webhook', order: orderStream('ebay', order.orderId) });
        pushes.push(
          ebay.deliverNotification(`${baseUrl}/api/webhooks/ebay`, 'ORDER_CONFIRMATION', ebay.orderConfirmationData(order.orderId)).then(([d]) => {
            if (!d || d.status >= 300) webhookFailures.push(`eBay ${d?.status}`);
          }),
        );
      } else {
        const receipt = etsy.sell({ listing_id: item.etsyListing }) as { receipt_id: number };
        const at = Date.now();
        sold.push({ item, where, at, path: 'webhook', order: orderStream('etsy', String(receipt.receipt_id)) });
        pushes.push(
          etsy.deliverWebhook(`${baseUrl}/api/webhooks/etsy`, etsy.orderPaidEvent(receipt.receipt_id), { secret: ETSY_SECRET }).then(([d]) => {
            if (!d || (d.status ?? 500) >= 300) webhookFailures.push(`Etsy ${d?.status}`);
          }),
        );
      }
    }
    await Promise.all(pushes);

    // Poll path: sales nobody pushes, half as fast.
    const pollStart = Date.now();
    for (let n = 0; n < POLL_SALES; n++) {
      await sleep(Math.max(0, pollStart + (n * 2000) / SALES_PER_S - Date.now()));
      const item = queue.shift()!;
      const where: Where = n % 2 === 0 ? 'ebay' : 'etsy';
      const order = where === 'ebay' ? orderStream('ebay', (ebay.sell({ sku: item.sku, seller: item.seller.ebayUser }) as unknown as { orderId: string }).orderId) : orderStream('etsy', String((etsy.sell({ listing_id: item.etsyListing }) as { receipt_id: number }).receipt_id));
      sold.push({ item, where, at: Date.now(), path: 'poll', order });
    }

    // When each delist call reached its marketplace (the first one per listing), and how many came.
    // The request logs are read from where the last look stopped: each request is seen once.
    const ebayWithdrawAt = new Map<string, number>();
    const etsyInactiveAt = new Map<number, number>();
    const calls = { ebay: new Map<string, number>(), etsy: new Map<number, number>() };
    const seen = { ...requestsSeen };
    const look = () => {
      for (; seen.ebay < ebay.requests.length; seen.ebay++) {
        const r = ebay.requests[seen.ebay]!;
        const m = /^\/sell\/inventory\/v1\/offer\/([^/]+)\/withdraw$/.exec(r.path);
        if (r.method !== 'POST' || !m) continue;
        const offer = decodeURIComponent(m[1]!);
        if (!ebayWithdrawAt.has(offer)) ebayWithdrawAt.set(offer, r.at.getTime());
        calls.ebay.set(offer, (calls.ebay.get(offer) ?? 0) + 1);
      }
      for (; seen.etsy < etsy.requests.length; seen.etsy++) {
        const r = etsy.requests[seen.etsy]!;
        const m = /^\/v3\/application\/shops\/\d+\/listings\/(\d+)$/.exec(r.path);
        if (r.method !== 'PATCH' || !m || (r.body as Record<string, unknown> | undefined)?.state !== 'inactive') continue;
        const listing = Number(m[1]);
        if (!etsyInactiveAt.has(listing)) etsyInactiveAt.set(listing, r.at);
        calls.etsy.set(listing, (calls.etsy.get(listing) ?? 0) + 1);
      }
    };
    const delistedAt = (sale: (typeof sold)[number]): number | null => {
      const others = sale.where === 'ebay' ? [etsyInactiveAt.get(sale.item.etsyListing)] : [ebayWithdrawAt.get(sale.item.ebayOffer)];
      others.push(vintedDeleteAt.get(sale.item.vintedListing));
      return others.every((t) => t !== undefined) ? Math.max(...(others as number[])) : null;
    };
    const deadline = Date.now() + POLL_SECONDS * 1000 * 3 + 60_000;
    while (Date.now() < deadline) {
      look();
      if (sold.every((sale) => delistedAt(sale) !== null)) break;
      await sleep(50);
    }
    // A moment more, for delist calls that would come twice.
    await sleep(2000);
    look();
    finished = true;
    for (const { extension } of sellers) extension.stop();
    await Promise.all(performing);

    const latencies = (path: 'webhook' | 'poll', where?: Where) =>
      sold.filter((x) => x.path === path && (!where || x.where === where)).flatMap((x) => {
        const t = delistedAt(x);
        return t === null ? [] : [t - x.at];
      });
    const webhook = latencies('webhook');
    const extra = (m: Map<unknown, number>) => [...m.values()].reduce((sum, n) => sum + n - 1, 0);
    let productsLeftLive = 0;
    for (const seller of sellers) {
      const mine = sold.filter((x) => x.item.seller === seller).map((x) => x.item.product);
      productsLeftLive += (await s.pool.query<{ n: number }>(`select count(distinct product_id)::int as n from ${listingsOf(seller)} where status = 'active' and product_id = any($1::uuid[])`, [mine])).rows[0]!.n;
    }
    const healthP99 = percentile(health, 99);

    // Where the time goes, from the log: when the order was recorded, the sale, the delists decided.
    const firstAt = new Map<string, number>();
    for (const seller of sellers) {
      const { rows: logged } = await s.pool.query<{ stream_id: string; type: string; at: Date }>(
        `select stream_id, type, min(recorded_at) as at from ${s.tenancy.table(seller.tenant, 'events')}
          where recorded_at >= $1 and type in ('MarketplaceOrderReported', 'ProductSold', 'ListingDelistRequested') group by 1, 2`,
        [new Date(webhookStart - 1000)],
      );
      for (const r of logged) firstAt.set(`${r.stream_id} ${r.type}`, r.at.getTime());
    }
    const stage = (path: 'webhook' | 'poll', at: (x: (typeof sold)[number]) => number | undefined) =>
      Math.round(percentile(sold.filter((x) => x.path === path).flatMap((x) => { const t = at(x); return t === undefined ? [] : [t - x.at]; }), 50));
    const otherListing = (x: (typeof sold)[number]) => (x.where === 'ebay' ? x.item.etsyListingStream : x.item.ebayListingStream);
    const pathFigures = (path: 'webhook' | 'poll') => {
      const all = latencies(path);
      return {
        [`${path}_delisted_everywhere`]: all.length,
        [`${path}_p50_ms`]: Math.round(percentile(all, 50)),
        [`${path}_p99_ms`]: Math.round(percentile(all, 99)),
        [`${path}_max_ms`]: Math.round(Math.max(0, ...all)),
        [`${path}_ebay_sale_p99_ms`]: Math.round(percentile(latencies(path, 'ebay'), 99)),
        [`${path}_etsy_sale_p99_ms`]: Math.round(percentile(latencies(path, 'etsy'), 99)),
        [`${path}_order_recorded_p50_ms`]: stage(path, (x) => firstAt.get(`${x.order} MarketplaceOrderReported`)),
        [`${path}_sale_recorded_p50_ms`]: stage(path, (x) => firstAt.get(`${productStream(x.item.product)} ProductSold`)),
        [`${path}_delist_decided_p50_ms`]: stage(path, (x) => firstAt.get(`${otherListing(x)} ListingDelistRequested`)),
        [`${path}_marketplace_delist_received_p50_ms`]: stage(path, (x) => (x.where === 'ebay' ? etsyInactiveAt.get(x.item.etsyListing) : ebayWithdrawAt.get(x.item.ebayOffer))),
        [`${path}_vinted_delete_received_p50_ms`]: stage(path, (x) => vintedDeleteAt.get(x.item.vintedListing)),
      };
    };
    const figures = {
      sellers: SELLERS,
      products: COUNT,
      listings: COUNT * MARKETPLACES.length,
      sales_per_s: SALES_PER_S,
      webhook_sales: WEBHOOK_SALES,
      webhook_failures: webhookFailures.length,
      ...pathFigures('webhook'),
      poll_seconds: POLL_SECONDS,
      poll_sales: POLL_SALES,
      ...pathFigures('poll'),
      duplicate_delist_calls: extra(calls.ebay) + extra(calls.etsy),
      sold_products_still_listed: productsLeftLive,
      health_p50_ms: Math.round(percentile(health, 50) * 10) / 10,
      health_p99_ms: Math.round(healthP99 * 10) / 10,
      webhook_p99_to_health_p99: Math.round((percentile(webhook, 99) / Math.max(healthP99, 0.1)) * 10) / 10,
    };
    console.log(`\n${'figure'.padEnd(30)}value`);
    for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(30)}${v.toLocaleString('en-US')}`);
    console.log(JSON.stringify(figures));
  } finally {
    await started.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
