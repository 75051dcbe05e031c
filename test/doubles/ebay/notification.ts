/**
 * Notification API v1.5.1, getPublicKey (GET /commerce/notification/v1/public_key/{public_key_id},
 * application token with https://api.ebay.com/oauth/api_scope), and the push side: signing and
 * delivering notifications as eBay does.
 *
 * - PublicKey is `{algorithm, digest, key}`; eBay answers `ECDSA`, `SHA1` and the PEM on one
 *   line ("-----BEGIN PUBLIC KEY-----MFkw...-----END PUBLIC KEY-----"): eBay's own SDKs put the
 *   line breaks back before verifying. Unknown key: 404 with 195001.
 * - X-EBAY-SIGNATURE is base64 of JSON `{alg, kid, signature, digest}`; `signature` is base64
 *   of the DER ECDSA (P-256) signature, with SHA-1, over the body as sent (eBay's Node SDK
 *   verifies `JSON.stringify(message)` with `ssl3-sha1`).
 * - The envelope is `{metadata: {topic, schemaVersion, deprecated}, notification:
 *   {notificationId, eventDate, publishDate, publishAttemptCount, data}}` (eBay's AsyncAPI
 *   contracts for MARKETPLACE_ACCOUNT_DELETION, AUTHORIZATION_REVOCATION, ORDER_CONFIRMATION).
 * - MARKETPLACE_ACCOUNT_DELETION data: `{username, userId, eiasToken}`, schemaVersion "1.0".
 * - ORDER_CONFIRMATION data: `{user: {userId, username}, order: {orderId, orderLineItems:
 *   [{orderLineItemId, listingId, quantity}]}}`, schemaVersion "1.0". Assumption: this shape is
 *   taken from real deliveries; the AsyncAPI page's prose gives only "the seller looks up the
 *   orderId". One notification per order (real deliveries carry every line item).
 * - The endpoint challenge (GET ?challenge_code=) expects `{challengeResponse}` =
 *   hex SHA-256 of challengeCode + verificationToken + endpoint.
 */
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { Router } from 'express';
import { apiError } from './errors';
import { bearer, SCOPES } from './oauth';
import type { EbayState, Json } from './state';

export class NotificationKeys {
  readonly keyId = randomUUID().replace(/-/g, '');
  private readonly privateKey: KeyObject;
  /** The public key as eBay serves it: PEM markers, base64 body, no line breaks. */
  readonly publicKeyOneLine: string;
  /** The same key as standard multi-line PEM. */
  readonly publicKeyPem: string;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = privateKey;
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const body = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    this.publicKeyOneLine = `-----BEGIN PUBLIC KEY-----${body}-----END PUBLIC KEY-----`;
  }

  /** The X-EBAY-SIGNATURE value for `body` (a string is signed as is, an object as compact JSON). */
  sign(body: string | object): string {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const signature = sign('sha1', Buffer.from(text, 'utf8'), this.privateKey).toString('base64');
    return Buffer.from(JSON.stringify({ alg: 'ECDSA', kid: this.keyId, signature, digest: 'SHA1' })).toString('base64');
  }
}

export function notificationRoutes(state: EbayState, keys: NotificationKeys): Router {
  const router = Router();
  router.get('/public_key/:publicKeyId', bearer(state, 'application', SCOPES.api), (req, res) => {
    if (req.params.publicKeyId !== keys.keyId) throw apiError('API_NOTIFICATION', 404, 195001, 'The specified key id is invalid.', [{ name: 'public_key_id', value: req.params.publicKeyId as string }]);
    res.json({ algorithm: 'ECDSA', digest: 'SHA1', key: keys.publicKeyOneLine });
  });
  return router;
}

export interface NotificationOptions {
  /** Deliver the very same notification twice (eBay delivers at least once). */
  duplicate?: boolean;
  /** Sign something else than the body sent, so verification must fail. */
  badSignature?: boolean;
  schemaVersion?: string;
  /** publishAttemptCount of the (first) delivery; 1 by default. */
  attempt?: number;
  headers?: Record<string, string>;
}

export interface Delivery {
  status: number;
  body: string;
  /** The exact body that was POSTed, and its signature header. */
  sent: string;
  signature: string;
}

export function envelope(state: EbayState, topic: string, data: Json, options: NotificationOptions = {}): Json {
  const now = state.now();
  return {
    metadata: { topic, schemaVersion: options.schemaVersion ?? '1.0', deprecated: false },
    notification: {
      notificationId: `${randomUUID()}_${randomUUID()}`,
      eventDate: new Date(now.getTime() - 1000).toISOString(),
      publishDate: now.toISOString(),
      publishAttemptCount: options.attempt ?? 1,
      data,
    },
  };
}

/** POSTs eBay's envelope for `topic` and `data` to `url`, signed; resolves with each delivery's answer. */
export async function deliver(state: EbayState, keys: NotificationKeys, url: string, topic: string, data: Json, options: NotificationOptions = {}): Promise<Delivery[]> {
  const sent = JSON.stringify(envelope(state, topic, data, options));
  const signature = options.badSignature ? keys.sign(sent.replace('"publishAttemptCount":', '"publishAttemptCount" :')) : keys.sign(sent);
  const deliveries: Delivery[] = [];
  for (let i = 0; i < (options.duplicate ? 2 : 1); i++) {
    const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-EBAY-SIGNATURE': signature, ...options.headers }, body: sent });
    deliveries.push({ status: response.status, body: await response.text(), sent, signature });
  }
  return deliveries;
}

/** ORDER_CONFIRMATION data for an order of the double. */
export function orderConfirmationData(state: EbayState, orderId: string): Json {
  const record = state.orders.get(orderId);
  if (!record) throw new Error(`eBay double: no order ${orderId}`);
  const user = state.user(record.userId);
  const lines = record.order.lineItems as { lineItemId: string; legacyItemId: string; quantity: number }[];
  return { user: { userId: user.userId, username: user.username }, order: { orderId, orderLineItems: lines.map((l) => ({ orderLineItemId: l.lineItemId, listingId: l.legacyItemId, quantity: l.quantity })) } };
}

/** MARKETPLACE_ACCOUNT_DELETION data for a user of the double. */
export function accountDeletionData(state: EbayState, username: string): Json {
  const user = state.userByName(username);
  if (!user) throw new Error(`eBay double: no user ${username}`);
  return { username: user.username, userId: user.userId, eiasToken: Buffer.from(`eias:${user.userId}`).toString('base64') };
}

/** eBay's endpoint validation: GET `url?challenge_code=…` and check the answer. */
export interface ChallengeResult {
  ok: boolean;
  status: number;
  expected: string;
  received: unknown;
}

export async function challengeEndpoint(url: string, verificationToken: string, endpoint = url): Promise<ChallengeResult> {
  const challengeCode = randomUUID();
  const target = new URL(url);
  target.searchParams.set('challenge_code', challengeCode);
  const response = await fetch(target, { headers: { Accept: 'application/json' } });
  const expected = createHash('sha256').update(challengeCode).update(verificationToken).update(endpoint).digest('hex');
  let received: unknown;
  try {
    received = ((await response.json()) as { challengeResponse?: unknown }).challengeResponse;
  } catch {
    received = undefined;
  }
  return { ok: response.status === 200 && received === expected, status: response.status, expected, received };
}
