import { randomUUID } from 'node:crypto';
import { runCommand } from '../../src/commands/command';
import type { CommandHandlers } from '../../src/commands/handlers';
import { createProcessor } from '../../src/engine/processor';
import type { Reactor } from '../../src/engine/reactor';
import type { Decider } from '../../src/domain/shared/decider';
import { createLogger } from '../../src/infra/logger';
import { randomIds, systemClock } from '../../src/infra/clock';
import { startTestApp, type TestApp } from '../support/app';
import { createTestTenant, databaseUrl, testKnex, testTenancy } from '../support/db';
import { productBody } from '../products/support';

const logger = createLogger({ level: 'silent' });
let group = 8000 + (process.pid % 1000) * 10;

/** A reactor that acts: when a product sells out, it archives it through the same handler as DELETE /api/products/{id}. */
function archiveWhenSoldOut(commands: Pick<CommandHandlers, 'archiveProduct'>): Reactor {
  return {
    name: 'archive_sold_out',
    handles: ['ProductSold'],
    async react(event, { tenant, metadata }) {
      if ((event.data as { remaining_stock: number }).remaining_stock !== 0) return;
      await commands.archiveProduct(tenant, { product_id: event.streamId.slice('product-'.length) }, { event: metadata });
    },
  };
}

/** A tiny aggregate of the test's own, so a reactor can record failures in its domain. */
type JobEvent = { type: 'JobFailed'; data: { reason: string; attempt: number; next_attempt_at: string | null } };
const jobDecider: Decider<{ type: 'RecordJobFailure'; reason: string; attempt: number; next: Date | null }, JobEvent, number> = {
  initialState: 0,
  evolve: (n) => n + 1,
  decide: (c) => [{ type: 'JobFailed', data: { reason: c.reason, attempt: c.attempt, next_attempt_at: c.next?.toISOString() ?? null } }],
};

describe('Reactors that act through commands', () => {
  let t: TestApp;
  const knex = testKnex();
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
    await knex.destroy();
  });

  function processorFor(tenant: number, reactors: Reactor[]) {
    return createProcessor({ tenancy: testTenancy,
      pool: t.services.pool,
      connectionString: databaseUrl(),
      store: t.services.eventStore,
      projections: [],
      reactors,
      logger,
      clock: systemClock,
      ids: randomIds,
      group: group++,
      listTenants: async () => [tenant],
      rebalanceMs: 100,
    });
  }

  it('When the last unit is sold, then the reactor issues ArchiveProduct, caused by the sale and acting as the reactor', async () => {
    const tenant = await createTestTenant(knex);
    const { commands } = t.services;
    const actor = { event: { actor: randomUUID() } };
    const { product } = await commands.createProduct(tenant, productBody({ stock_quantity: 1 }) as never, actor);
    const processor = processorFor(tenant, [archiveWhenSoldOut(commands)]);
    try {
      await commands.recordSale(tenant, { product_id: product.id, quantity: 1, unit_price: 20, channel: 'offline' }, actor);
      await processor.drain();
      const stream = await t.services.eventStore.readStream(tenant, `product-${product.id}`);
      expect(stream.map((e) => e.type)).toEqual(['ProductCreated', 'ProductSold', 'ProductArchived']);
      expect(stream[2]!.metadata).toMatchObject({ actor: 'reactor:archive_sold_out', causation_id: stream[1]!.id });
      const row = await t.services.pool.query(`select status from "${testTenancy.schema(tenant)}".products where id = $1`, [product.id]);
      expect(row.rows).toEqual([{ status: 'archived' }]);
    } finally {
      await processor.stop();
    }
  });

  it('When a reaction fails, then the reactor records the failure in its own domain with the reason and the engine’s next retry', async () => {
    const tenant = await createTestTenant(knex);
    const failing: Reactor = {
      name: 'publisher',
      handles: ['Ping'],
      maxAttempts: 5,
      baseDelayMs: 60_000,
      async react() {
        throw new Error('marketplace refused the listing');
      },
      async failed(event, failure, { tenant: at, metadata }) {
        await runCommand(
          t.services.commandDeps,
          at,
          { stream: `job-${event.id}`, decider: jobDecider, command: { type: 'RecordJobFailure', reason: failure.error, attempt: failure.attempt, next: failure.nextAttemptAt } },
          { event: metadata },
        );
      },
    };
    const processor = processorFor(tenant, [failing]);
    try {
      const ping = { id: randomUUID(), type: 'Ping', data: {} };
      await t.services.eventStore.append(tenant, 'pings', [ping], 'any');
      await processor.drain();
      const [failed, ...more] = await t.services.eventStore.readStream(tenant, `job-${ping.id}`);
      expect(more).toEqual([]);
      const retry = await t.services.pool.query<{ next_attempt_at: Date }>(`select next_attempt_at from "${testTenancy.schema(tenant)}".reaction_failures where event_id = $1`, [ping.id]);
      expect(failed).toMatchObject({
        type: 'JobFailed',
        data: { reason: 'marketplace refused the listing', attempt: 1, next_attempt_at: retry.rows[0]!.next_attempt_at.toISOString() },
        metadata: { actor: 'reactor:publisher', causation_id: ping.id },
      });
    } finally {
      await processor.stop();
    }
  });
});
