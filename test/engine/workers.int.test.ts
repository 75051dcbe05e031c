import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createPostgresEventStore } from '../../src/eventstore/postgres-event-store';
import type { EventStore } from '../../src/eventstore/types';
import { rebuildProjection } from '../../src/engine/rebuild';
import type { Pool } from '../../src/infra/db/postgres';
import { createTestTenant, databaseUrl, testKnex, testPool, testTenancy } from '../support/db';
import { actualCounts, countingProjection, createCountingTable, expectedCounts } from './fixtures/counting-projection';

// The projector processes run the compiled code (npm test builds before running jest).
const WORKER = join(__dirname, '..', '..', 'dist', 'test', 'engine', 'fixtures', 'worker-process.js');

interface WorkerProcess {
  child: ChildProcess;
  workerId: number;
}

function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [WORKER], { env: { ...process.env, DATABASE_URL: databaseUrl(), ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const [word, id] = line.split(' ');
      if (word === 'ready') resolve({ child, workerId: Number(id) });
      else reject(new Error(`unexpected worker output: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function appendCounted(store: EventStore, tenant: number, streams: string[], perStream: number): Promise<void> {
  for (let i = 0; i < perStream; i++) {
    await Promise.all(streams.map((s) => store.append(tenant, s, [{ id: randomUUID(), type: 'Counted', data: { i } }], 'any')));
  }
}

async function allCaughtUp(pool: Pool, tenants: number[], name: string): Promise<boolean> {
  for (const tenant of tenants) {
    const expected = await expectedCounts(pool, tenant);
    const actual = await actualCounts(pool, tenant, name);
    if (JSON.stringify(Object.entries(expected).sort()) !== JSON.stringify(Object.entries(actual).sort())) return false;
  }
  return true;
}

describe('Projection workers', () => {
  let knex: Knex;
  let pool: Pool;
  let store: EventStore;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run the build first (npm test does)`);
    knex = testKnex();
    pool = testPool();
    store = createPostgresEventStore({ tenancy: testTenancy, pool });
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await knex.destroy();
  });

  it('When two workers share six tenants, then every event is projected exactly once, and a killed worker hands its tenants over', async () => {
    const tenants: number[] = [];
    for (let i = 0; i < 6; i++) {
      const tenant = await createTestTenant(knex);
      await createCountingTable(pool, tenant, 'test_counts');
      tenants.push(tenant);
    }
    const env = { TENANTS: tenants.join(','), WORKER_GROUP: String(100 + (process.pid % 1000)), PROJECTION_NAME: 'test_counts' };
    const a = await startWorker(env);
    const b = await startWorker(env);
    children.push(a.child, b.child);
    const streams = ['s-1', 's-2', 's-3'];
    await Promise.all(tenants.map((t) => appendCounted(store, t, streams, 20)));
    await waitFor(() => allCaughtUp(pool, tenants, 'test_counts'), 'both workers to catch up');

    // Both took a share: the leases are visible in pg_locks.
    const holders = await pool.query<{ pid: number; n: number }>(
      `select pid, count(*)::int as n from pg_locks where locktype = 'advisory' and classid = $1 and objsubid = 2 group by pid`,
      [1_000_000 + Number(env.WORKER_GROUP) * 2 + 1],
    );
    expect(holders.rows).toHaveLength(2);
    expect(holders.rows.map((r) => r.n).sort()).toEqual([3, 3]);

    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    await Promise.all(tenants.map((t) => appendCounted(store, t, streams, 10)));
    await waitFor(() => allCaughtUp(pool, tenants, 'test_counts'), 'the surviving worker to take over');
    for (const tenant of tenants) {
      expect(await actualCounts(pool, tenant, 'test_counts')).toEqual({ 's-1': 30, 's-2': 30, 's-3': 30 });
    }
  });

  it('When a projector is killed mid-way, then after a restart the read model equals a full rebuild', async () => {
    const tenant = await createTestTenant(knex);
    await createCountingTable(pool, tenant, 'test_crash');
    await appendCounted(store, tenant, ['a', 'b', 'c', 'd'], 50);
    const env = { TENANTS: String(tenant), WORKER_GROUP: String(2000 + (process.pid % 1000)), PROJECTION_NAME: 'test_crash', PROJECTION_DELAY_MS: '50', BATCH_SIZE: '10' };
    const first = await startWorker(env);
    children.push(first.child);
    // Let it apply some batches, then kill it without warning.
    await waitFor(async () => Object.values(await actualCounts(pool, tenant, 'test_crash')).reduce((a, b) => a + b, 0) >= 40, 'some progress');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const partial = Object.values(await actualCounts(pool, tenant, 'test_crash')).reduce((a, b) => a + b, 0);
    expect(partial).toBeLessThan(200);

    const second = await startWorker({ ...env, PROJECTION_DELAY_MS: '0' });
    children.push(second.child);
    await waitFor(() => allCaughtUp(pool, [tenant], 'test_crash'), 'the restarted projector');
    const incremental = await actualCounts(pool, tenant, 'test_crash');
    second.child.kill('SIGKILL');

    await rebuildProjection({ tenancy: testTenancy, pool, store, tenant, projection: countingProjection('test_crash', 'eventual') });
    expect(await actualCounts(pool, tenant, 'test_crash')).toEqual(incremental);
    expect(incremental).toEqual({ a: 50, b: 50, c: 50, d: 50 });
  });
});
