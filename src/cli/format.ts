/*
 * Human tables and machine JSON. Log positions are bigints in the store; in JSON they become
 * numbers (every position below 2^53 is exact, and a tenant log would need nine quadrillion events
 * to pass it), or decimal strings beyond, never silently rounded.
 */

export interface Column<R> {
  header: string;
  value(row: R): unknown;
  align?: 'left' | 'right';
}

const MAX_CELL = 60;

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  return value;
}

export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, jsonReplacer, indent);
}

/** One value as a table cell: dates as ISO, objects as compact JSON, absent as a dash. */
export function cell(value: unknown, max = MAX_CELL): string {
  let text: string;
  if (value === null || value === undefined || value === '') text = '–';
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'number' || typeof value === 'bigint') text = formatNumber(value);
  else if (typeof value === 'object') text = toJson(value);
  else text = String(value);
  text = text.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function formatNumber(value: number | bigint): string {
  return value.toLocaleString('en-US');
}

/** 65 s → `1:05`, 3725 s → `1:02:05`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * A plain-text table with a header rule. Every column is cut at 60 characters except the last,
 * which holds the long text (changes, errors) and is shown whole.
 */
export function table<R>(columns: Column<R>[], rows: readonly R[]): string {
  const last = columns.length - 1;
  const cells = rows.map((row) => columns.map((c, i) => cell(c.value(row), i === last ? Infinity : MAX_CELL)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const pad = (text: string, i: number) => {
    if (i === last && columns[i]!.align !== 'right') return text;
    return columns[i]!.align === 'right' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  };
  const lines = [
    columns.map((c, i) => pad(c.header, i)).join('  '),
    // The last column's rule stops where the others would: its text may run long.
    widths.map((w, i) => '─'.repeat(i === last ? Math.min(w, MAX_CELL) : w)).join('  '),
    ...cells.map((r) => r.map(pad).join('  ')),
  ];
  return lines.map((l) => l.trimEnd()).join('\n');
}

/** `field  value` lines, for one record (a product's state). */
export function keyValues(record: Record<string, unknown>): string {
  const width = Math.max(0, ...Object.keys(record).map((k) => k.length));
  return Object.entries(record)
    .map(([k, v]) => `${k.padEnd(width)}  ${cell(v, Infinity)}`)
    .join('\n');
}
