import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callMarketplace, MarketplaceCallError } from '../../src/marketplaces/http';
import { isStorableText, storableText, unstorableText } from '../../src/shared/text';

/**
 * A marketplace's answer may carry text PostgreSQL cannot store (a buyer's name or an error
 * message with a NUL, half of a surrogate pair). A sale cannot be refused for its text, so the
 * answer is cleaned as it is read, before any of it reaches an event.
 */
describe('Text in marketplace answers', () => {
  let server: Server;
  let base: string;
  let next: { status: number; type: string; body: string };

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(next.status, { 'content-type': next.type });
      res.end(next.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const call = () => callMarketplace({ marketplace: 'ebay', method: 'GET', url: `${base}/order`, timeoutMs: 5000 });

  it('When text holds a NUL or a lone surrogate, then each is replaced by U+FFFD and well-formed text, emoji included, is kept', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText('\ud800x\udfff')).toBe('\uFFFDx\uFFFD');
    expect(storableText('Veste 👕 été')).toBe('Veste 👕 été');
    expect(isStorableText(storableText('\u0000\ud83d'))).toBe(true);
  });

  it('When a JSON answer holds NUL characters and unpaired surrogates, in values or keys, at any depth, then what the connector reads is storable and otherwise the same', async () => {
    next = {
      status: 200,
      type: 'application/json',
      body: '{"orderId":"12-3","buyer":{"username":"ca\\u0000mille"},"lineItems":[{"title":"Robe \\ud800 noire","sku":"R-1"},{"title":"Sac 👜"}],"note\\u0000":"x"}',
    };
    const { body } = await call();
    expect(unstorableText(body, 'body')).toEqual([]);
    expect(body).toEqual({
      orderId: '12-3',
      buyer: { username: 'ca\uFFFDmille' },
      lineItems: [{ title: 'Robe \uFFFD noire', sku: 'R-1' }, { title: 'Sac 👜' }],
      'note\uFFFD': 'x',
    });
  });

  it('When a refusal is plain text with a NUL, or is cut where a surrogate pair is split, then the message kept for the seller is storable', async () => {
    next = { status: 400, type: 'text/plain', body: `bad\u0000request ${'x'.repeat(1999 - 'bad request '.length)}😀 and more` };
    const failure = await call().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(MarketplaceCallError);
    const messages = (failure as MarketplaceCallError).problems.map((p) => p.message);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(isStorableText(message)).toBe(true);
    expect(messages[0]).toMatch(/^bad\uFFFDrequest x+\uFFFD$/);
  });
});
