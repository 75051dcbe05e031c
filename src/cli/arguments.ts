/**
 * Parsers commander calls for arguments and option values. A bad value is a UsageError in the
 * CLI's own words (exit 2): commander reports only its own InvalidArgumentError and lets any other
 * error through its parse unchanged.
 */
import { UsageError } from './errors';

/** A tenant id as typed on the command line. */
export function parseTenant(value: string | undefined, what = 'tenant'): number {
  if (value === undefined || !/^[1-9][0-9]{0,9}$/.test(value)) throw new UsageError(`${what} must be a tenant id (a positive integer), got ${JSON.stringify(value ?? '')}`);
  return Number(value);
}

/** A log position as typed: a non-negative decimal integer. */
export function parsePosition(value: string, what: string): bigint {
  if (!/^[0-9]{1,19}$/.test(value) || BigInt(value) > 9223372036854775807n) throw new UsageError(`${what} must be a log position (a non-negative integer), got ${JSON.stringify(value)}`);
  return BigInt(value);
}

export const tenantId =
  (what = 'tenant') =>
  (value: string): number =>
    parseTenant(value, what);

export const position =
  (what: string) =>
  (value: string): bigint =>
    parsePosition(value, what);

export const integer =
  (what: string, min = 0) =>
  (value: string): number => {
    if (!/^[0-9]{1,15}$/.test(value) || Number(value) < min) throw new UsageError(`${what} must be an integer of at least ${min}, got ${JSON.stringify(value)}`);
    return Number(value);
  };

/** A repeatable option that also takes commas: `--type A --type B,C` → ['A', 'B', 'C']. */
export function list(): (value: string, previous: string[] | undefined) => string[];
export function list<T>(each: (value: string) => T): (value: string, previous: T[] | undefined) => T[];
export function list<T>(each?: (value: string) => T): (value: string, previous: (T | string)[] | undefined) => (T | string)[] {
  return (value, previous) => {
    const items = value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    return [...(previous ?? []), ...(each ? items.map(each) : items)];
  };
}
