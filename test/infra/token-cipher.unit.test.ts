import { randomBytes } from 'node:crypto';
import { createTokenCipher, parseEncryptionKey } from '../../src/infra/token-cipher';

describe('Token cipher (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const cipher = createTokenCipher(key);
  const context = 'tenant:7/ebay/refresh_token';

  it('When a token is sealed and opened with the same context, then it comes back, and the stored form holds no trace of it', () => {
    const token = 'v^1.1#i^1#r^1#p^3#I^3#f^0#t^Ul4xMF8xOkFCQ0RFRjEyMzQ1Njc4OTA=';
    const sealed = cipher.seal(token, context);
    expect(sealed).toMatch(/^v1\.[\w-]{8}\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(sealed).not.toContain('Ul4xMF8x');
    expect(cipher.open(sealed, context)).toBe(token);
  });

  it('When the same token is sealed twice, then the two stored values differ (a fresh nonce each time)', () => {
    expect(cipher.seal('same', context)).not.toBe(cipher.seal('same', context));
  });

  it('When a sealed value is opened for another tenant or another field, then it is refused', () => {
    const sealed = cipher.seal('secret', context);
    expect(() => cipher.open(sealed, 'tenant:8/ebay/refresh_token')).toThrow(/integrity/);
    expect(() => cipher.open(sealed, 'tenant:7/ebay/access_token')).toThrow(/integrity/);
  });

  it('When one character of the ciphertext or the tag changes, then it is refused', () => {
    const sealed = cipher.seal('secret-token-value', context);
    const parts = sealed.split('.');
    for (const index of [3, 4]) {
      const changed = [...parts];
      const text = changed[index]!;
      changed[index] = (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
      expect(() => cipher.open(changed.join('.'), context)).toThrow();
    }
    expect(() => cipher.open('plain-token', context)).toThrow(/Not a sealed token/);
  });

  it('When the key is rotated, then old values still open with the old key kept, and only new ones count as current', () => {
    const sealedBefore = cipher.seal('before', context);
    const rotated = createTokenCipher(randomBytes(32), [key]);
    expect(rotated.open(sealedBefore, context)).toBe('before');
    expect(rotated.isCurrent(sealedBefore)).toBe(false);
    expect(rotated.isCurrent(rotated.seal('after', context))).toBe(true);
    expect(() => createTokenCipher(randomBytes(32)).open(sealedBefore, context)).toThrow(/unknown key/);
  });

  it('When a key is written in hex or base64, then both parse to the same 32 bytes; other lengths are refused', () => {
    expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64url'))).toEqual(key);
    expect(() => parseEncryptionKey(randomBytes(16).toString('hex'))).toThrow(/32 bytes/);
  });
});
