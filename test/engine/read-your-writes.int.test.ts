import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createPostgresEventStore } from '../../src/eventstore/postgres-event-store';
import type { EventStore } from '../../src/eventstore/types';
import { createProcessor } from '../../src/engine/processor';
import { readYourWrites } from '../../src/engine/read-your-writes';
import type { Pool } from '../../src/infra/db/postgres';
import { createLogger } from '../../src/infra/logger';
import { randomIds, systemClock } from '../../src/infra/clock';
import { UnavailableError } from '../../src/shared/errors';
import { createTestTenant, databaseUrl, testKnex, testPool, testTenancy } from '../support/db';
import { actualCounts, countingProjection, createCountingTable } from './fixtures/counting-projection';

/**
 * A store that cannot project inline (as with EventStoreDB): the read model the command needs is
 * kept by the processor, and a command waits for it before answering.
 */
describe('Read-your-writes without inline projections', () => {
  let knex: Knex;
  let pool: Pool;
  let store: EventStore;
  const projection = countingProjection('test_ryw', 'inline');

  beforeAll(() => {
    knex = testKnex();
    pool = testPool();
    store = { ...createPostgresEventStore({ tenancy: testTenancy, pool, pollIntervalMs: 100 }), projectsInline: false };
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await knex.destroy();
  });

  it('When the processor keeps the read model, then waiting after an append returns only once the read model holds it', async () => {
    const tenant = await createTestTenant(knex);
    await createCountingTable(pool, tenant, 'test_ryw');
    const processor = createProcessor({ tenancy: testTenancy,
      pool, connectionString: databaseUrl(), store, projections: [projection], reactors: [], logger: createLogger({ level: 'silent' }),
      clock: systemClock, ids: randomIds, group: 8000 + (process.pid % 1000), listTenants: async () => [tenant],
    });
    await processor.start();
    try {
      const wait = readYourWrites({ tenancy: testTenancy, pool, projections: [projection], inline: store.projectsInline, timeoutMs: 10_000 });
      for (let i = 1; i <= 5; i++) {
        const append = await store.append(tenant, 's', [{ id: randomUUID(), type: 'Counted', data: {} }], 'any');
        await wait(tenant, append, ['Counted']);
        expect(await actualCounts(pool, tenant, 'test_ryw')).toEqual({ s: i });
      }
    } finally {
      await processor.stop();
    }
  });

  it('When nothing keeps the read model, then the wait gives up with a 503-kind error instead of hanging', async () => {
    const tenant = await createTestTenant(knex);
    await createCountingTable(pool, tenant, 'test_ryw');
    const wait = readYourWrites({ tenancy: testTenancy, pool, projections: [projection], inline: false, timeoutMs: 100 });
    const append = await store.append(tenant, 's', [{ id: randomUUID(), type: 'Counted', data: {} }], 'any');
    await expect(wait(tenant, append, ['Counted'])).rejects.toBeInstanceOf(UnavailableError);
    // Events no read model handles need no wait at all.
    await expect(wait(tenant, append, ['SomethingElse'])).resolves.toBeUndefined();
  });
});
