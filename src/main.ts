import { createServer, type Server } from 'node:http';
import { configFromEnvironment, openDatabase, openLogs, prepareSchema } from './bootstrap';
import { markProcessStopping } from './engine/leases';
import { watchParent } from './infra/parent-watch';
import { catchStopSignals } from './infra/stop-signals';
import { stopDeadline } from './infra/stop-deadline';
import { buildApp } from './app/app';
import { buildContainer } from './app/container';
import { serviceLinks } from './http/app';

/** A start-up failure whose message says all (no stack trace for the user to read). */
class StartupError extends Error {}

/** The composition root: config → database → schema → services → HTTP server (+ workers). */
async function main(): Promise<void> {
  // Before anything starts: a signal during start-up stops the process once it is up.
  const signals = catchStopSignals();
  const config = configFromEnvironment();
  const logs = await openLogs(config, 'api');
  const logger = logs.logger;
  const database = await openDatabase(config, logger);
  await prepareSchema(config, database, logger);
  const services = buildContainer(config, logger, database);
  const app = buildApp(services);
  if (config.RUN_WORKERS) await services.startProcessing();
  else logger.info('RUN_WORKERS=false: projections and reactors run in `npm run worker` processes');

  let server: Server;
  try {
    // Not app.listen: Express 5 calls its callback on errors too, as if it were listening.
    server = await new Promise<Server>((resolve, reject) => {
      const s = createServer(app);
      s.once('error', reject);
      s.listen(config.PORT, config.HOST, () => resolve(s));
    });
  } catch (err) {
    await services.close();
    await database.stop();
    const code = (err as NodeJS.ErrnoException).code;
    throw new StartupError(code === 'EADDRINUSE' ? `port ${config.PORT} is already in use: stop what holds it or set PORT` : (err as Error).message);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const base = `http://localhost:${port}`;
  logger.info({ port, database: database.embedded ? 'embedded' : 'external' }, 'Stoflow is listening');
  const links = [{ name: 'Stoflow API', href: '/' }, ...serviceLinks].map((l) => `${l.name.padEnd(14)}${base}${l.href}\n`);
  process.stdout.write(`\n${links.join('')}\n`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    markProcessStopping();
    logger.info({ signal }, 'stopping');
    stopDeadline(logger, database, 'shutdown');
    // Long-polls of the Vinted extension answer now rather than hold the server open.
    await services.vintedWakeups.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 3000).unref();
    });
    await services.close();
    await database.stop();
    logger.info('stopped');
    await logs.end();
    process.exit(0);
  };
  signals.handleWith((signal) => void stop(signal));
  // npm gone without passing a signal on: stop as for SIGTERM rather than live on as an orphan.
  watchParent(() => void stop('parent exited'));
}

main().catch((err: unknown) => {
  // A known cause is said plainly; anything else comes with its stack.
  const known = err instanceof StartupError;
  process.stderr.write(`Stoflow failed to start: ${known ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
