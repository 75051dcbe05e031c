import type { ParseArgsConfig } from 'node:util';
import { UsageError, type ExitCode } from './errors';
import type { Session } from './session';

export { ConnectionError, EXIT, UsageError, type ExitCode } from './errors';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The parsed command line, with typed getters that turn bad values into usage errors. */
export interface Args {
  positionals: string[];
  values: Values;
  string(name: string): string | undefined;
  strings(name: string): string[];
  flag(name: string): boolean;
  integer(name: string, min?: number): number | undefined;
}

export interface Command {
  name: string;
  summary: string;
  /** `stoflow history <tenant> <product-id|stream> [--json]` */
  usage: string;
  /** Arguments, options and examples, shown by `--help`. */
  help: string;
  options: Options;
  positionals: { min: number; max: number };
  run(session: Session, args: Args): Promise<ExitCode>;
}

export function defineCommand(command: Command): Command {
  return command;
}

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

/** `--type A --type B,C` → ['A', 'B', 'C']. */
export function splitList(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}
