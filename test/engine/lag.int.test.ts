import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { projectionLag } from '../../src/engine/lag';
import { createPostgresEventStore } from '../../src/eventstore/postgres-event-store';
import type { Pool } from '../../src/infra/db/postgres';
import { createTestTenant, testKnex, testPool, testTenancy } from '../support/db';

describe('Projection lag for /health', () => {
  let pool: Pool;
  let knex: Knex;
  let queries = 0;
  /** The pool, counting the statements the lag check sends. */
  let counted: Pool;

  beforeAll(() => {
    pool = testPool(4);
    knex = testKnex();
    counted = new Proxy(pool, {
      get(target, key, receiver) {
        if (key === 'query') {
          return (...args: Parameters<Pool['query']>) => {
            queries++;
            return (target.query as (...a: unknown[]) => unknown)(...args);
          };
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
  });

  afterAll(async () => {
    await pool.end();
    await knex.destroy();
  });

  it('When the report ages out while many requests ask, then one measurement runs and they get the last report meanwhile', async () => {
    const tenant = await createTestTenant(knex);
    const store = createPostgresEventStore({ tenancy: testTenancy, pool });
    const type = `LagTested${randomUUID().slice(0, 8)}`;
    const append = (n: number) =>
      store.append(tenant, `lag-${randomUUID()}`, Array.from({ length: n }, () => ({ id: randomUUID(), type, data: {} })), 'any');
    try {
      await append(3);
      const lag = projectionLag({ pool: counted, tenancy: testTenancy, store, consumers: [{ name: `lag-${type}`, handles: [type] }], cacheMs: 100, maxTenants: 100_000 });

      queries = 0;
      const first = await lag();
      const perMeasurement = queries;
      expect(perMeasurement).toBeGreaterThan(1); // the tenant list, then the checkpoints of each tenant
      expect(first.lag[`lag-${type}`]).toEqual({ events: 3, tenant });

      await append(2);
      await new Promise((r) => setTimeout(r, 150));
      queries = 0;
      const answers = await Promise.all(Array.from({ length: 20 }, () => lag()));
      // Each answered at once with the report it had; a single refresh runs behind them.
      expect(answers.every((a) => a === first)).toBe(true);
      const deadline = Date.now() + 10_000;
      let fresh = first;
      while (fresh === first && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        fresh = await lag();
      }
      expect(fresh.lag[`lag-${type}`]).toEqual({ events: 5, tenant });
      // One refresh (other test files may add a tenant or two meanwhile), not one per caller.
      expect(queries).toBeLessThan(2 * perMeasurement);
    } finally {
      await store.close();
    }
  });

  it('When nothing was measured yet, then the first caller waits for the measurement', async () => {
    const store = createPostgresEventStore({ tenancy: testTenancy, pool });
    const lag = projectionLag({ pool, tenancy: testTenancy, store, consumers: [{ name: 'lag-nothing', handles: ['LagNeverAppended'] }], maxTenants: 5 });
    const report = await lag().finally(() => store.close());
    expect(report.status).toBe('ok');
    expect(report.lag['lag-nothing']).toEqual({ events: 0, tenant: null });
    expect(report.tenants_checked).toBeGreaterThan(0);
  });
});
