import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContainerOverrides } from '../../src/app/container';
import type { OnVintedTaskResult, VintedTask, VintedTaskResult } from '../../src/commands/vinted/tasks';
import type { EnqueueVintedTask } from '../../src/commands/vinted/enqueue-task';
import { registerAccount, type Registered } from '../accounts/support';
import { pairExtension, type VintedExtensionSimulator } from '../doubles/vinted-extension';
import { startTestApp, type TestApp } from '../support/app';

/** Real time, moved ahead by hand: long-polls still wait in real time, leases and paces can be jumped over. */
export function shiftedClock(): { now(): Date; advance(ms: number): void } {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) };
}

export interface HeardResult {
  tenant: number;
  task: VintedTask;
  result: VintedTaskResult;
}

export interface PluginApp extends TestApp {
  baseUrl: string;
  clock: ReturnType<typeof shiftedClock>;
  /** Every call of the task-result hook. */
  heard: HeardResult[];
  /** The next `n` calls of the hook throw (after being heard). */
  failHooks(n: number): void;
  enqueue(tenant: number, input: Partial<EnqueueVintedTask> & Pick<EnqueueVintedTask, 'kind'>): Promise<VintedTask>;
  /** A new seller with `devices` extensions paired, all signed in as the same Vinted member. */
  seller(devices?: number): Promise<{ who: Registered; extensions: VintedExtensionSimulator[] }>;
  /** A task's row as stored. */
  taskRow(tenant: number, id: string): Promise<Record<string, unknown>>;
}

let keys = 0;

/** The real app, listening on a free port (the extension simulator speaks HTTP to it). */
export async function startPluginApp(env: Record<string, string> = {}, overrides: ContainerOverrides = {}): Promise<PluginApp> {
  const clock = shiftedClock();
  const heard: HeardResult[] = [];
  let failures = 0;
  const onVintedTaskResult: OnVintedTaskResult = async (tenant, task, result) => {
    heard.push({ tenant, task, result });
    if (failures > 0) {
      failures -= 1;
      throw new Error('the listener failed');
    }
  };
  const t = await startTestApp({ VINTED_MIN_GAP_SECONDS: '0', VINTED_MAX_GAP_SECONDS: '0', ...env }, { clock, onVintedTaskResult, ...overrides });
  const server: Server = t.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...t,
    baseUrl,
    clock,
    heard,
    failHooks(n) {
      failures = n;
    },
    async enqueue(tenant, input) {
      const { task } = await t.services.vintedTasks.enqueue(tenant, { payload: {}, idempotencyKey: `test-${process.pid}-${++keys}-${Date.now()}`, ...input });
      return task;
    },
    async seller(devices = 1) {
      const who = await registerAccount(t.app);
      const first = await pairExtension(baseUrl, who.accessToken);
      const rest = await Promise.all(Array.from({ length: devices - 1 }, () => pairExtension(baseUrl, who.accessToken, { member: first.member })));
      return { who, extensions: [first, ...rest] };
    },
    async taskRow(tenant, id) {
      const { rows } = await t.services.pool.query(`select * from ${t.services.tenancy.table(tenant, 'vinted_tasks')} where id = $1`, [id]);
      return rows[0] as Record<string, unknown>;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}
