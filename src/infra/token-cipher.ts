/*
 * Marketplace tokens at rest: AES-256-GCM with a random 96-bit nonce per value, and the row the
 * value belongs to (tenant, marketplace, field) as additional authenticated data, so a ciphertext
 * copied into another tenant's row, or from the refresh-token column into the access-token one,
 * fails to decrypt instead of being used there.
 *
 * Stored as `v1.<key id>.<nonce>.<ciphertext>.<tag>` (base64url). The key id (the first bytes of
 * the key's SHA-256) says which key sealed a value: after a rotation, TOKEN_ENCRYPTION_KEY is the
 * new key, the old ones stay in TOKEN_ENCRYPTION_OLD_KEYS to open what they sealed, and each
 * value is sealed again with the new key the next time it is written (every refresh does).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface TokenCipher {
  seal(plaintext: string, context: string): string;
  /** Throws when the value was tampered with, sealed for another context, or by an unknown key. */
  open(sealed: string, context: string): string;
  /** Whether a value is sealed with the current key (false: seal it again when next written). */
  isCurrent(sealed: string): boolean;
}

const VERSION = 'v1';

/** A 32-byte key written as 64 hex digits or 43 base64/base64url characters. */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64url');
  if (key.length !== 32) throw new Error('must be 32 bytes, written as 64 hex digits or in base64');
  return key;
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

export function createTokenCipher(current: Buffer, old: readonly Buffer[] = []): TokenCipher {
  const keys = new Map<string, Buffer>();
  for (const key of [current, ...old]) {
    if (key.length !== 32) throw new Error('A token encryption key must be 32 bytes');
    keys.set(keyId(key), key);
  }
  const currentId = keyId(current);

  return {
    seal(plaintext, context) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, nonce);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, currentId, nonce.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },

    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('Not a sealed token');
      const [, id, nonce, body, tag] = parts as [string, string, string, string, string];
      const key = keys.get(id);
      if (!key) throw new Error(`Sealed with an unknown key (${id}): is TOKEN_ENCRYPTION_OLD_KEYS missing the previous key?`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('A sealed token failed its integrity check');
      }
    },

    isCurrent: (sealed) => sealed.split('.')[1] === currentId,
  };
}
