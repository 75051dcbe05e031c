import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureDatabase, createKnex } from '../../src/infra/db/postgres';
import { migratePublic } from '../../src/infra/db/migrator';
import { seedReferenceData } from '../../src/seed';

interface Services {
  databaseUrl: string;
  adminUrl: string;
  redisUrl: string;
  redisBin: string;
  dataDir: string;
}

declare global {
  var __STOFLOW_SERVICES__: ChildProcess | undefined;
}

export default async function globalSetup(): Promise<void> {
  const child = spawn(process.execPath, [join(__dirname, 'services.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: join(__dirname, '..', '..'),
  });
  globalThis.__STOFLOW_SERVICES__ = child;
  const services = await new Promise<Services>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as Services);
      } catch (err) {
        reject(err);
      }
    });
    child.once('exit', (code) => reject(new Error(`test services exited early with code ${code}`)));
  });
  process.env.DATABASE_URL = services.databaseUrl;
  process.env.STOFLOW_TEST_ADMIN_URL = services.adminUrl;
  process.env.REDIS_URL = services.redisUrl;
  process.env.STOFLOW_TEST_REDIS_BIN = services.redisBin;
  process.env.STOFLOW_TEST_DATA_DIR = services.dataDir;

  await ensureDatabase(services.databaseUrl);
  const knex = createKnex(services.databaseUrl);
  try {
    await migratePublic(knex);
    await seedReferenceData(knex);
  } finally {
    await knex.destroy();
  }
}
