/**
 * The command line as commander reads it: every command of ./commands with the common options,
 * and `--help` with examples and the footer about the database and exit codes. Commander neither
 * prints errors nor exits: it throws, and main.ts reports in the CLI's words (usageMessage) with
 * the CLI's exit codes.
 */
import { Command, CommanderError, Help, Option } from 'commander';
import type { CliCommand } from './command';

export interface CommonOptions {
  json?: boolean;
  progress?: boolean;
}

export type RunCommand = (command: CliCommand, args: readonly unknown[], options: Record<string, unknown> & CommonOptions) => Promise<void>;

export interface ProgramIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

const COMMON_HEADING = 'Common options:';
const COMMON = [
  { flags: '--json', description: 'machine-readable JSON on stdout instead of a table' },
  { flags: '--progress', description: 'progress on stderr even when it is not a terminal' },
];
const HELP = { flags: '-h, --help', description: 'this help' };

const FOOTER = [
  'Database: DATABASE_URL, or the embedded PostgreSQL under STOFLOW_DATA_DIR (the running one when Stoflow is up); only migrate, seed, import and replay create it when there is none yet. Logs go to stderr: errors only, unless LOG_LEVEL is set in the shell.',
  'Exit codes: 0 ok, 1 a finding (drift, nothing found, a failed tenant), 2 usage or connection error, 3 unexpected failure.',
];

// The texts are written as paragraphs; on a pipe they are laid out as wide as they always were.
const helpWidth = (stream: NodeJS.WriteStream): number => (stream.isTTY && stream.columns ? stream.columns : 100);

export function createProgram(commands: readonly CliCommand[], io: ProgramIo, run: RunCommand): { program: Command; current(): Command | undefined } {
  const standard = new Help();
  let current: Command | undefined;
  const program = new Command('stoflow');
  const wrap = (paragraphs: readonly string[]) => paragraphs.map((p) => standard.boxWrap(p, helpWidth(io.stdout))).join('\n');
  const common = [...COMMON, HELP].map((o) => `  ${o.flags.padEnd(10)}  ${o.description}`).join('\n');

  program
    .usage('<command> [options]   (npx stoflow …, or npm run -s stoflow -- …)')
    .description('Audit, replay and maintenance of the event log and the read models, for operators and support staff.')
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: () => undefined,
      getOutHelpWidth: () => helpWidth(io.stdout),
      getErrHelpWidth: () => helpWidth(io.stderr),
    })
    .configureHelp({
      // Commands are listed by name, as in the usage line; their own help has the arguments.
      subcommandTerm: (sub) => (program.commands.includes(sub) ? sub.name() : standard.subcommandTerm(sub)),
      // The common options are listed after the commands (they belong to every command).
      visibleOptions: (cmd) => (cmd === program ? [] : standard.visibleOptions(cmd)),
    })
    .exitOverride()
    .addHelpOption(new Option(HELP.flags, HELP.description))
    .helpCommand('help [command]', 'help for a command')
    .addHelpText('after', () => `\n${COMMON_HEADING}\n${common}\n\nRun \`stoflow <command> --help\` for its arguments and examples.\n\n${wrap(FOOTER)}`)
    .hook('preSubcommand', (_program, sub) => {
      current = sub;
    });

  for (const definition of commands) {
    const sub = definition.declare().copyInheritedSettings(program);
    for (const option of COMMON) sub.addOption(new Option(option.flags, option.description).helpGroup(COMMON_HEADING));
    sub
      .addHelpOption(new Option(HELP.flags, HELP.description).helpGroup(COMMON_HEADING))
      .addHelpText('after', () => `\n${wrap(FOOTER)}`)
      .action(async (...params: unknown[]) => {
        const parsed = params.at(-1) as Command;
        await run(definition, parsed.processedArgs, parsed.opts());
      });
    program.addCommand(sub);
  }
  return { program, current: () => current };
}

/**
 * Commander's messages in the words the CLI has always used (scripts and runbooks quote them):
 * `unknown command "x"`, `missing arguments`, `unexpected argument "x"`, `Unknown option '--x'`.
 */
export function usageMessage(err: CommanderError, command: Command): string {
  const message = err.message.replace(/^error: /, '');
  switch (err.code) {
    case 'commander.unknownCommand':
      return message.replace(/^unknown command '(.*?)'/, (_all, name: string) => `unknown command ${JSON.stringify(name)}`);
    case 'commander.missingArgument': {
      const missing = command.registeredArguments.slice(command.args.length).filter((a) => a.required);
      return `missing arguments: ${missing.map((a) => `<${a.name()}>`).join(' ')}`;
    }
    case 'commander.excessArguments':
      return `unexpected argument ${JSON.stringify(command.args[command.registeredArguments.length])}`;
    default:
      return message.charAt(0).toUpperCase() + message.slice(1);
  }
}

/** `Usage: stoflow history <tenant> <product-id|stream> [--json]`, as in the command's help. */
export function usageLine(command: Command): string {
  return `Usage: stoflow ${command.name()} ${command.usage()}`;
}
