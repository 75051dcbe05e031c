import { configFromEnvironment, openDatabase, openLogs, prepareSchema } from './bootstrap';
import { markProcessStopping } from './engine/leases';
import { watchParent } from './infra/parent-watch';
import { catchStopSignals } from './infra/stop-signals';
import { stopDeadline } from './infra/stop-deadline';
import { buildContainer } from './app/container';

/**
 * A worker process: projectors and reactors only, no HTTP. Several workers (and API processes
 * with RUN_WORKERS=true) share the tenants through advisory-lock leases.
 */
async function worker(): Promise<void> {
  // Before anything starts: a signal during start-up stops the process once it is up.
  const signals = catchStopSignals();
  const config = configFromEnvironment();
  const logs = await openLogs(config, 'worker');
  const logger = logs.logger;
  const database = await openDatabase(config, logger);
  await prepareSchema(config, database, logger);
  const services = buildContainer(config, logger, database);
  await services.startProcessing();
  logger.info({ workerId: services.processor.workerId }, 'worker started');
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    markProcessStopping();
    logger.info({ signal }, 'worker stopping');
    stopDeadline(logger, database, 'worker shutdown');
    await services.close();
    await database.stop();
    logger.info('worker stopped');
    await logs.end();
    process.exit(0);
  };
  signals.handleWith((signal) => void stop(signal));
  // npm gone without passing a signal on: stop as for SIGTERM rather than live on as an orphan.
  watchParent(() => void stop('parent exited'));
}

worker().catch((err: unknown) => {
  process.stderr.write(`Stoflow worker failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
