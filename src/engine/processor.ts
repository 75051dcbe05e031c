import type { EventStore } from '../eventstore/types';
import type { Connections } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import type { TenantPools } from '../infra/db/tenant-pools';
import type { Logger } from '../infra/logger';
import type { Clock } from '../infra/clock';
import { createLeaseManager, type LeaseManager } from './leases';
import type { Projection } from './projection';
import type { Reactor } from './reactor';
import { createTenantRunner, type RunOutcome } from './tenant-runner';

export interface ProcessorOptions {
  pool: Connections | TenantPools;
  tenancy: Tenancy;
  /** For the lease connection (a dedicated session outside the pool). */
  connectionString: string;
  store: EventStore;
  projections: readonly Projection[];
  reactors: readonly Reactor[];
  logger: Logger;
  clock: Clock;
  ids: { uuid(): string };
  /** How often tenants are re-shared among workers and everything re-read (default 1 s). */
  rebalanceMs?: number;
  batchSize?: number;
  random?: () => number;
  /**
   * Processes sharing tenants form a group (default 0); another group runs independently (a
   * separate pool of workers for one purpose, or an isolated test).
   */
  group?: number;
  /** The tenants to process (default: every tenant in public.tenants). */
  listTenants?: () => Promise<number[]>;
  /**
   * The polling fallback: at most this often (default 10 s) every held tenant is run even without
   * a notification naming it, in case one was lost. Notifications do the real-time work.
   */
  sweepMs?: number;
  /**
   * Periodic work per tenant (expired keys, polling a marketplace…), each job run after a pass at
   * most every `everyMs`; one job failing does not hold the others.
   */
  housekeeping?: PeriodicJob | readonly PeriodicJob[];
}

interface Pump {
  running: Promise<void> | null;
  again: boolean;
  /** Events the last run processed (drain goes on until a round processes none). */
  processed: number;
  retryTimer?: NodeJS.Timeout;
}

/** Work of a tenant that runs in turn with itself and side by side with the other lanes. */
interface Lane {
  name: string;
  /** The event types whose appending wakes it (null: any append). */
  handles: ReadonlySet<string> | null;
  run(tenant: number): Promise<RunOutcome>;
}

/**
 * The lanes an append wakes: with the types appended known, those that handle one of them; a lane
 * that handles none of them would only read the head and come back empty. Unknown types wake all.
 */
export function lanesWokenBy<L extends { handles: ReadonlySet<string> | null }>(lanes: readonly L[], types: ReadonlySet<string> | undefined): L[] {
  if (types === undefined) return [...lanes];
  return lanes.filter((lane) => lane.handles === null || [...types].some((type) => lane.handles!.has(type)));
}

/**
 * Runs projections and reactors for the tenants this process leases: catches each one up from its
 * checkpoints, then follows live on the store's wake-ups (LISTEN/NOTIFY), with the rebalance tick
 * as the polling fallback. Used in the API process by default and by `npm run worker`.
 */
/** Projections and reactors keep their positions under their names: two sharing one would skip each other's events. */
export function assertDistinctNames(names: readonly string[]): void {
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new Error(`Two projections or reactors are named ${twice}: each needs a checkpoint of its own`);
}

export interface PeriodicJob {
  name?: string;
  everyMs: number;
  run(tenant: number): Promise<void>;
}

export function createProcessor(options: ProcessorOptions) {
  const { store, logger } = options;
  assertDistinctNames([...options.projections.map((p) => p.name), ...options.reactors.map((r) => r.name)]);
  // With a store that cannot project inline, the runner keeps every read model.
  const projections = store.projectsInline ? options.projections.filter((p) => p.consistency === 'eventual') : options.projections;
  const runner = createTenantRunner({ ...options, projections });
  const leases: LeaseManager = createLeaseManager(options.connectionString, logger, options.group ?? 0);
  /** Per tenant and lane. */
  const pumps = new Map<string, Pump>();
  const lastUpkeep = new Map<string, number>();
  const jobs: readonly PeriodicJob[] = options.housekeeping === undefined ? [] : Array.isArray(options.housekeeping) ? options.housekeeping : [options.housekeeping as PeriodicJob];

  /** Runs the tenant's jobs that are due; answers when the next one is (Date.now() time). */
  async function upkeep(tenant: number): Promise<number> {
    for (const [i, job] of jobs.entries()) {
      const key = `${i}:${tenant}`;
      if (Date.now() - (lastUpkeep.get(key) ?? 0) < job.everyMs) continue;
      lastUpkeep.set(key, Date.now());
      try {
        await job.run(tenant);
      } catch (err) {
        logger.warn({ err, tenant, job: job.name ?? i }, 'a periodic job failed; it runs again at its next turn');
      }
    }
    return Math.min(...jobs.map((job, i) => (lastUpkeep.get(`${i}:${tenant}`) ?? 0) + job.everyMs));
  }
  /*
   * Each reactor is a lane of its own, and so are the eventual projections and the periodic
   * jobs: a sale's delists never wait behind a batch of publications, an analytics catch-up or a
   * marketplace poll; each lane still runs one pass at a time per tenant, in log order. With a
   * store that cannot project inline, the reactors read read models the runner itself keeps, so
   * everything stays one lane, projections first, as a reactor expects them caught up.
   */
  const handling = (...handlers: { handles: readonly string[] }[]) => new Set(handlers.flatMap((h) => h.handles));
  const lanes: Lane[] = store.projectsInline
    ? [
        ...(projections.length > 0 ? [{ name: 'projections', handles: handling(...projections), run: (t: number) => runner.runProjections(t) }] : []),
        ...options.reactors.map((reactor) => ({ name: `reactor:${reactor.name}`, handles: handling(reactor), run: (t: number) => runner.runReactor(t, reactor) })),
      ]
    : [{ name: 'all', handles: handling(...projections, ...options.reactors), run: (t: number) => runner.run(t) }];
  // Due by the clock (the rebalance tick wakes it), not by what is appended.
  // Woken again when its next job is due, so a 5-second poll runs every 5 s, not at the next
  // rebalance tick after that.
  const upkeepLane: Lane | null =
    jobs.length > 0
      ? {
          name: 'upkeep',
          handles: new Set<string>(),
          run: async (t: number) => {
            const due = await upkeep(t);
            return { processed: 0, nextRetryAt: new Date(options.clock.now().getTime() + Math.max(0, due - Date.now())) };
          },
        }
      : null;
  if (upkeepLane) lanes.push(upkeepLane);
  let stopped = false;
  let unwatch: (() => Promise<void>) | undefined;
  let tick: NodeJS.Timeout | undefined;
  let rebalancing: Promise<void> | null = null;
  let lastSweep = 0;
  const sweepMs = options.sweepMs ?? 10_000;

  /** Runs every held tenant, throttled: with many tenants a sweep per second would be a storm. */
  function sweep(force = false): void {
    const now = Date.now();
    if (!force && now - lastSweep < sweepMs) return;
    lastSweep = now;
    for (const tenant of leases.held()) {
      // What the lanes remember is read again now and then, in case another process moved it.
      runner.forget(tenant);
      wake(tenant);
    }
  }

  function pumpOf(tenant: number, lane: Lane): Pump {
    const key = `${tenant}:${lane.name}`;
    let pump = pumps.get(key);
    if (!pump) {
      pump = { running: null, again: false, processed: 0 };
      pumps.set(key, pump);
    }
    return pump;
  }

  function wake(tenant: number, types?: ReadonlySet<string>): void {
    for (const lane of lanesWokenBy(lanes, types)) wakeLane(tenant, lane);
  }

  function wakeLane(tenant: number, lane: Lane): void {
    if (stopped || !leases.held().has(tenant)) return;
    const pump = pumpOf(tenant, lane);
    if (pump.running) {
      pump.again = true;
      return;
    }
    pump.running = (async () => {
      pump.processed = 0;
      do {
        pump.again = false;
        try {
          const outcome = await lane.run(tenant);
          pump.processed += outcome.processed;
          if (outcome.nextRetryAt) scheduleRetry(tenant, lane, pump, outcome.nextRetryAt);
        } catch (err) {
          logger.error({ err, tenant, lane: lane.name }, 'processing failed; will retry at the next tick');
        }
      } while (pump.again && !stopped && leases.held().has(tenant));
      pump.running = null;
    })();
  }

  function scheduleRetry(tenant: number, lane: Lane, pump: Pump, at: Date): void {
    clearTimeout(pump.retryTimer);
    const delay = Math.max(0, at.getTime() - options.clock.now().getTime());
    pump.retryTimer = setTimeout(() => wakeLane(tenant, lane), Math.min(delay, 2 ** 31 - 1));
    pump.retryTimer.unref();
  }

  async function rebalance(): Promise<void> {
    try {
      const tenants = options.listTenants
        ? await options.listTenants()
        : (await options.pool.query<{ id: number }>('select id from public.tenants order by id')).rows.map((r) => r.id);
      const before = new Set(leases.held());
      const held = await leases.rebalance(tenants);
      // Newly leased tenants catch up at once; the others follow their notifications.
      for (const tenant of held) {
        if (before.has(tenant)) continue;
        runner.forget(tenant);
        wake(tenant);
      }
      // The periodic jobs are due by the clock, not by activity: a quiet tenant is polled too.
      if (upkeepLane) for (const tenant of held) wakeLane(tenant, upkeepLane);
      sweep();
    } catch (err) {
      logger.warn({ err }, 'tenant rebalance failed');
    }
  }

  function rebalanceOnce(): Promise<void> {
    rebalancing ??= rebalance().finally(() => {
      rebalancing = null;
    });
    return rebalancing;
  }

  return {
    workerId: leases.workerId,
    held: () => leases.held(),
    async start(): Promise<void> {
      unwatch = await store.watch((tenant, types) => {
        if (tenant === null) sweep();
        else if (leases.held().has(tenant)) wake(tenant, types);
        else void rebalanceOnce(); // a new tenant, perhaps
      });
      await rebalanceOnce();
      tick = setInterval(() => void rebalanceOnce(), options.rebalanceMs ?? 1000);
      tick.unref();
    },
    /**
     * Processes every held tenant until nothing is left to do (tests, CLI): rounds of every lane
     * until one round processes nothing (what a lane appends is another lane's work).
     */
    async drain(): Promise<void> {
      await rebalanceOnce();
      for (;;) {
        for (const pump of pumps.values()) pump.processed = 0;
        sweep(true);
        for (;;) {
          const running = [...pumps.values()].map((p) => p.running).filter((r): r is Promise<void> => r !== null);
          if (running.length === 0) break;
          await Promise.all(running);
        }
        if ([...pumps.values()].every((p) => p.processed === 0)) return;
      }
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(tick);
      for (const pump of pumps.values()) clearTimeout(pump.retryTimer);
      await unwatch?.();
      await rebalancing;
      await Promise.all([...pumps.values()].map((p) => p.running));
      await leases.close();
    },
  };
}

export type Processor = ReturnType<typeof createProcessor>;
