// Subscribing a seller to eBay's order pushes: the real adapter against the eBay double, whose
// createDestination challenges the endpoint (routed here to a local responder).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ebayApplicationToken } from '../../src/marketplaces/ebay/application-token';
import { ebayChallengeResponse } from '../../src/marketplaces/ebay/notifications';
import { ebayNotificationSubscriber, ORDER_TOPIC, type EbaySubscriberSettings } from '../../src/marketplaces/ebay/notification-subscriptions';
import { MarketplaceCallError } from '../../src/shared/marketplace-errors';
import { SCOPES, startEbayDouble, type EbayDouble } from '../doubles/ebay';

const ENDPOINT = 'https://hooks.stoflow.test/api/webhooks/ebay';
const TOKEN = 'stoflow-test-verification-token-0123456789';
const USER = 'stoflow_test_seller';

let ebay: EbayDouble;
let responder: Server;

beforeAll(async () => {
  ebay = await startEbayDouble();
  // Stoflow's GET /api/webhooks/ebay?challenge_code=, reduced to the answer.
  responder = createServer((req, res) => {
    const code = new URL(req.url ?? '/', 'http://x').searchParams.get('challenge_code') ?? '';
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ challengeResponse: ebayChallengeResponse(code, TOKEN, ENDPOINT) }));
  });
  await new Promise<void>((resolve) => responder.listen(0, '127.0.0.1', resolve));
  ebay.routeEndpoint('https://hooks.stoflow.test', `http://127.0.0.1:${(responder.address() as AddressInfo).port}`);
});
afterAll(async () => {
  await new Promise<void>((resolve) => responder.close(() => resolve()));
  await ebay.close();
});
beforeEach(() => ebay.reset());

function subscriber(over: Partial<EbaySubscriberSettings> = {}) {
  return ebayNotificationSubscriber({
    apiBaseUrl: ebay.baseUrl,
    timeoutMs: 2000,
    endpoint: ENDPOINT,
    verificationToken: TOKEN,
    alertEmail: 'ops@stoflow.test',
    applicationToken: ebayApplicationToken({ clientId: ebay.app.clientId, clientSecret: ebay.app.clientSecret, apiBaseUrl: ebay.baseUrl, timeoutMs: 2000 }),
    credentialsMissing: null,
    ...over,
  });
}

async function refusal(promise: Promise<unknown>): Promise<MarketplaceCallError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof MarketplaceCallError)) throw new Error(`expected a MarketplaceCallError, got ${String(err)}`);
  return err;
}

describe('eBay notification subscriptions', () => {
  it('When a first seller subscribes, then the alert config and the destination are made, the endpoint passes the challenge, and the seller gets ORDER_CONFIRMATION', async () => {
    const seller = ebay.issueUserTokens(USER).accessToken;
    const subscribed = await subscriber().subscribe(seller);
    expect(ebay.notifications.alertEmail).toBe('ops@stoflow.test');
    const [destination] = [...ebay.notifications.destinations.values()];
    expect(destination).toMatchObject({ status: 'ENABLED', deliveryConfig: { endpoint: ENDPOINT, verificationToken: TOKEN } });
    expect(subscribed).toEqual({ topics: [ORDER_TOPIC], destination_id: destination!.destinationId, subscription_ids: { [ORDER_TOPIC]: expect.any(String) } });
    const [subscription] = [...ebay.notifications.subscriptions.values()];
    expect(subscription).toMatchObject({ subscriptionId: subscribed.subscription_ids[ORDER_TOPIC], topicId: ORDER_TOPIC, status: 'ENABLED', userId: ebay.state.userByName(USER)!.userId });
  });

  it('When the same seller subscribes again, from another process, then the existing subscription is found and no second one is made', async () => {
    const first = await subscriber().subscribe(ebay.issueUserTokens(USER).accessToken);
    const again = await subscriber().subscribe(ebay.issueUserTokens(USER).accessToken);
    expect(again).toEqual(first);
    expect(ebay.notifications.destinations.size).toBe(1);
    expect(ebay.notifications.subscriptions.size).toBe(1);
  });

  it('When the subscription was disabled, or points at another destination, then it is enabled, or replaced', async () => {
    const first = await subscriber().subscribe(ebay.issueUserTokens(USER).accessToken);
    const record = ebay.notifications.subscriptions.get(first.subscription_ids[ORDER_TOPIC]!)!;
    record.status = 'DISABLED';
    expect(await subscriber().subscribe(ebay.issueUserTokens(USER).accessToken)).toEqual(first);
    expect(record.status).toBe('ENABLED');

    record.destinationId = 'an-old-destination';
    const replaced = await subscriber().subscribe(ebay.issueUserTokens(USER).accessToken);
    expect(replaced.subscription_ids[ORDER_TOPIC]).not.toBe(first.subscription_ids[ORDER_TOPIC]);
    expect([...ebay.notifications.subscriptions.values()].map((s) => s.destinationId)).toEqual([first.destination_id]);
  });

  it('When eBay marked the destination down, then it is enabled again (and validated again)', async () => {
    const first = await subscriber().subscribe(ebay.issueUserTokens(USER).accessToken);
    ebay.notifications.destinations.get(first.destination_id)!.status = 'MARKED_DOWN';
    await subscriber().subscribe(ebay.issueUserTokens(USER).accessToken);
    expect(ebay.notifications.destinations.get(first.destination_id)!.status).toBe('ENABLED');
    expect(ebay.requests.filter((r) => r.method === 'PUT' && r.path === `/commerce/notification/v1/destination/${first.destination_id}`)).toHaveLength(1);
  });

  it('When the seller’s grant lacks the notification scope, then eBay’s 195011 is a permanent refusal that says to connect again', async () => {
    const withoutScope = ebay.issueUserTokens(USER, [SCOPES.api, SCOPES.inventory, SCOPES.account, SCOPES.fulfillment]).accessToken;
    const err = await refusal(subscriber().subscribe(withoutScope));
    expect(err).toMatchObject({ status: 403, retryable: false });
    expect(err.problems).toEqual([{ id: '195011', message: expect.stringMatching(/connect eBay again/) }]);
    expect(ebay.notifications.subscriptions.size).toBe(0);
  });

  it('When eBay wants an alert email and none is configured, then the refusal names EBAY_NOTIFICATION_ALERT_EMAIL', async () => {
    const err = await refusal(subscriber({ alertEmail: undefined }).subscribe(ebay.issueUserTokens(USER).accessToken));
    expect(err).toMatchObject({ retryable: false, problems: [{ id: '195003', message: expect.stringMatching(/EBAY_NOTIFICATION_ALERT_EMAIL/) }] });
  });

  it('When the endpoint does not answer the challenge, then eBay’s 195020 comes back and nothing is kept for the next try', async () => {
    const wrong = subscriber({ verificationToken: 'another-verification-token-0123456789' });
    const err = await refusal(wrong.subscribe(ebay.issueUserTokens(USER).accessToken));
    expect(err.problems[0]?.id).toBe('195020');
    expect(ebay.notifications.destinations.size).toBe(0);
    // The same subscriber asks eBay again next time (no failed destination is remembered).
    ebay.faults.next({ path: '/commerce/notification/v1/destination', kind: 'status', status: 503 });
    expect((await refusal(wrong.subscribe(ebay.issueUserTokens(USER).accessToken))).retryable).toBe(true);
  });

  it('When eBay answers 5xx, then the failure is retryable; when this server cannot be pushed to, then eBay is not called at all', async () => {
    ebay.faults.next({ method: 'POST', path: '/commerce/notification/v1/subscription', kind: 'status', status: 500 });
    expect((await refusal(subscriber().subscribe(ebay.issueUserTokens(USER).accessToken))).retryable).toBe(true);
    expect((await subscriber().subscribe(ebay.issueUserTokens(USER).accessToken)).topics).toEqual([ORDER_TOPIC]);

    const before = ebay.requests.length;
    expect(subscriber({ endpoint: 'http://localhost:3000/api/webhooks/ebay' }).unavailable).toMatch(/https/);
    expect(subscriber({ verificationToken: undefined }).unavailable).toMatch(/EBAY_NOTIFICATION_VERIFICATION_TOKEN/);
    expect((await refusal(subscriber({ endpoint: 'http://localhost:3000/api/webhooks/ebay' }).subscribe('any'))).retryable).toBe(false);
    expect(ebay.requests.length).toBe(before);
  });
});
