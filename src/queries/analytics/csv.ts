/* CSV as RFC 4180 writes it: comma-separated, CRLF line ends, a field quoted when it must be. */

export type CsvValue = string | number | boolean | null;

/** A field in double quotes (inner quotes doubled) when it holds a comma, a quote or a line break. */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Cents as a decimal amount with two places, without floating point: -1205 → "-12.05". */
export function centsText(cents: number | string | null): string | null {
  if (cents === null) return null;
  const n = BigInt(cents);
  const abs = n < 0n ? -n : n;
  return `${n < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Excel reads a file as UTF-8 (accents and all) when it starts with the byte order mark. */
export const UTF8_BOM = '\uFEFF';
