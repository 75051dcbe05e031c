/**
 * What one file in ./commands provides: its command line, declared with commander (name,
 * summary, arguments, options, examples), and what it does with the parsed values. main.ts adds
 * the common options and the footer, parses, and runs the command in a session.
 */
import { Command } from 'commander';
import type { ExitCode } from './errors';
import type { Session } from './session';

export { ConnectionError, EXIT, UsageError, type ExitCode } from './errors';
export { integer, list, position, tenantId } from './arguments';

export interface CliCommand {
  /** A new commander Command each call: a parse leaves its values on the Command it used. */
  declare(): Command;
  /** Commands that write may initialise a new embedded PostgreSQL; the others never create one. */
  writes: boolean;
  run(session: Session, args: readonly unknown[], options: Record<string, unknown>): Promise<ExitCode>;
}

export interface CommandDefinition<A extends readonly unknown[], O extends object = Record<string, never>> {
  declare(): Command;
  writes?: boolean;
  /** `args` and `options` are what the parsers given to commander returned. */
  run(session: Session, args: A, options: O): Promise<ExitCode>;
}

export function defineCommand<A extends readonly unknown[], O extends object = Record<string, never>>(definition: CommandDefinition<A, O>): CliCommand {
  return {
    declare: definition.declare,
    writes: definition.writes ?? false,
    // The types the command expects follow from the parsers it declared; commander cannot say so.
    run: (session, args, options) => definition.run(session, args as A, options as O),
  };
}

/**
 * A command with its summary (the line in `stoflow --help`) and, for its own `--help`, the summary
 * followed by `details`. `usage` is what follows `stoflow <name>` on the usage line.
 */
export function command(name: string, summary: string, usage: string, details?: string): Command {
  return new Command(name)
    .summary(summary)
    .description(details === undefined ? `${summary}.` : `${summary}.\n\n${details}`)
    .usage(usage);
}

/** The examples at the end of a command's help. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}
