import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEtsyDouble, type EtsyDouble } from './server';
import { call, draftForm, imageForm, PNG, seller } from './test-client';
import { newWebhookSecret } from './webhooks';

let etsy: EtsyDouble;

beforeAll(async () => {
  etsy = await startEtsyDouble({ whenMadeYear: 2026, rateLimits: { perSecond: 1000, perDay: 100000 } });
});
afterAll(() => etsy.stop());
beforeEach(() => etsy.reset());

async function activeListing(double: EtsyDouble, quantity = 2): Promise<{ id: number; token: string }> {
  const token = double.issueTokens().access_token;
  const { shopId } = seller(double);
  const id = (await call(double, 'POST', `/v3/application/shops/${shopId}/listings`, { token, form: draftForm(double, { quantity: String(quantity) }) })).json.listing_id as number;
  await call(double, 'POST', `/v3/application/shops/${shopId}/listings/${id}/images`, { token, body: imageForm(PNG) });
  expect((await call(double, 'PATCH', `/v3/application/shops/${shopId}/listings/${id}`, { token, form: { state: 'active' } })).status).toBe(200);
  return { id, token };
}

describe('rate limits', () => {
  it("When calls are made, then each answer carries Etsy's four rate-limit headers counting down", async () => {
    const first = await call(etsy, 'GET', '/v3/application/openapi-ping');
    const second = await call(etsy, 'GET', '/v3/application/openapi-ping');
    expect(first.headers.get('x-limit-per-second')).toBe('1000');
    expect(first.headers.get('x-limit-per-day')).toBe('100000');
    expect(Number(first.headers.get('x-remaining-today')) - Number(second.headers.get('x-remaining-today'))).toBe(1);
    expect(second.headers.get('x-remaining-this-second')).not.toBeNull();
  });

  it('When the per-second limit is spent, then Etsy answers 429 with retry-after and without the limit headers', async () => {
    const frozen = Date.now();
    const limited = await startEtsyDouble({ rateLimits: { perSecond: 2, perDay: 1000 }, now: () => frozen });
    try {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await call(limited, 'GET', '/v3/application/openapi-ping'));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 429, 429]);
      expect(answers[1]!.headers.get('x-remaining-this-second')).toBe('0');
      const refused = answers.filter((a) => a.status === 429);
      expect(refused[0]!.headers.get('retry-after')).toBe('1');
      expect(refused[0]!.headers.get('x-limit-per-second')).toBeNull();
      expect(refused[0]!.json.error).toEqual(expect.any(String));
      limited.advanceTime(1);
      expect((await call(limited, 'GET', '/v3/application/openapi-ping')).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it('When the daily quota is spent, then 429 says to retry when the oldest bucket leaves the 24-hour window', async () => {
    const limited = await startEtsyDouble({ rateLimits: { perSecond: 100, perDay: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await call(limited, 'GET', '/v3/application/openapi-ping')).status).toBe(200);
      const refused = await call(limited, 'GET', '/v3/application/openapi-ping');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
      limited.advanceTime(24 * 3600);
      expect((await call(limited, 'GET', '/v3/application/openapi-ping')).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});

describe('fault injection', () => {
  const ping = (signal?: AbortSignal) => call(etsy, 'GET', '/v3/application/openapi-ping', { signal });

  it('When a status fault is queued, then the next matching request gets it with retry-after and the one after is normal', async () => {
    etsy.faults.next({ path: '/v3/application/openapi-ping', kind: 'status', status: 503, retryAfterSeconds: 7 });
    const faulted = await ping();
    expect(faulted).toMatchObject({ status: 503, json: { error: 'Service Unavailable' } });
    expect(faulted.headers.get('retry-after')).toBe('7');
    expect((await ping()).status).toBe(200);
  });

  it('When a fault names a method and repeats, then it hits only that method, that many times', async () => {
    etsy.faults.next({ method: 'POST', path: /\/listings$/, kind: 'status', status: 500, times: 2 });
    expect((await ping()).status).toBe(200);
    const token = etsy.issueTokens().access_token;
    const post = () => call(etsy, 'POST', `/v3/application/shops/${seller(etsy).shopId}/listings`, { token, form: draftForm(etsy) });
    expect((await post()).json).toEqual({ error: 'Server Error' });
    expect((await post()).status).toBe(500);
    expect((await post()).status).toBe(201);
  });

  it('When a request hangs, then it never answers while the double keeps serving others', async () => {
    etsy.faults.next({ kind: 'hang' });
    await expect(ping(AbortSignal.timeout(300))).rejects.toThrow();
    expect((await ping()).status).toBe(200);
    expect(etsy.requests[0]).toMatchObject({ fault: 'hang', status: null });
  });

  it('When a request is dropped, then the client sees the connection fail', async () => {
    etsy.faults.next({ kind: 'drop' });
    await expect(ping()).rejects.toThrow(/fetch failed/);
    expect((await ping()).status).toBe(200);
  });

  it('When a request is slowed, or latency is set, then the answer takes at least that long', async () => {
    etsy.faults.next({ kind: 'slow', ms: 250 });
    let started = Date.now();
    expect((await ping()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    etsy.latencyMs = 100;
    started = Date.now();
    await ping();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    etsy.latencyMs = 0;
  });
});

describe('receipts', () => {
  it('When the last unit sells, then a paid receipt exists, the quantity drops and the listing is sold_out', async () => {
    const { id, token } = await activeListing(etsy, 2);
    const first = etsy.sell({ listing_id: id });
    expect(first).toMatchObject({ status: 'paid', is_paid: true, transactions: [{ listing_id: id, quantity: 1, price: { amount: 4500, divisor: 100, currency_code: 'EUR' } }], grandtotal: { amount: 4500 } });
    expect((await call(etsy, 'GET', `/v3/application/listings/${id}`)).json).toMatchObject({ state: 'active', quantity: 1 });
    etsy.sell({ listing_id: id });
    const listing = await call(etsy, 'GET', `/v3/application/listings/${id}`, { token });
    expect(listing.json).toMatchObject({ state: 'sold_out', quantity: 0 });
    expect(() => etsy.sell({ listing_id: id })).toThrow(/sold_out/);
    const receipt = await call(etsy, 'GET', `/v3/application/shops/${seller(etsy).shopId}/receipts/${first.receipt_id}`, { token });
    expect(receipt.json).toMatchObject({ receipt_id: first.receipt_id, transactions: [{ transaction_id: expect.any(Number), sku: null }] });
  });

  it('When receipts are listed with filters, then was_paid, min_last_modified, limit and offset select as documented', async () => {
    const { id } = await activeListing(etsy, 5);
    const { shopId } = seller(etsy);
    const old = etsy.sell({ listing_id: id });
    etsy.advanceTime(3600);
    const since = etsy.state.clock.nowSeconds();
    const token = etsy.issueTokens().access_token; // the first one expired with the hour
    const recent = etsy.sell({ listing_id: id, quantity: 2 });
    etsy.sell({ listing_id: id });
    etsy.changeReceipt(old.receipt_id, { is_paid: false, status: 'open' });
    const list = (query: string) => call(etsy, 'GET', `/v3/application/shops/${shopId}/receipts?${query}`, { token });

    const modified = await list(`min_last_modified=${since}`);
    expect(modified.json.count).toBe(3);
    const unpaid = await list('was_paid=false');
    expect((unpaid.json.results as { receipt_id: number }[]).map((r) => r.receipt_id)).toEqual([old.receipt_id]);
    const page = await list('was_paid=true&sort_on=created&sort_order=asc&limit=1&offset=0');
    expect(page.json.count).toBe(2);
    expect((page.json.results as { receipt_id: number }[]).map((r) => r.receipt_id)).toEqual([recent.receipt_id]);
    expect((await list(`max_created=${since - 1}`)).json.count).toBe(1);
    expect((await list('limit=101')).status).toBe(400);
    expect((await call(etsy, 'GET', `/v3/application/shops/${shopId}/receipts/999`, { token })).status).toBe(404);
  });
});

describe('webhooks', () => {
  it('When an order.paid event is delivered, then its Standard Webhooks signature verifies with node:crypto, a bad one does not, and duplicates repeat the id', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/etsy`;
    const secret = newWebhookSecret();
    const verify = ({ headers, body }: { headers: IncomingHttpHeaders; body: string }) => {
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest();
      return String(headers['webhook-signature'])
        .split(' ')
        .some((entry) => entry.startsWith('v1,') && timingSafeEqual(Buffer.from(entry.slice(3), 'base64'), expected));
    };
    try {
      const { id } = await activeListing(etsy);
      const receipt = etsy.sell({ listing_id: id });
      const event = etsy.orderPaidEvent(receipt.receipt_id);
      expect(event).toEqual({ event_type: 'order.paid', resource_url: `${etsy.baseUrl}/v3/application/shops/${seller(etsy).shopId}/receipts/${receipt.receipt_id}`, shop_id: String(seller(etsy).shopId) });

      expect((await etsy.deliverWebhook(url, event, { secret })).map((a) => a.status)).toEqual([204]);
      expect(verify(received[0]!)).toBe(true);
      expect(JSON.parse(received[0]!.body)).toEqual(event);
      expect(received[0]!.headers['webhook-id']).toMatch(/^msg_\w{27}$/);
      expect(Math.abs(Number(received[0]!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);

      await etsy.deliverWebhook(url, event, { secret, badSignature: true });
      expect(verify(received[1]!)).toBe(false);

      await etsy.deliverWebhook(url, event, { secret, duplicate: true });
      expect(received[2]!.headers['webhook-id']).toBe(received[3]!.headers['webhook-id']);
      expect(verify(received[3]!)).toBe(true);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

describe('listing upkeep', () => {
  it('When updateListing sends image_ids, then the images take that order and the ones left out go', async () => {
    const { id, token } = await activeListing(etsy);
    const { shopId } = seller(etsy);
    const upload = async () => (await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings/${id}/images`, { token, body: imageForm(PNG) })).json.listing_image_id as number;
    const [second, third] = [await upload(), await upload()];
    const first = etsy.state.images.get(id)![0]!.listing_image_id;
    await call(etsy, 'PATCH', `/v3/application/shops/${shopId}/listings/${id}`, { token, form: { image_ids: `${third},${first}` } });
    const images = await call(etsy, 'GET', `/v3/application/listings/${id}/images`);
    expect((images.json.results as { listing_image_id: number; rank: number }[]).map((i) => [i.listing_image_id, i.rank])).toEqual([[third, 1], [first, 2]]);
    expect(etsy.state.images.get(id)!.some((i) => i.listing_image_id === second)).toBe(false);
    expect((await call(etsy, 'PATCH', `/v3/application/shops/${shopId}/listings/${id}`, { token, form: { image_ids: '1' } })).status).toBe(400);
  });

  it('When listings are listed by shop, then the state filter (active by default) and the paging apply', async () => {
    const { id, token } = await activeListing(etsy);
    const { shopId } = seller(etsy);
    await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings`, { token, form: draftForm(etsy) });
    const active = await call(etsy, 'GET', `/v3/application/shops/${shopId}/listings`, { token });
    expect(active.json).toMatchObject({ count: 1, results: [{ listing_id: id }] });
    expect((await call(etsy, 'GET', `/v3/application/shops/${shopId}/listings?state=draft`, { token })).json.count).toBe(1);
  });
});

describe('inspection', () => {
  it('When requests arrive, then the log keeps method, path, query, parsed body and multipart parts, and reset() empties it', async () => {
    const token = etsy.issueTokens().access_token;
    const { shopId } = seller(etsy);
    const id = (await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings?legacy=true`, { token, form: draftForm(etsy) })).json.listing_id as number;
    await call(etsy, 'POST', `/v3/application/shops/${shopId}/listings/${id}/images`, { token, body: imageForm(PNG, 'image/png', 'front.png', { rank: '1', alt_text: 'Front' }) });
    const [create, upload] = etsy.requests;
    expect(create).toMatchObject({ method: 'POST', path: `/v3/application/shops/${shopId}/listings`, query: { legacy: 'true' }, status: 201, contentType: expect.stringContaining('application/x-www-form-urlencoded') });
    expect(create!.body).toMatchObject({ title: 'Vintage Levis 501 jeans, W32 L34', tags: 'vintage,denim,levis' });
    expect(upload).toMatchObject({ status: 201, body: { rank: '1', alt_text: 'Front' }, files: [{ field: 'image', filename: 'front.png', mimetype: 'image/png', size: PNG.length }] });
    expect(etsy.state.images.get(id)!.length).toBe(1);
    etsy.reset();
    expect(etsy.requests).toEqual([]);
    expect(etsy.state.listings.size).toBe(0);
  });
});
