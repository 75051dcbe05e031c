/*
 * Webhook deliveries as Etsy sends them (developers.etsy.com/documentation/essentials/webhooks).
 *
 * What was found: Etsy delivers each event as an HTTP POST with a JSON body to the endpoint
 * registered in its webhook portal (a Svix-hosted "webhooks-consumer-portal"), signed the
 * Standard Webhooks way — headers `webhook-id`, `webhook-timestamp` (epoch seconds) and
 * `webhook-signature`; the signed content is `${webhook-id}.${webhook-timestamp}.${raw body}`;
 * the key is the endpoint's signing secret with its `whsec_` prefix removed, base64-decoded;
 * the signature is the base64 HMAC-SHA256 of the content, sent as `v1,<signature>` (several
 * space-separated entries are allowed; one is sent). The documented event is ORDER_PAID, "delivered
 * immediately when an order receives payment"; integrators report the body actually carries
 * `event_type: "order.paid"`, `resource_url` (the getShopReceipt URL of the receipt) and
 * `shop_id`, and no `data` object despite the page's example (etsy/open-api discussion #1509),
 * which is what `orderPaidEvent` builds (shop_id as a string, as reported).
 *
 * Assumptions: a secret without the `whsec_` prefix is used as UTF-8 bytes; Etsy's retry
 * schedule (immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) is not run here — a test
 * redelivers by calling `deliverWebhook` again with the same `webhookId`, which is what a retry
 * looks like to the receiver, or with `duplicate: true`.
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';

export interface WebhookEvent {
  event_type: string;
  resource_url: string;
  shop_id: string | number;
  [field: string]: unknown;
}

export interface DeliveryOptions {
  /** The endpoint's signing secret, `whsec_<base64>`. */
  secret: string;
  /** Sign with a key other than the secret's (the signature keeps its format). */
  badSignature?: boolean;
  /** Deliver the very same message twice, one after the other. */
  duplicate?: boolean;
  /** Defaults to a new `msg_…` id. */
  webhookId?: string;
  /** Epoch seconds; defaults to the double's clock. */
  timestamp?: number;
  timeoutMs?: number;
}

export interface DeliveryAttempt {
  status: number | null;
  error: string | null;
  headers: Record<string, string>;
  body: string;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function newWebhookId(): string {
  return `msg_${Array.from({ length: 27 }, () => BASE62[randomInt(62)]).join('')}`;
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

function keyOf(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function signWebhook(secret: string, webhookId: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${webhookId}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export function orderPaidEvent(apiBaseUrl: string, shopId: number, receiptId: number): WebhookEvent {
  return {
    event_type: 'order.paid',
    resource_url: `${apiBaseUrl}/v3/application/shops/${shopId}/receipts/${receiptId}`,
    shop_id: String(shopId),
  };
}

export async function deliverWebhook(url: string, event: WebhookEvent, options: DeliveryOptions, nowSeconds: () => number): Promise<DeliveryAttempt[]> {
  const body = JSON.stringify(event);
  const webhookId = options.webhookId ?? newWebhookId();
  const timestamp = options.timestamp ?? nowSeconds();
  const secret = options.badSignature ? `whsec_${randomBytes(24).toString('base64')}` : options.secret;
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Svix-Webhooks/1.0',
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, webhookId, timestamp, body),
  };
  const attempts: DeliveryAttempt[] = [];
  for (let i = 0; i < (options.duplicate ? 2 : 1); i++) {
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      await response.arrayBuffer();
      attempts.push({ status: response.status, error: null, headers, body });
    } catch (err) {
      attempts.push({ status: null, error: (err as Error).message, headers, body });
    }
  }
  return attempts;
}
