// The eBay publisher's update and its condition check, against a bare HTTP server that answers as eBay does and records each call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ebayPublisher } from '../../src/marketplaces/ebay/publisher';
import { MarketplaceCallError } from '../../src/marketplaces/http';
import type { PublicationDraft } from '../../src/shared/marketplace-publisher';

interface Call {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

let server: Server;
let baseUrl = '';
const calls: Call[] = [];
/** The answer to the next bulkUpdatePriceQuantity call; every entry 200 when unset. */
let bulkAnswer: { status: number; body: unknown } | null = null;
/** The answer to getItemConditionPolicies; 204 (no content) when unset. */
let policyAnswer: { status: number; body: unknown } | null = null;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      calls.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      if (req.url === '/sell/inventory/v1/bulk_update_price_quantity') {
        const { requests } = body as { requests: { sku: string; offers: { offerId: string }[] }[] };
        const answer = bulkAnswer ?? { status: 200, body: { responses: [{ sku: requests[0]!.sku, statusCode: 200 }, ...requests[0]!.offers.map((o) => ({ offerId: o.offerId, sku: requests[0]!.sku, statusCode: 200 }))] } };
        bulkAnswer = null;
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        return;
      }
      if (req.url!.startsWith('/sell/metadata/v1/')) {
        if (!policyAnswer) return void res.writeHead(204).end();
        res.writeHead(policyAnswer.status, { 'content-type': 'application/json' }).end(JSON.stringify(policyAnswer.body));
        return;
      }
      if (/\/publish\/$/.test(req.url!)) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ listingId: 'L1' }));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  calls.length = 0;
  bulkAnswer = null;
  policyAnswer = null;
});

const publisher = () => ebayPublisher({ apiBaseUrl: baseUrl, timeoutMs: 2000 });
let links = 0;
function draft(over: Partial<PublicationDraft> = {}): PublicationDraft {
  // Each draft has fresh photo links, as each update makes them.
  const url = `https://stoflow.test/media/l/token-${++links}.jpg`;
  return {
    sku: 'STF-1',
    title: 'Veste en jean',
    description: 'Très bon état.',
    price_cents: 3990,
    currency: 'EUR',
    quantity: 3,
    condition: '4000',
    category_id: '11450',
    aspects: { Brand: ['Levi’s'] },
    image_urls: [url],
    images: [{ id: 'photo-1', url, file: 'p/1.jpg', content_type: 'image/jpeg' }],
    settings: { fulfillment_policy_id: 'f', payment_policy_id: 'p', return_policy_id: 'r', merchant_location_key: 'paris' },
    site: 'EBAY_FR',
    account: null,
    who_made: null,
    when_made: null,
    is_supply: false,
    tags: [],
    materials: [],
    ...over,
  };
}
const kinds = () => calls.map((c) => `${c.method} ${c.path}`);

describe('eBay updates', () => {
  it('When a listing has no content digest (published before one was kept), then the update replaces the item and the offer and answers the digest; the next price-only change is one bulk call', async () => {
    const learnt = await publisher().update('tok', draft(), { offer_id: 'O1', listing_id: 'L1' });
    expect(kinds()).toEqual(['PUT /sell/inventory/v1/inventory_item/STF-1', 'PUT /sell/inventory/v1/offer/O1']);
    expect(calls.map((c) => c.headers['content-language'])).toEqual(['fr-FR', 'fr-FR']);
    const digest = (learnt as { content_digest: string }).content_digest;
    expect(digest).toMatch(/^[0-9a-f]{32}$/);

    calls.length = 0;
    const again = await publisher().update('tok', draft({ price_cents: 4500, quantity: 2 }), { offer_id: 'O1', listing_id: 'L1', content_digest: digest });
    expect(again).toBeUndefined();
    expect(kinds()).toEqual(['POST /sell/inventory/v1/bulk_update_price_quantity']);
    expect(calls[0]!.body).toEqual({ requests: [{ sku: 'STF-1', shipToLocationAvailability: { quantity: 2 }, offers: [{ offerId: 'O1', availableQuantity: 2, price: { value: '45.00', currency: 'EUR' } }] }] });
  });

  it('When anything but the price and quantity changes (title, photos, aspects, a policy), then the digest differs and the update is a full replace', async () => {
    const digest = ((await publisher().update('tok', draft(), { offer_id: 'O1' })) as { content_digest: string }).content_digest;
    const changed: Partial<PublicationDraft>[] = [
      { title: 'Veste en jean Levi’s' },
      { images: [{ id: 'photo-2', url: 'https://stoflow.test/media/l/x.jpg', file: 'p/2.jpg', content_type: 'image/jpeg' }] },
      { aspects: { Brand: ['Lee'] } },
      { settings: { fulfillment_policy_id: 'f2', payment_policy_id: 'p', return_policy_id: 'r', merchant_location_key: 'paris' } },
      { category_id: '57988' },
    ];
    for (const over of changed) {
      calls.length = 0;
      const learnt = await publisher().update('tok', draft(over), { offer_id: 'O1', content_digest: digest });
      expect(kinds()).toEqual(['PUT /sell/inventory/v1/inventory_item/STF-1', 'PUT /sell/inventory/v1/offer/O1']);
      expect((learnt as { content_digest: string }).content_digest).not.toBe(digest);
    }
  });

  it('When eBay answers the bulk call with an error entry for the offer, then the update throws eBay’s error, permanent for a 400 entry and retryable for a 500 one', async () => {
    const digest = ((await publisher().update('tok', draft(), { offer_id: 'O1' })) as { content_digest: string }).content_digest;
    const entry = (statusCode: number, errorId: number) => ({ offerId: 'O1', sku: 'STF-1', statusCode, errors: [{ errorId, domain: 'API_INVENTORY', category: 'REQUEST', message: `error ${errorId}` }] });

    bulkAnswer = { status: 207, body: { responses: [{ sku: 'STF-1', statusCode: 200 }, entry(400, 25713)] } };
    const refused = await publisher().update('tok', draft({ price_cents: 4500 }), { offer_id: 'O1', content_digest: digest }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MarketplaceCallError);
    expect(refused).toMatchObject({ status: 400, retryable: false, problems: [{ id: '25713', message: 'error 25713' }] });

    bulkAnswer = { status: 200, body: { responses: [entry(500, 25001)] } };
    const failed = await publisher().update('tok', draft({ price_cents: 4500 }), { offer_id: 'O1', content_digest: digest }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ status: 500, retryable: true, problems: [{ id: '25001' }] });

    // The item's own entry fails while the offer's succeeds: not done either.
    bulkAnswer = { status: 207, body: { responses: [{ sku: 'STF-1', statusCode: 400, errors: [{ errorId: 25702, message: 'STF-1 could not be found' }] }, { offerId: 'O1', sku: 'STF-1', statusCode: 200 }] } };
    await expect(publisher().update('tok', draft({ price_cents: 4500 }), { offer_id: 'O1', content_digest: digest })).rejects.toMatchObject({ retryable: false, problems: [{ id: '25702' }] });

    // An answer that says nothing about the offer is not taken as done.
    bulkAnswer = { status: 200, body: { responses: [] } };
    await expect(publisher().update('tok', draft({ price_cents: 4500 }), { offer_id: 'O1', content_digest: digest })).rejects.toMatchObject({ retryable: true, problems: [{ id: 'invalid_answer' }] });
  });
});

describe('eBay item conditions', () => {
  const ask = '/sell/metadata/v1/marketplace/EBAY_FR/get_item_condition_policies?filter=categoryIds%3A%7B11450%7D';
  const policy = (over: Record<string, unknown>) => ({ status: 200, body: { itemConditionPolicies: [{ categoryId: '11450', categoryTreeId: '71', ...over }] } });

  it('When the category does not take the condition, then publish refuses for good before anything is made, naming both in eBay’s words', async () => {
    policyAnswer = policy({ itemConditionRequired: true, itemConditions: [{ conditionId: '1000', conditionDescription: 'Neuf' }, { conditionId: '3000' }] });
    const refused = await publisher().publish('tok', draft(), {}, async () => undefined).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MarketplaceCallError);
    expect(refused).toMatchObject({ retryable: false, problems: [{ id: 'condition_not_allowed', message: 'eBay does not take ‘Used – very good’ (USED_VERY_GOOD) in category 11450; it takes: Neuf, Used' }] });
    expect(kinds()).toEqual([`GET ${ask}`]);
    expect(calls[0]!.headers.authorization).toBe('Bearer tok');
  });

  it('When eBay names no condition for the category, answers without it, or fails, then publishing goes on', async () => {
    for (const answer of [policy({ itemConditionRequired: false }), { status: 200, body: { itemConditionPolicies: [] } }, { status: 503, body: { errors: [{ errorId: 46000 }] } }, { status: 400, body: { errors: [{ errorId: 46003 }] } }, null]) {
      calls.length = 0;
      policyAnswer = answer;
      const done = await publisher().publish('tok', draft(), { offer_id: 'O1' }, async () => undefined);
      expect(done.external.listing_id).toBe('L1');
      expect(kinds()).toEqual([`GET ${ask}`, 'PUT /sell/inventory/v1/inventory_item/STF-1', 'PUT /sell/inventory/v1/offer/O1', 'POST /sell/inventory/v1/offer/O1/publish/']);
    }
  });

  it('When a category’s conditions were read, then they are trusted for six hours by the same publisher, and read again after', async () => {
    let clock = 1_000_000;
    const one = ebayPublisher({ apiBaseUrl: baseUrl, timeoutMs: 2000, now: () => clock });
    policyAnswer = policy({ itemConditionRequired: true, itemConditions: [{ conditionId: '4000', conditionDescription: 'Très bon état' }] });
    const asks = () => calls.filter((c) => c.path.startsWith('/sell/metadata/')).length;
    await one.publish('tok', draft(), { offer_id: 'O1' }, async () => undefined);
    clock += 5 * 3600_000;
    await one.publish('tok', draft(), { offer_id: 'O1' }, async () => undefined);
    expect(asks()).toBe(1);
    // Another site is another question.
    await one.publish('tok', draft({ site: 'EBAY_DE' }), { offer_id: 'O1' }, async () => undefined);
    expect(asks()).toBe(2);
    clock += 2 * 3600_000;
    policyAnswer = policy({ itemConditionRequired: true, itemConditions: [{ conditionId: '1000', conditionDescription: 'Neuf' }] });
    await expect(one.publish('tok', draft(), { offer_id: 'O1' }, async () => undefined)).rejects.toMatchObject({ problems: [{ id: 'condition_not_allowed' }] });
    expect(asks()).toBe(3);
  });
});
