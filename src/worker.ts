import { configFromEnvironment, loggerFor, openDatabase, prepareSchema } from './bootstrap';
import { buildContainer } from './app/container';

/**
 * A worker process: projectors and reactors only, no HTTP. Several workers (and API processes
 * with RUN_WORKERS=true) share the tenants through advisory-lock leases.
 */
async function worker(): Promise<void> {
  const config = configFromEnvironment();
  const logger = loggerFor(config, { file: false });
  const database = await openDatabase(config, logger);
  await prepareSchema(config, database.url, logger);
  const services = buildContainer(config, logger, database.url);
  await services.startProcessing();
  logger.info({ workerId: services.processor.workerId }, 'worker started');
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    setTimeout(() => process.exit(1), 10_000).unref();
    await services.close();
    await database.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

worker().catch((err: unknown) => {
  process.stderr.write(`Stoflow worker failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
