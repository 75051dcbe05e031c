/*
 * Etsy counts calls per token (10 a second here, the double's default as Etsy's own): a connect,
 * the publisher and the order reader spend one budget per shop. Through the real connector code
 * against the Etsy double.
 */
import { etsyApi } from '../../src/marketplaces/etsy/api';
import { etsyAuth } from '../../src/marketplaces/etsy/auth';
import { etsyOrderReader } from '../../src/marketplaces/etsy/orders';
import { createCallPacer } from '../../src/infra/call-pacer';
import { startEtsyDouble, type EtsyDouble } from '../doubles/etsy/server';
import { call, draftForm, imageForm, PNG, seller } from '../doubles/etsy/test-client';

describe("Etsy's calls share the shop's budget", () => {
  let etsy: EtsyDouble;
  let token: string;
  let shopId: number;
  let receipts: number[];

  beforeAll(async () => {
    etsy = await startEtsyDouble({ rateLimits: { perSecond: 10, perDay: 100_000 } });
    token = etsy.issueTokens().access_token;
    shopId = seller(etsy).shopId;
    const listing = (await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings`, { token, form: draftForm(etsy, { quantity: '8' }) })).json.listing_id as number;
    await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings/${listing}/images`, { token, body: imageForm(PNG) });
    await call(etsy, 'PATCH', `/v3/application/shops/${shopId}/listings/${listing}`, { token, form: { state: 'active' } });
    receipts = Array.from({ length: 6 }, () => (etsy.sell({ listing_id: listing }) as { receipt_id: number }).receipt_id);
  });
  afterAll(() => etsy.stop());

  function connector() {
    const settings = { apiKey: etsy.app.keystring, sharedSecret: etsy.app.sharedSecret, apiBaseUrl: etsy.baseUrl, authBaseUrl: etsy.authBaseUrl, timeoutMs: 5000 };
    // Stoflow's default: 5 a second per shop, 5 at once, against Etsy's 10.
    const api = etsyApi({ ...settings, pacer: createCallPacer({ perSecond: 5, burst: 5, prefix: 'test' }) });
    return { auth: etsyAuth(settings, () => new Date(), api), reader: etsyOrderReader(api) };
  }

  it('When a connect reads the shop while six webhooks read their receipts at once, then every call is answered and none is refused for the rate', async () => {
    const { auth, reader } = connector();
    await new Promise((r) => setTimeout(r, 1100)); // a fresh second for the double's counter
    const from = etsy.requests.length;
    const [described, ...orders] = await Promise.all([auth.describe(token), ...receipts.map((r) => reader.readOrder(token, `${shopId}-${r}`))]);
    expect(described.account).toMatchObject({ shop_id: String(shopId) });
    expect(orders.map((o) => o.lines.length)).toEqual([1, 1, 1, 1, 1, 1]);
    const answered = etsy.requests.slice(from).map((r) => r.status);
    expect(answered).toHaveLength(11);
    expect(answered.filter((s) => s === 429)).toEqual([]);
  });

  it('When Etsy answers a receipt read with 429 and retry-after 1, then the read waits it out and answers the receipt', async () => {
    const { reader } = connector();
    const from = etsy.requests.length;
    etsy.faults.next({ method: 'GET', path: /\/receipts\/\d+$/, kind: 'status', status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const order = await reader.readOrder(token, `${shopId}-${receipts[0]}`);
    expect(order.lines).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(etsy.requests.slice(from).map((r) => r.status)).toEqual([429, 200]);
  });
});
