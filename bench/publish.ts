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
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, prepareSchema } from '../src/bootstrap';
import { buildContainer } from '../src/app/container';
import { registerAccount } from '../src/accounts/register';
import { publishProduct } from '../src/commands/listings/publish-product';
import { runConnectionCommand } from '../src/commands/connections/record-connection';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/infra/logger';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app/app';
import type { Marketplace } from '../src/domain/connection/connection';
import { startEbayDouble } from '../test/doubles/ebay';
import { startEtsyDouble } from '../test/doubles/etsy/server';
import { pairExtension } from '../test/doubles/vinted-extension';
import { JPEG } from '../test/products/images';
import { productBody } from './api';

const COUNT = Number(process.env.BENCH_LISTINGS ?? 1000);
const MARKETPLACES: Marketplace[] = ['ebay', 'etsy', 'vinted'];
const OVERRIDES = {
  ebay: { category_id: '11450' },
  etsy: { taxonomy_id: '2044', who_made: 'someone_else' as const, when_made: '1990s' },
  vinted: { category_id: '221' },
};
const IN_FLIGHT = 32;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stoflow-bench-publish-'));
  const logger = createLogger({ level: 'error' });
  const ebay = await startEbayDouble({
    users: [
      {
        username: 'bench_seller',
        fulfillmentPolicies: [{ name: 'Colissimo', marketplaceId: 'EBAY_FR' }],
        paymentPolicies: [{ name: 'Managed', marketplaceId: 'EBAY_FR' }],
        returnPolicies: [{ name: '30 days', marketplaceId: 'EBAY_FR' }],
        locations: [{ merchantLocationKey: 'bench', location: { address: { city: 'Paris', postalCode: '75011', country: 'FR' } }, merchantLocationStatus: 'ENABLED' }],
      },
    ],
  });
  const etsy = await startEtsyDouble({ rateLimits: { perSecond: 100_000, perDay: 1_000_000 }, users: [{ user_id: 71000001, login_name: 'bench_atelier', shop: { shop_id: 81000001, shop_name: 'BenchAtelier', currency_code: 'EUR', country_iso: 'FR' } }] });
  const config = loadConfig({
    ENVIRONMENT: 'development',
    LOG_LEVEL: 'error',
    STOFLOW_DATA_DIR: dataDir,
    JWT_SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
    PASSWORD_PEPPER: 'bench-pepper',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    EBAY_CLIENT_ID: ebay.app.clientId,
    EBAY_CLIENT_SECRET: ebay.app.clientSecret,
    EBAY_RU_NAME: ebay.app.ruName,
    EBAY_API_BASE_URL: ebay.baseUrl,
    EBAY_AUTH_BASE_URL: ebay.authBaseUrl,
    ETSY_API_KEY: etsy.app.keystring,
    ETSY_SHARED_SECRET: etsy.app.sharedSecret,
    ETSY_REDIRECT_URI: 'https://bench.stoflow.test/api/integrations/etsy/callback',
    ETSY_API_BASE_URL: etsy.baseUrl,
    ETSY_AUTH_BASE_URL: etsy.authBaseUrl,
    ETSY_CALLS_PER_SECOND: '10000',
    VINTED_MIN_GAP_SECONDS: '0',
    VINTED_MAX_GAP_SECONDS: '0',
    VINTED_WRITES_PER_HOUR: '1000',
    // The extension reports a task every few milliseconds here, not every half-minute as on a real account.
    RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
    PUBLIC_BASE_URL: 'https://bench.stoflow.test',
  });
  const database = await openDatabase(config, logger);
  let services: ReturnType<typeof buildContainer> | undefined;
  let closeServer = async () => undefined as void;
  try {
    await prepareSchema(config, database, logger);
    services = buildContainer(config, logger, database);
    const s = services;
    const account = await registerAccount(s, { email: 'publish@bench.example.test', password: 'Velvet-Jacket-1987', full_name: 'Bench Seller', account_type: 'individual' });
    const tenant = account.tenant_id;
    const meta = { event: { actor: account.user_id } };
    // Three marketplaces and many products: past the free plan, on business as an operator would set it.
    await s.commands.changePlan(tenant, { plan: 'business', reason: 'benchmark' }, { event: { actor: 'operator:bench' } });

    // Connected as the OAuth callback connects: the grant's tokens sealed, then the grant recorded.
    const auth = s.marketplaceAuth.ebay!;
    const tokens = ebay.issueUserTokens('bench_seller');
    const described = await auth.describe(tokens.accessToken);
    await s.credentials.save(tenant, 'ebay', described.account.id, { accessToken: tokens.accessToken, accessExpiresAt: new Date(Date.now() + 7_000_000), refreshToken: tokens.refreshToken, refreshExpiresAt: null, scopes: [] });
    await runConnectionCommand(s.commandDeps, tenant, { type: 'RecordConnection', marketplace: 'ebay', account: described.account, scopes: [], site: described.site, options: described.options, now: new Date() }, meta);
    const etsyTokens = etsy.issueTokens(71000001);
    const etsyShop = await s.marketplaceAuth.etsy!.describe(etsyTokens.access_token);
    await s.credentials.save(tenant, 'etsy', etsyShop.account.id, { accessToken: etsyTokens.access_token, accessExpiresAt: new Date(Date.now() + 3_000_000), refreshToken: etsyTokens.refresh_token, refreshExpiresAt: null, scopes: [] });
    await runConnectionCommand(s.commandDeps, tenant, { type: 'RecordConnection', marketplace: 'etsy', account: etsyShop.account, scopes: [], site: etsyShop.site, options: etsyShop.options, now: new Date() }, meta);
    // Vinted: the extension pairs over HTTP and signs in as the seller's member, as a browser would.
    const server = buildApp(s).listen(0, '127.0.0.1');
    await once(server, 'listening');
    closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
    const extension = await pairExtension(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, account.access_token);

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
    await closeServer();
    await services?.close();
    await database.stop();
    await ebay.close();
    await etsy.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
