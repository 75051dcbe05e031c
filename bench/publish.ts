/*
 * `npm run bench:publish`: Stoflow's own overhead in publishing. One seller, connected to the
 * eBay double (zero latency, so the figure is ours, not eBay's), 1,000 products with a photo;
 * then each product is published through the same handler as POST /api/products/{id}/publish,
 * 32 at a time, while this process's reactors carry the listings out. Reports listings/s and the
 * time from the publish call to `active` (p50, p99), next to the rate of product creations
 * through the command path measured in the same run (the ceiling: a publication is several
 * commands and four eBay calls). Prints a table, then one JSON object as the last line. Not a
 * test: the figures depend on the machine.
 *
 * BENCH_LISTINGS (1,000) overrides the count.
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
import { startEbayDouble } from '../test/doubles/ebay';
import { JPEG } from '../test/products/images';
import { productBody } from './api';

const COUNT = Number(process.env.BENCH_LISTINGS ?? 1000);
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
    PUBLIC_BASE_URL: 'https://bench.stoflow.test',
  });
  const database = await openDatabase(config, logger);
  let services: ReturnType<typeof buildContainer> | undefined;
  try {
    await prepareSchema(config, database, logger);
    services = buildContainer(config, logger, database);
    const s = services;
    const account = await registerAccount(s, { email: 'publish@bench.example.test', password: 'Velvet-Jacket-1987', full_name: 'Bench Seller', account_type: 'individual' });
    const tenant = account.tenant_id;
    const meta = { event: { actor: account.user_id } };

    // Connected as the OAuth callback connects: the grant's tokens sealed, then the grant recorded.
    const auth = s.marketplaceAuth.ebay!;
    const tokens = ebay.issueUserTokens('bench_seller');
    const described = await auth.describe(tokens.accessToken);
    await s.credentials.save(tenant, 'ebay', described.account.id, { accessToken: tokens.accessToken, accessExpiresAt: new Date(Date.now() + 7_000_000), refreshToken: tokens.refreshToken, refreshExpiresAt: null, scopes: [] });
    await runConnectionCommand(s.commandDeps, tenant, { type: 'RecordConnection', marketplace: 'ebay', account: described.account, scopes: [], site: described.site, options: described.options, now: new Date() }, meta);

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
    const listingOf = new Map<string, string>();
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
    const publishing = Date.now();
    next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let n = next++; n < COUNT; n = next++) {
          const at = Date.now();
          const { listings } = await publishProduct(s.publishDeps, tenant, { product_id: ids[n]!, marketplaces: ['ebay'], overrides: { ebay: { category_id: '11450' } } }, meta);
          started.set(listings[0]!.id, at);
          listingOf.set(ids[n]!, listings[0]!.id);
        }
      }),
    );
    const deadline = Date.now() + 10 * 60_000;
    while (activeAt.size < COUNT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    clearInterval(watch);
    const seconds = (Math.max(...activeAt.values()) - publishing) / 1000;
    const latencies = [...activeAt.entries()].map(([id, at]) => at - (started.get(id) ?? at));
    const published = [...ebay.state.listings.values()].filter((l) => l.status === 'ACTIVE').length;

    const figures = {
      listings: COUNT,
      listings_active: activeAt.size,
      ebay_listings_active: published,
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
    await services?.close();
    await database.stop();
    await ebay.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
