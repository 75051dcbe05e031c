/*
 * What the marketplace benchmarks share: a Stoflow in this process (the API on a local port, the
 * reactors when asked), the eBay and Etsy doubles with zero latency and Etsy's pace lifted, and
 * sellers on the business plan, each connected to an eBay user and an Etsy shop of their own — as
 * the OAuth callback connects: the
 * grant's tokens sealed, the grant recorded, the account linked so the marketplaces'
 * notifications reach the tenant — and to Vinted through the simulated extension, paired over
 * HTTP. The figures are then Stoflow's, not the marketplaces'.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app/app';
import { buildContainer } from '../src/app/container';
import { openDatabase, prepareSchema } from '../src/bootstrap';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/infra/logger';
import { startEbayDouble, type EbayDouble } from '../test/doubles/ebay';
import { startEtsyDouble, type EtsyDouble } from '../test/doubles/etsy/server';
import { connectSeller, ebaySellers, etsySellers, type ConnectedSeller } from '../test/support/marketplace-sellers';

export { MARKETPLACES, OVERRIDES } from '../test/support/marketplace-sellers';

export type Seller = ConnectedSeller;

export interface MarketplaceSellers {
  s: ReturnType<typeof buildContainer>;
  sellers: Seller[];
  ebay: EbayDouble;
  etsy: EtsyDouble;
  baseUrl: string;
  close(): Promise<void>;
}

/** One seller (the first of `startMarketplaceSellers`), flattened. */
export type MarketplaceSeller = Omit<MarketplaceSellers, 'sellers'> & Seller;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function startMarketplaceSeller(env: Record<string, string> = {}): Promise<MarketplaceSeller> {
  const { sellers, ...rest } = await startMarketplaceSellers(1, env);
  return { ...rest, ...sellers[0]! };
}

/** Starts everything, with `count` sellers; `env` adds to (or overrides) the configuration. */
export async function startMarketplaceSellers(count: number, env: Record<string, string> = {}): Promise<MarketplaceSellers> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stoflow-bench-marketplaces-'));
  const logger = createLogger({ level: 'error' });
  const ebay = await startEbayDouble({ users: ebaySellers(count, 'bench_seller') });
  const etsy = await startEtsyDouble({ rateLimits: { perSecond: 100_000, perDay: 1_000_000 }, users: etsySellers(count, 'bench') });
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
    ...env,
  });
  const database = await openDatabase(config, logger);
  let services: ReturnType<typeof buildContainer> | undefined;
  let closeServer = async () => undefined as void;
  const close = async () => {
    await closeServer();
    await services?.close();
    await database.stop();
    await ebay.close();
    await etsy.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await prepareSchema(config, database, logger);
    services = buildContainer(config, logger, database);
    const s = services;
    const server = buildApp(s).listen(0, '127.0.0.1');
    await once(server, 'listening');
    closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sellers: Seller[] = [];
    for (let n = 0; n < count; n++) {
      sellers.push(await connectSeller(s, baseUrl, { ebay, etsy }, { email: `marketplaces-${n}@bench.example.test`, ebayUser: `bench_seller_${n}`, etsyUser: 71000001 + n }));
    }
    return { s, sellers, ebay, etsy, baseUrl, close };
  } catch (err) {
    await close();
    throw err;
  }
}
