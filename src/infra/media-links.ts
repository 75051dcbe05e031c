/*
 * Short-lived links to a product's photos, for what leaves Stoflow: the photo URLs sent to eBay
 * and handed to the seller's Vinted extension. The seller's own app keeps the permanent address
 * (`/media/<name>`, an unguessable name); a marketplace gets `/media/l/<token>.<ext>`, where the
 * token is the photo's name and an expiry time sealed with AES-256-GCM. So a link that leaks from a
 * marketplace's logs or an extension's cache stops working when it expires, and never reveals the
 * permanent name to fall back on; it cannot be altered into a link to another photo or a later
 * expiry without failing authentication.
 *
 * The key is derived (HKDF-SHA-256) from the JWT signing secret under a label of its own, so there
 * is no further secret to keep; changing that secret ends the links out there, which are
 * short-lived anyway. Expiries are rounded up to the minute so that the links made for one photo
 * within the same minute are equal (the payload of a task built twice stays the same), the nonce
 * being derived from what is sealed rather than drawn: sealing the same name and expiry twice
 * gives the same token, and GCM's nonce is never reused for different plaintexts.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { isObjectKey } from './storage';

export interface MediaLinks {
  /** A link to the stored photo `file` (its object key), valid for the configured time from now. */
  link(file: string): string;
  /** The object key a token opens, or why it does not. */
  open(token: string): { file: string; expiresAt: Date; remainingMs: number } | { refused: 'invalid' | 'expired' };
}

export interface MediaLinkOptions {
  /** The JWT signing secret, from which the links' key is derived. */
  secret: string;
  /** PUBLIC_BASE_URL: where marketplaces reach this server. */
  publicBaseUrl: string;
  /** How long a link stays valid. */
  ttlMs: number;
  now: () => Date;
}

export const MEDIA_LINK_PATH = '/media/l';

const LABEL = 'stoflow media links v1';
const EXT = /^[a-z0-9]{1,5}$/;

export function createMediaLinks(options: MediaLinkOptions): MediaLinks {
  const derived = Buffer.from(hkdfSync('sha256', Buffer.from(options.secret, 'utf8'), Buffer.alloc(0), Buffer.from(LABEL, 'utf8'), 64));
  const key = derived.subarray(0, 32);
  const nonceKey = derived.subarray(32);
  const base = options.publicBaseUrl.replace(/\/+$/, '');

  const seal = (plain: Buffer): Buffer => {
    const nonce = createHmac('sha256', nonceKey).update(plain).digest().subarray(0, 12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]);
  };

  return {
    link(file) {
      if (!isObjectKey(file)) throw new Error(`Not a stored object: ${file}`);
      const [name, ext] = file.split('.') as [string, string];
      const expires = Math.ceil((options.now().getTime() + options.ttlMs) / 60_000) * 60;
      // Expiry (seconds, 4 bytes), then the name's 32 bytes; the extension stays readable in the path.
      const plain = Buffer.alloc(36);
      plain.writeUInt32BE(expires, 0);
      Buffer.from(name, 'hex').copy(plain, 4);
      return `${base}${MEDIA_LINK_PATH}/${seal(Buffer.concat([plain, Buffer.from(ext, 'utf8')])).toString('base64url')}.${ext}`;
    },

    open(token) {
      const dot = token.lastIndexOf('.');
      const ext = token.slice(dot + 1);
      if (dot < 1 || !EXT.test(ext)) return { refused: 'invalid' };
      const raw = Buffer.from(token.slice(0, dot), 'base64url');
      if (raw.length < 12 + 36 + 16 || raw.toString('base64url') !== token.slice(0, dot)) return { refused: 'invalid' };
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
      } catch {
        return { refused: 'invalid' };
      }
      const file = `${plain.subarray(4, 36).toString('hex')}.${plain.subarray(36).toString('utf8')}`;
      // The readable extension must be the sealed one: no serving a photo under another type's name.
      if (!file.endsWith(`.${ext}`) || !isObjectKey(file)) return { refused: 'invalid' };
      const expiresAt = new Date(plain.readUInt32BE(0) * 1000);
      const remainingMs = expiresAt.getTime() - options.now().getTime();
      if (remainingMs <= 0) return { refused: 'expired' };
      return { file, expiresAt, remainingMs };
    },
  };
}
