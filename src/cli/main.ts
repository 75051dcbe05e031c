/**
 * `stoflow`: audit, replay and maintenance for operators and support staff. One file per command
 * in ./commands; program.ts declares the command line, this file runs the chosen command in a
 * session and maps outcomes to exit codes (see EXIT).
 */
import { CommanderError, type Command } from 'commander';
import { configFromEnvironment } from '../bootstrap';
import { EXIT, UsageError, ConnectionError, type CliCommand, type ExitCode } from './command';
import { eventsCommand } from './commands/events';
import { exportCommand } from './commands/export';
import { historyCommand } from './commands/history';
import { importCommand } from './commands/import';
import { migrateCommand } from './commands/migrate';
import { migrateStatusCommand } from './commands/migrate-status';
import { planCommand } from './commands/plan';
import { replayCommand } from './commands/replay';
import { seedCommand } from './commands/seed';
import { stateCommand } from './commands/state';
import { tenantsCommand } from './commands/tenants';
import { verifyCommand } from './commands/verify';
import { isConnectionFailure } from './database';
import { createProgram, usageLine, usageMessage } from './program';
import { createSession, type Session } from './session';

export const commands: readonly CliCommand[] = [
  tenantsCommand,
  historyCommand,
  stateCommand,
  replayCommand,
  verifyCommand,
  eventsCommand,
  exportCommand,
  importCommand,
  planCommand,
  migrateCommand,
  migrateStatusCommand,
  seedCommand,
];

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Says on stderr why the command line or the command failed, and with which exit code. */
function report(err: unknown, io: CliIo, program: Command, command: Command | undefined): ExitCode {
  const name = command ? `stoflow ${command.name()}` : 'stoflow';
  if (err instanceof CommanderError) {
    if (err.exitCode === 0) return EXIT.ok; // --help, help
    if (err.code === 'commander.help') return EXIT.usage; // `stoflow` alone: the help went to stderr
    err = new UsageError(usageMessage(err, command ?? program));
  }
  if (err instanceof UsageError) {
    if (!command) {
      io.stderr.write(`${name}: ${err.message}\n\n`);
      program.outputHelp({ error: true });
    } else {
      io.stderr.write(`${name}: ${err.message}\n${err.showUsage ? `${usageLine(command)}   (see ${name} --help)\n` : ''}`);
    }
    return EXIT.usage;
  }
  if (err instanceof ConnectionError || isConnectionFailure(err)) {
    io.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.usage;
  }
  io.stderr.write(`${name} failed: ${err instanceof Error ? (process.env.LOG_LEVEL === 'debug' ? err.stack : err.message) : String(err)}\n`);
  return EXIT.failure;
}

export async function runCli(argv: string[], io: CliIo, onSession?: (session: Session) => void): Promise<ExitCode> {
  let session: Session | undefined;
  let code: ExitCode = EXIT.ok;
  const { program, current } = createProgram(commands, io, async (command, args, options) => {
    // LOG_LEVEL from the shell turns the CLI's logs on; one in .env is the service's setting.
    const askedForLogs = Boolean(process.env.LOG_LEVEL);
    const config = configFromEnvironment();
    session = createSession({ config, writes: command.writes, json: options.json === true, progress: options.progress === true, stdout: io.stdout, stderr: io.stderr, logLevel: askedForLogs ? config.LOG_LEVEL : undefined });
    onSession?.(session);
    code = await command.run(session, args, options);
  });
  let closed: Promise<unknown> | undefined;
  const close = () => (closed ??= session?.close().catch((err: unknown) => io.stderr.write(`stoflow: closing failed: ${String(err)}\n`)) ?? Promise.resolve());
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    // Closing first ends a progress bar the command left drawn, so the message gets a line of its own.
    await close();
    return report(err, io, program, current());
  } finally {
    await close();
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
  // `stoflow --help | head`: a reader that leaves early is no failure. Commands see it through
  // their Output (which stops writing); anything written outside one has nobody left to read it.
  process.stdout.on('error', () => undefined);
  void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, (s) => (session = s)).then((code) => {
    // stdout may be a pipe: let it drain before leaving.
    process.stdout.write('', () => process.exit(code));
  });
}

// `node dist/src/cli/main.js …` (the npm scripts); bin/stoflow.js calls main() itself.
if (require.main === module) main();
