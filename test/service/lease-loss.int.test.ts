// A lost lease connection is news while the service runs, and expected once it is stopping.
import pino from 'pino';
import { createLeaseManager, markProcessStopping } from '../../src/engine/leases';
import { databaseUrl, testPool } from '../support/db';

type Line = { level: number; msg: string; workerId?: number };

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`never happened: ${what}`);
}

describe('A lost lease connection', () => {
  const group = 9100 + (process.pid % 400);
  const lines: Line[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  const pool = testPool(1);
  afterAll(() => pool.end());

  /** Ends the lease manager's session from the server side, as a restarted PostgreSQL does. */
  async function terminate(workerId: number): Promise<void> {
    const { rowCount } = await pool.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [`stoflow-worker-${workerId}`]);
    expect(rowCount).toBe(1);
  }

  // In this order: stopping is process-wide and cannot be undone.
  it('When the connection is lost while the service runs, then a warning says so and the tenants are given up', async () => {
    const leases = createLeaseManager(databaseUrl(), logger, group);
    try {
      expect((await leases.rebalance([1, 2])).size).toBe(2);
      await terminate(leases.workerId);
      await until('the warning', () => lines.some((l) => l.workerId === leases.workerId && l.level === 40));
      expect(lines.find((l) => l.workerId === leases.workerId && l.level === 40)!.msg).toBe('lease connection lost: giving up every tenant');
      expect(leases.held().size).toBe(0);
      // Still running: the next rebalance connects again and takes the tenants back.
      expect((await leases.rebalance([1, 2])).size).toBe(2);
    } finally {
      await leases.close();
    }
  });

  it('When the connection is lost once the process is stopping, then nothing is logged above debug and it is not reopened', async () => {
    const leases = createLeaseManager(databaseUrl(), logger, group);
    try {
      expect((await leases.rebalance([1, 2])).size).toBe(2);
      markProcessStopping();
      await terminate(leases.workerId);
      await until('the debug line', () => lines.some((l) => l.workerId === leases.workerId && l.level === 20));
      expect(lines.filter((l) => l.workerId === leases.workerId && l.level > 20)).toEqual([]);
      expect((await leases.rebalance([1, 2])).size).toBe(0);
      const { rowCount } = await pool.query(`select 1 from pg_stat_activity where application_name = $1`, [`stoflow-worker-${leases.workerId}`]);
      expect(rowCount).toBe(0);
    } finally {
      await leases.close();
    }
  });
});
