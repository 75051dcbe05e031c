import bcrypt from 'bcrypt';
import { COMMON_PASSWORDS } from '../../src/accounts/common-passwords';
import { BCRYPT_COST, DUMMY_PASSWORD_HASH, hashPassword, passwordProblems, preHash, verifyPassword } from '../../src/accounts/passwords';

const PEPPER = 'unit-test-pepper-0123456789abcdef';

describe('password policy', () => {
  it.each([
    ['Velvet-Jacket-1987'],
    ['brocante42'],
    ['été à Lyon 2024'],
    ['a1'.padEnd(128, 'x')],
    // 128 characters, 256 bytes of UTF-8.
    ['é'.repeat(127) + '7'],
  ])('When the password is %j, then it is accepted', (password) => {
    expect(passwordProblems(password)).toEqual([]);
  });

  it.each([
    ['short1a', 'must be at least 8 characters'],
    ['abcdefghij', 'must contain at least one digit'],
    ['1234567890', 'must contain at least one letter'],
    ['a1'.padEnd(129, 'x'), 'must be at most 128 characters'],
    ['password1', 'is one of the most common passwords'],
    ['P@ssw0rd', 'is one of the most common passwords'],
    ['1QAZ2WSX', 'is one of the most common passwords'],
    ['stoflow123', 'is one of the most common passwords'],
  ])('When the password is %j, then it is refused: %s', (password, problem) => {
    expect(passwordProblems(password)).toContain(problem);
  });

  it('When characters are multi-byte, then length counts characters, not bytes or UTF-16 units', () => {
    // 8 emoji are 16 UTF-16 units and 32 bytes, but 8 characters (plus a letter and a digit: 10).
    expect(passwordProblems('🔒🔒🔒🔒🔒🔒a1')).toEqual([]);
    expect(passwordProblems('🔒🔒🔒🔒a1')).toContain('must be at least 8 characters');
  });

  it('When the list is loaded, then it holds a few hundred lowercase entries, most of which pass the other rules', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(250);
    const passingTheOtherRules = [...COMMON_PASSWORDS].filter((p) => p.length >= 8 && /\p{L}/u.test(p) && /\d/.test(p));
    expect(passingTheOtherRules.length).toBeGreaterThanOrEqual(150);
    for (const p of COMMON_PASSWORDS) expect(p).toBe(p.toLowerCase());
  });
});

describe('password hashing', () => {
  it('When a password is hashed, then it is bcrypt cost 12 ($2b$12$) and verifies only with the same password and pepper', async () => {
    const hash = await hashPassword('Velvet-Jacket-1987', PEPPER);
    expect(hash.startsWith('$2b$12$')).toBe(true);
    expect(BCRYPT_COST).toBe(12);
    expect(await verifyPassword('Velvet-Jacket-1987', hash, PEPPER)).toBe(true);
    expect(await verifyPassword('velvet-jacket-1987', hash, PEPPER)).toBe(false);
    expect(await verifyPassword('Velvet-Jacket-1987', hash, 'another-pepper')).toBe(false);
  });

  it('When two passwords differ only after byte 72, then bcrypt alone confuses them and ours does not', async () => {
    // 40 × "é" is 80 bytes of UTF-8: the two passwords share their first 80 bytes.
    const first = 'é'.repeat(40) + 'plum-7';
    const second = 'é'.repeat(40) + 'pear-8';
    expect(Buffer.byteLength(first)).toBeGreaterThan(72);
    expect(passwordProblems(first)).toEqual([]);
    const raw = await bcrypt.hash(first, 4);
    expect(await bcrypt.compare(second, raw)).toBe(true); // the truncation the pre-hash exists for
    const ours = await hashPassword(first, PEPPER);
    expect(await verifyPassword(first, ours, PEPPER)).toBe(true);
    expect(await verifyPassword(second, ours, PEPPER)).toBe(false);
  });

  it('When the pre-hash is computed, then it is 44 ASCII characters without a NUL, whatever the input length', () => {
    for (const password of ['a1', 'é'.repeat(128), '🔒'.repeat(128), 'x\u0000y1abcdef']) {
      const digest = preHash(password, PEPPER);
      expect(digest).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.byteLength(digest)).toBeLessThan(72);
    }
  });

  it('When the same accented password is typed composed or decomposed, then it is the same password', async () => {
    const composed = 'Caf\u00e9-Paris-75';
    const decomposed = 'Cafe\u0301-Paris-75';
    expect(composed).not.toBe(decomposed);
    expect(preHash(composed, PEPPER)).toBe(preHash(decomposed, PEPPER));
  });

  it('When a password is hashed, then the event loop keeps turning meanwhile (async bcrypt)', async () => {
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    try {
      await hashPassword('Velvet-Jacket-1987', PEPPER);
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(0);
  });

  it('When the dummy hash is used for unknown emails, then it has the same cost as real hashes and matches nothing typed', async () => {
    expect(bcrypt.getRounds(DUMMY_PASSWORD_HASH)).toBe(BCRYPT_COST);
    expect(DUMMY_PASSWORD_HASH.startsWith('$2b$12$')).toBe(true);
    expect(await verifyPassword('Velvet-Jacket-1987', DUMMY_PASSWORD_HASH, PEPPER)).toBe(false);
  });
});
