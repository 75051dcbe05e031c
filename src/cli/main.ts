import { parseArgs } from 'node:util';
import { configFromEnvironment } from '../bootstrap';
import { EXIT, UsageError, ConnectionError, type Args, type Command, type ExitCode, type Options, type Values } from './command';
import { eventsCommand } from './commands/events';
import { exportCommand } from './commands/export';
import { historyCommand } from './commands/history';
import { importCommand } from './commands/import';
import { migrateCommand } from './commands/migrate';
import { migrateStatusCommand } from './commands/migrate-status';
import { replayCommand } from './commands/replay';
import { seedCommand } from './commands/seed';
import { stateCommand } from './commands/state';
import { tenantsCommand } from './commands/tenants';
import { verifyCommand } from './commands/verify';
import { isConnectionFailure } from './database';
import { createSession, type Session } from './session';

/**
 * `stoflow`: audit, replay and maintenance for operators and support staff. One file per command
 * in ./commands; this file parses the command line, opens a session, and maps outcomes to exit
 * codes (see EXIT).
 */
export const commands: readonly Command[] = [
  tenantsCommand,
  historyCommand,
  stateCommand,
  replayCommand,
  verifyCommand,
  eventsCommand,
  exportCommand,
  importCommand,
  migrateCommand,
  migrateStatusCommand,
  seedCommand,
];

const COMMON: Options = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
};

const FOOTER = `Common options:
  --json       machine-readable JSON on stdout instead of a table
  --progress   progress on stderr even when it is not a terminal
  -h, --help   this help

Database: DATABASE_URL, or the embedded PostgreSQL under STOFLOW_DATA_DIR (the running one when
Stoflow is up). Logs go to stderr: errors only, unless LOG_LEVEL is set in the shell.
Exit codes: 0 ok, 1 a finding (drift, nothing found, a failed tenant), 2 usage or connection
error, 3 unexpected failure.`;

function generalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: stoflow <command> [options]   (npx stoflow …, or npm run stoflow -- …)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `stoflow <command> --help` for its arguments and examples.',
    '',
    FOOTER,
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [`Usage: ${command.usage}`, '', command.summary + '.', '', command.help, '', FOOTER].join('\n');
}

function argsOf(positionals: string[], values: Values): Args {
  const args: Args = {
    positionals,
    values,
    string(name) {
      const value = values[name];
      return typeof value === 'string' ? value : undefined;
    },
    strings(name) {
      const value = values[name];
      if (value === undefined) return [];
      return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    },
    flag: (name) => values[name] === true,
    integer(name, min = 0) {
      const value = args.string(name);
      if (value === undefined) return undefined;
      if (!/^[0-9]{1,15}$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be an integer of at least ${min}, got ${JSON.stringify(value)}`);
      return Number(value);
    },
  };
  return args;
}

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function parse(command: Command, argv: string[]): Args {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON, ...command.options }, allowPositionals: true, strict: true });
    return argsOf(positionals, values as Values);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '') : String(err));
  }
}

export async function runCli(argv: string[], io: CliIo, onSession?: (session: Session) => void): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    (name === undefined ? io.stderr : io.stdout).write(`${topic ? commandHelp(topic) : generalHelp()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`stoflow: unknown command ${JSON.stringify(name)}\n\n${generalHelp()}\n`);
    return EXIT.usage;
  }
  let session: Session | undefined;
  try {
    const args = parse(command, rest);
    if (args.flag('help')) {
      io.stdout.write(`${commandHelp(command)}\n`);
      return EXIT.ok;
    }
    const { min, max } = command.positionals;
    if (args.positionals.length < min || args.positionals.length > max) {
      throw new UsageError(args.positionals.length < min ? 'missing arguments' : `unexpected argument ${JSON.stringify(args.positionals[max])}`);
    }
    // LOG_LEVEL from the shell turns the CLI's logs on; one in .env is the service's setting.
    const askedForLogs = Boolean(process.env.LOG_LEVEL);
    const config = configFromEnvironment();
    session = createSession({ config, json: args.flag('json'), progress: args.flag('progress'), stdout: io.stdout, stderr: io.stderr, logLevel: askedForLogs ? config.LOG_LEVEL : undefined });
    onSession?.(session);
    return await command.run(session, args);
  } catch (err) {
    if (err instanceof UsageError) {
      const usage = err.showUsage ? `Usage: ${command.usage}   (see stoflow ${command.name} --help)\n` : '';
      io.stderr.write(`stoflow ${command.name}: ${err.message}\n${usage}`);
      return EXIT.usage;
    }
    if (err instanceof ConnectionError || isConnectionFailure(err)) {
      io.stderr.write(`stoflow ${command.name}: ${err instanceof Error ? err.message : String(err)}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`stoflow ${command.name} failed: ${err instanceof Error ? (process.env.LOG_LEVEL === 'debug' ? err.stack : err.message) : String(err)}\n`);
    return EXIT.failure;
  } finally {
    await session?.close().catch((err: unknown) => io.stderr.write(`stoflow: closing failed: ${String(err)}\n`));
  }
}

/** The process around runCli: signals, and leaving with the command's exit code. */
export function main(): void {
  let session: Session | undefined;
  let interrupted = false;
  const interrupt = () => {
    // A follower stops cleanly on the first Ctrl-C. Anything else stops now: PostgreSQL rolls back
    // whatever transaction was open, and an embedded server this command started is shut down.
    if (interrupted) process.exit(130);
    interrupted = true;
    if (session?.requestStop()) return;
    process.stderr.write('\nstoflow: interrupted\n');
    const deadline = new Promise((resolve) => setTimeout(resolve, 5000).unref());
    void Promise.race([session?.close(), deadline]).finally(() => process.exit(130));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, (s) => (session = s)).then((code) => {
    // stdout may be a pipe: let it drain before leaving.
    process.stdout.write('', () => process.exit(code));
  });
}

// `node dist/src/cli/main.js …` (the npm scripts); bin/stoflow.js calls main() itself.
if (require.main === module) main();
