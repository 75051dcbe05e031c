/* Money is kept as integer cents; amounts are typed in euros with at most two decimals. */

export const MAX_AMOUNT_CENTS = 9_999_999; // 99,999.99

/** 19.9 → 1990; null when the amount is not finite or has more than two decimals. */
export function toCents(euros: number): number | null {
  if (!Number.isFinite(euros)) return null;
  const scaled = euros * 100;
  const cents = Math.round(scaled);
  // 19.99 * 100 is 1998.9999999999998: within float noise of an integer, so two decimals.
  return Math.abs(scaled - cents) < 1e-6 ? cents : null;
}

/** A marketplace's decimal amount ("12.50", "12,5", or a number) in cents; at most two decimals are read. */
export function decimalCents(amount: string | number): number {
  const [whole, fraction = ''] = String(amount).replace(',', '.').split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}
