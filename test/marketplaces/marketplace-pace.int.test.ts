/*
 * The pace of calls to Etsy and eBay as the marketplaces count them, shared through the real
 * Redis: the real connector code against the doubles by base URL, each "process" a pacer of its
 * own on the same Redis.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createCallPacer } from '../../src/infra/call-pacer';
import { createLogger } from '../../src/infra/logger';
import { redisCircuit, type RedisCircuit } from '../../src/infra/redis';
import { etsyApi } from '../../src/marketplaces/etsy/api';
import { ebayApi } from '../../src/marketplaces/ebay/api';
import { ebayOrderReader } from '../../src/marketplaces/ebay/orders';
import { MarketplaceCallError } from '../../src/marketplaces/http';
import { startEtsyDouble, type EtsyDouble } from '../doubles/etsy/server';
import { seller } from '../doubles/etsy/test-client';
import { startEbayDouble, type EbayDouble } from '../doubles/ebay';

const logger = createLogger({ level: 'silent' });

describe('Marketplace calls paced as the marketplaces count them', () => {
  const clients: Redis[] = [];
  const circuits: RedisCircuit[] = [];
  let etsy: EtsyDouble;
  let ebay: EbayDouble;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const client = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 0 });
      clients.push(client);
      circuits.push(redisCircuit(client, logger));
    }
    await Promise.all(clients.map((c) => c.ping()));
    [etsy, ebay] = await Promise.all([startEtsyDouble({ rateLimits: { perSecond: 2, perDay: 100_000 } }), startEbayDouble()]);
  });
  afterAll(async () => {
    for (const c of circuits) c.close();
    for (const c of clients) c.disconnect();
    await Promise.all([etsy.stop(), ebay.close()]);
  });

  it("When Etsy's x-limit-per-second is lower than the configured pace, then the shop's calls are spaced by Etsy's figure", async () => {
    const token = etsy.issueTokens().access_token;
    const shopId = String(seller(etsy).shopId);
    // Configured: 5 a second, 5 at once; Etsy says 2.
    const api = etsyApi({ apiKey: etsy.app.keystring, sharedSecret: etsy.app.sharedSecret, apiBaseUrl: etsy.baseUrl, timeoutMs: 5000, pacer: createCallPacer({ perSecond: 5, burst: 5, prefix: `pace:test:${randomUUID()}`, circuit: circuits[0] }) });
    const first = await api.call(token, shopId, 'GET', `/shops/${shopId}`);
    expect(first.headers.get('x-limit-per-second')).toBe('2');

    const from = etsy.requests.length;
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 6 }, () => api.call(token, shopId, 'GET', `/shops/${shopId}`)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    const sent = etsy.requests.slice(from);
    expect(sent.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // 500 ms apart (Etsy's 2 a second), where the configured pace would have sent five at once.
    sent.slice(1).forEach((r, i) => expect(r.at - sent[i]!.at).toBeGreaterThanOrEqual(400));
  });

  it("When two processes call for one eBay account, then they share its pace; when eBay answers one 429 with Retry-After, then the other holds back until it has passed, order reads too", async () => {
    const token = ebay.issueUserTokens('stoflow_test_seller').accessToken;
    const prefix = `pace:test:${randomUUID()}`;
    const apis = circuits.map((circuit) => ebayApi({ pacer: createCallPacer({ perSecond: 5, prefix, circuit }) }));
    const [a, b] = apis.map((api) => ebayOrderReader({ apiBaseUrl: ebay.baseUrl, timeoutMs: 5000, api }));
    const account = { id: 'stoflow_test_seller', name: 'stoflow_test_seller' };
    const read = (reader: typeof a) => reader!.ordersModified!(token, new Date(Date.now() - 60_000), new Date(), account);

    // Six calls of normal priority (a comparison's reads), alternating between the processes: one
    // turn every 200 ms between them.
    const started = Date.now();
    for (let i = 0; i < 6; i++) {
      await apis[i % 2]!(token, { method: 'GET', url: `${ebay.baseUrl}/sell/fulfillment/v1/order?limit=1`, headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, timeoutMs: 5000 });
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    ebay.faults.next({ method: 'GET', path: '/sell/fulfillment/v1/order', kind: 'status', status: 429, retryAfterSeconds: 2 });
    const refused = await read(a).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(MarketplaceCallError);
    expect(refused).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 2 });
    const from = ebay.requests.length;
    const held = Date.now();
    await read(b);
    expect(Date.now() - held).toBeGreaterThanOrEqual(1800);
    expect(ebay.requests.slice(from).map((r) => r.status)).toEqual([200]);
  });
});
