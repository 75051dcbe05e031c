/*
 * Etsy's webhooks, the receiving side. Etsy signs them the Standard Webhooks way (its webhook
 * portal is Svix's): `webhook-id`, `webhook-timestamp` (epoch seconds) and `webhook-signature`,
 * a space-separated list of `v1,<base64 HMAC-SHA256>` over `${id}.${timestamp}.${raw body}`, keyed
 * with the endpoint's signing secret (`whsec_` + base64 of the key). A message is believed only if
 * one of the signatures matches, compared in constant time, and its timestamp is within five
 * minutes of now (a replayed old message fails).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const ETSY_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export interface StandardWebhookHeaders {
  id?: string;
  timestamp?: string;
  signature?: string;
}

function keyOf(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

export function verifyEtsyWebhook(secret: string, headers: StandardWebhookHeaders, body: Buffer, nowSeconds: number): boolean {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || id.length > 200 || signature.length > 2000 || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > ETSY_WEBHOOK_TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.`).update(body).digest();
  return signature.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
