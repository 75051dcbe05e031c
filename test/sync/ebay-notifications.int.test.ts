import { ebayChallengeResponse, ebayNotificationVerifier, pemOnLines } from '../../src/marketplaces/ebay/notifications';
import { startEbayDouble, type EbayDouble } from '../doubles/ebay';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';

describe("eBay's notification signatures (against the eBay double's key server)", () => {
  let ebay: EbayDouble;
  beforeAll(async () => {
    ebay = await startEbayDouble();
  });
  afterAll(async () => ebay.close());

  const verifier = (now = () => Date.now()) => ebayNotificationVerifier({ clientId: ebay.app.clientId, clientSecret: ebay.app.clientSecret, apiBaseUrl: ebay.baseUrl, timeoutMs: 2000, now });
  const keyCalls = () => ebay.requests.filter((r) => r.path.startsWith('/commerce/notification/v1/public_key/')).length;

  it('Given a body signed by eBay, then it verifies; one byte changed, or another body, does not', async () => {
    const v = verifier();
    const body = JSON.stringify({ metadata: { topic: 'ORDER_CONFIRMATION' }, notification: { notificationId: 'n', data: { a: 'é' } } });
    const signature = ebay.signNotification(body);
    expect(await v.verify(Buffer.from(body), signature)).toBe(true);
    expect(await v.verify(Buffer.from(body.replace('é', 'e')), signature)).toBe(false);
    expect(await v.verify(Buffer.from(`${body} `), signature)).toBe(false);
  });

  it('Given many notifications, then eBay is asked for the key once an hour, and an unknown kid once per five minutes', async () => {
    let now = Date.now();
    const v = verifier(() => now);
    const before = keyCalls();
    for (let i = 0; i < 5; i++) expect(await v.verify(Buffer.from(`{"n":${i}}`), ebay.signNotification(`{"n":${i}}`))).toBe(true);
    expect(keyCalls() - before).toBe(1);
    now += 61 * 60_000;
    await v.verify(Buffer.from('{}'), ebay.signNotification('{}'));
    expect(keyCalls() - before).toBe(2);

    const forged = Buffer.from(JSON.stringify({ alg: 'ECDSA', kid: 'unknown-kid', signature: 'AAAA', digest: 'SHA1' })).toString('base64');
    expect(await v.verify(Buffer.from('{}'), forged)).toBe(false);
    expect(await v.verify(Buffer.from('{}'), forged)).toBe(false);
    expect(keyCalls() - before).toBe(3);
  });

  it('Given headers that are not eBay’s (absent, not base64 JSON, another algorithm, an unknown digest), then false without asking eBay', async () => {
    const v = verifier();
    const before = keyCalls();
    const header = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64');
    for (const h of [undefined, '', 'not base64 at all!', header({ alg: 'RSA', kid: 'k', signature: 's', digest: 'SHA1' }), header({ alg: 'ECDSA', kid: 'k', signature: 's', digest: 'MD5' }), 'x'.repeat(5000)]) {
      expect(await v.verify(Buffer.from('{}'), h)).toBe(false);
    }
    expect(keyCalls()).toBe(before);
  });

  it('Given eBay’s one-line PEM, then it is put back on lines; the challenge answer is SHA-256 of code, token and endpoint', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const oneLine = `-----BEGIN PUBLIC KEY-----${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}-----END PUBLIC KEY-----`;
    const pem = pemOnLines(oneLine);
    expect(pem.split('\n').every((line) => line.length <= 64)).toBe(true);
    expect(createPublicKey(pem).export({ type: 'spki', format: 'pem' })).toBe(publicKey.export({ type: 'spki', format: 'pem' }));
    expect(ebayChallengeResponse('c0de', 'token', 'https://x.test/api/webhooks/ebay')).toBe(createHash('sha256').update('c0detokenhttps://x.test/api/webhooks/ebay').digest('hex'));
  });
});
