/*
 * eBay's Notification API, the receiving side (Notification API v1.5.1; eBay's "Handling
 * notifications" guide):
 * - Every push carries `X-EBAY-SIGNATURE`: base64 of JSON `{alg, kid, signature, digest}`, where
 *   `signature` is the base64 DER ECDSA signature of the body exactly as sent, with the digest
 *   named (SHA1 today). The public key is fetched by its `kid` with getPublicKey
 *   (`GET /commerce/notification/v1/public_key/{kid}`, an application token from the client
 *   credentials grant) and kept for an hour, as eBay recommends; a kid eBay does not know is
 *   remembered for a few minutes, so forged headers cannot make Stoflow call eBay per request.
 *   eBay serves the PEM on one line; it is put back on lines before use, as eBay's SDKs do.
 * - An endpoint is validated with `GET ?challenge_code=…`, answered with
 *   `{challengeResponse: hex(SHA-256(challengeCode + verificationToken + endpoint))}`.
 * Nothing here trusts the body before the signature holds.
 */
import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { callMarketplace, MarketplaceCallError } from '../http';
import { ebayApplicationToken, type EbayApplicationToken } from './application-token';
import { ebayProblems } from './errors';

export interface EbayNotificationSettings {
  clientId?: string;
  clientSecret?: string;
  apiBaseUrl: string;
  timeoutMs: number;
  now?: () => number;
  /** How long a public key is kept (eBay: an hour). */
  keyTtlMs?: number;
  /** The process's application token, shared with the other application-level calls. */
  applicationToken?: EbayApplicationToken;
}

export interface EbayNotificationVerifier {
  /** Whether `signatureHeader` is eBay's signature of `body`. Throws only when eBay cannot be asked (retry later). */
  verify(body: Buffer, signatureHeader: string | undefined): Promise<boolean>;
}

const header = z.object({ alg: z.string(), kid: z.string().min(1).max(200), signature: z.string().min(1), digest: z.string() });
const publicKey = z.object({ algorithm: z.string(), digest: z.string(), key: z.string().min(1) });

const DIGESTS: Record<string, string> = { SHA1: 'sha1', SHA256: 'sha256' };
const UNKNOWN_KID_MS = 5 * 60_000;
const MAX_KEYS = 100;

/** eBay's one-line PEM, back on lines (64 characters each), as every PEM reader takes it. */
export function pemOnLines(key: string): string {
  const match = /-----BEGIN PUBLIC KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----/.exec(key);
  if (!match) return key;
  const body = match[1]!.replace(/\s+/g, '');
  return `-----BEGIN PUBLIC KEY-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

/** The answer to eBay's endpoint validation. */
export function ebayChallengeResponse(challengeCode: string, verificationToken: string, endpoint: string): string {
  return createHash('sha256').update(challengeCode).update(verificationToken).update(endpoint).digest('hex');
}

export function ebayNotificationVerifier(settings: EbayNotificationSettings): EbayNotificationVerifier {
  const now = settings.now ?? Date.now;
  const keyTtl = settings.keyTtlMs ?? 60 * 60_000;
  const keys = new Map<string, { key: KeyObject | null; digest: string; until: number }>();
  const pending = new Map<string, Promise<{ key: KeyObject | null; digest: string }>>();
  const applicationToken = settings.applicationToken ?? ebayApplicationToken(settings);

  async function fetchKey(kid: string): Promise<{ key: KeyObject | null; digest: string }> {
    try {
      const { body } = await callMarketplace({
        marketplace: 'ebay',
        method: 'GET',
        url: `${settings.apiBaseUrl}/commerce/notification/v1/public_key/${encodeURIComponent(kid)}`,
        headers: { authorization: `Bearer ${await applicationToken()}`, accept: 'application/json' },
        timeoutMs: settings.timeoutMs,
        problems: ebayProblems,
      });
      const parsed = publicKey.safeParse(body);
      if (!parsed.success || parsed.data.algorithm.toUpperCase() !== 'ECDSA') return { key: null, digest: '' };
      return { key: createPublicKey(pemOnLines(parsed.data.key)), digest: parsed.data.digest.toUpperCase() };
    } catch (err) {
      // eBay does not know this key: the header is not eBay's. Anything else: eBay cannot be asked now.
      if (err instanceof MarketplaceCallError && (err.status === 404 || err.status === 400)) return { key: null, digest: '' };
      throw err;
    }
  }

  async function keyFor(kid: string): Promise<{ key: KeyObject | null; digest: string }> {
    const cached = keys.get(kid);
    if (cached && cached.until > now()) return cached;
    let inFlight = pending.get(kid);
    if (!inFlight) {
      inFlight = fetchKey(kid).finally(() => pending.delete(kid));
      pending.set(kid, inFlight);
    }
    const found = await inFlight;
    if (keys.size >= MAX_KEYS) for (const [k, v] of keys) if (v.until <= now() || v.key === null) keys.delete(k);
    keys.set(kid, { ...found, until: now() + (found.key ? keyTtl : UNKNOWN_KID_MS) });
    return found;
  }

  return {
    async verify(body, signatureHeader) {
      if (!signatureHeader || signatureHeader.length > 4096) return false;
      let parsed;
      try {
        parsed = header.safeParse(JSON.parse(Buffer.from(signatureHeader, 'base64').toString('utf8')));
      } catch {
        return false;
      }
      if (!parsed.success || parsed.data.alg.toUpperCase() !== 'ECDSA') return false;
      const digest = DIGESTS[parsed.data.digest.toUpperCase()];
      if (!digest) return false;
      const { key, digest: keyDigest } = await keyFor(parsed.data.kid);
      if (!key || (keyDigest && DIGESTS[keyDigest] !== digest)) return false;
      try {
        return verifySignature(digest, body, { key, dsaEncoding: 'der' }, Buffer.from(parsed.data.signature, 'base64'));
      } catch {
        return false;
      }
    },
  };
}
