import { createLeaseManager } from '../../src/engine/leases';
import { createLogger } from '../../src/infra/logger';
import { databaseUrl, testPool } from '../support/db';

const logger = createLogger({ level: 'silent' });

describe('Tenant leases', () => {
  const group = 9500 + (process.pid % 400);
  const tenants = [101, 102, 103, 104, 105];

  async function locksHeld(): Promise<number> {
    const pool = testPool(1);
    try {
      const { rows } = await pool.query<{ n: number }>(
        `select count(*)::int as n from pg_locks where locktype = 'advisory' and classid = $1 and objsubid = 2 and granted`,
        [1_000_000 + group * 2 + 1],
      );
      return rows[0]!.n;
    } finally {
      await pool.end();
    }
  }

  it('When two workers share five tenants, then each takes no more than its share, together all, and a closed one gives its tenants back', async () => {
    const a = createLeaseManager(databaseUrl(), logger, group);
    const b = createLeaseManager(databaseUrl(), logger, group);
    try {
      await a.rebalance([]); // both present before either takes a share
      await b.rebalance([]);
      const first = await a.rebalance(tenants);
      expect(first.size).toBe(3); // ceil(5 / 2): the others stay free even though a could lock them
      expect(await locksHeld()).toBe(3);
      const second = await b.rebalance(tenants);
      expect(second.size).toBe(2);
      expect([...first, ...second].sort()).toEqual(tenants);

      await a.close();
      const alone = await b.rebalance(tenants);
      expect([...alone].sort()).toEqual(tenants);
      expect(await locksHeld()).toBe(5);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
