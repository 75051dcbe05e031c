/*
 * `npm run bench:publish`: Stoflow's own overhead in publishing. One seller, connected to the
 * eBay and Etsy doubles and to Vinted through the simulated extension (zero latency, Etsy's
 * pace and Vinted's spacing lifted, so the figures are ours, not the marketplaces'), 1,000
 * products with a photo; then each product is published to the three through the same handler
 * as POST /api/products/{id}/publish, 32 at a time, while this process's reactors carry the
 * eBay and Etsy listings out and the extension, over HTTP, performs the Vinted ones (one at a
 * time, as on a real Vinted account). Reports listings/s and the time from the publish call to
 * `active` (p50, p99), overall and per marketplace, next to the rate of product creations
 * through the command path measured in the same run (the ceiling: a publication is several
 * commands and four marketplace calls). Prints a table, then one JSON object as the last line.
 * Not a test: the figures depend on the machine.
 *
 * BENCH_LISTINGS (1,000) overrides the number of products.
 */
import { publishProduct } from '../src/commands/listings/publish-product';
import type { Marketplace } from '../src/domain/connection/connection';
import { JPEG } from '../test/products/images';
import { productBody } from './api';
import { MARKETPLACES, OVERRIDES, percentile, startMarketplaceSeller } from './marketplace-seller';

const COUNT = Number(process.env.BENCH_LISTINGS ?? 1000);
const IN_FLIGHT = 32;

async function main(): Promise<void> {
  const { s, tenant, meta, ebay, etsy, extension, close } = await startMarketplaceSeller();
  try {
    const ids: string[] = [];
    const creating = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let n = next++; n < COUNT; n = next++) {
          const { product } = await s.commands.createProduct(tenant, productBody(n, `PUB-${n}`), meta);
          ids[n] = product.id;
        }
      }),
    );
    const createPerS = COUNT / ((Date.now() - creating) / 1000);
    for (const [n, id] of ids.entries()) {
      await s.commands.addProductImages(tenant, { product_id: id, files: [{ bytes: JPEG }] }, meta);
      if ((n + 1) % 250 === 0) console.log(`photographed ${n + 1} products`);
    }

    await s.startProcessing();
    const started = new Map<string, number>();
    const activeAt = new Map<string, number>();
    const marketplaceOf = new Map<string, Marketplace>();
    const TOTAL = COUNT * MARKETPLACES.length;
    // Light: only what turned active since the last look, 50 times a second (the latency figures
    // are therefore up to 20 ms late).
    let since = new Date(0);
    const watch = setInterval(() => {
      void s.pool
        .query<{ id: string; updated_at: Date }>(`select id, updated_at from ${s.tenancy.table(tenant, 'listings')} where status = 'active' and updated_at >= $1`, [since])
        .then(({ rows }) => {
          const now = Date.now();
          for (const { id, updated_at } of rows) {
            if (!activeAt.has(id)) activeAt.set(id, now);
            if (updated_at > since) since = updated_at;
          }
        });
    }, 20);
    const performing = extension.run({ until: () => activeAt.size >= TOTAL, wait: 1, timeoutMs: 10 * 60_000 }).catch((err: unknown) => console.error(err));
    const publishing = Date.now();
    next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let n = next++; n < COUNT; n = next++) {
          const at = Date.now();
          const { listings } = await publishProduct(s.publishDeps, tenant, { product_id: ids[n]!, marketplaces: MARKETPLACES, overrides: OVERRIDES }, meta);
          for (const l of listings) {
            started.set(l.id, at);
            marketplaceOf.set(l.id, l.marketplace);
          }
        }
      }),
    );
    const deadline = Date.now() + 10 * 60_000;
    let shown = 0;
    while (activeAt.size < TOTAL && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      if (activeAt.size - shown >= 500) console.log(`${(shown = activeAt.size)} listings active`);
    }
    clearInterval(watch);
    extension.stop();
    await performing;
    const seconds = (Math.max(...activeAt.values()) - publishing) / 1000;
    const latencyOf = (m?: Marketplace) => [...activeAt.entries()].filter(([id]) => !m || marketplaceOf.get(id) === m).map(([id, at]) => at - (started.get(id) ?? at));
    const latencies = latencyOf();
    const per = Object.fromEntries(
      MARKETPLACES.flatMap((m) => {
        const mine = latencyOf(m);
        const last = Math.max(...[...activeAt.entries()].filter(([id]) => marketplaceOf.get(id) === m).map(([, at]) => at));
        return [
          [`${m}_active`, mine.length],
          [`${m}_per_s`, Math.round(mine.length / ((last - publishing) / 1000))],
          [`${m}_p99_ms`, percentile(mine, 99)],
        ];
      }),
    );

    const figures = {
      products: COUNT,
      listings: TOTAL,
      listings_active: activeAt.size,
      ebay_live_on_double: [...ebay.state.listings.values()].filter((l) => l.status === 'ACTIVE').length,
      etsy_live_on_double: [...etsy.state.listings.values()].filter((l) => l.state === 'active').length,
      vinted_live_in_wardrobe: extension.wardrobe.listed().length,
      ...per,
      listings_per_s: Math.round(activeAt.size / seconds),
      publish_to_active_p50_ms: percentile(latencies, 50),
      publish_to_active_p99_ms: percentile(latencies, 99),
      create_per_s: Math.round(createPerS),
      listings_to_create: Math.round((activeAt.size / seconds / createPerS) * 100) / 100,
    };
    console.log(`\n${'figure'.padEnd(28)}value`);
    for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(28)}${v.toLocaleString('en-US')}`);
    console.log(JSON.stringify(figures));
  } finally {
    await close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
