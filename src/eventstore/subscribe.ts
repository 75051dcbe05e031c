/*
 * A catch-up-then-follow subscription over one tenant's log or every tenant's, for feed
 * consumers (event feed API, replay tools). Built only on `readLog` and `watch`, so it behaves
 * the same on both backends.
 *
 * Delivery: each event once, in log order per tenant, as long as the process lives; positions
 * are kept in memory only (a consumer that must resume across restarts stores `position()`).
 * A handler that throws stops the subscription and rejects `done` with its error; a read that
 * fails is reported to `onError` and retried at the next wake.
 */
import type { EventStore, RecordedEvent, TenantId } from './types';

export type EventHandler = (event: RecordedEvent, tenant: TenantId) => Promise<void> | void;

export interface SubscribeOptions {
  /** Events read per round trip (default 500). */
  batchSize?: number;
  /** Only these event types (default: all). */
  types?: readonly string[];
  /** Re-read every followed tenant this often even without a wake-up (default 5 s). */
  pollIntervalMs?: number;
  /** Required for 'all': the tenants to follow; asked again whenever a wake names no tenant. */
  listTenants?: () => Promise<TenantId[]>;
  onError?: (error: unknown, tenant: TenantId | null) => void;
}

export interface Subscription {
  /** Resolves when stopped; rejects with the error of a handler that threw. */
  readonly done: Promise<void>;
  /** Position of the last event handled for a tenant. */
  position(tenant: TenantId): bigint | undefined;
  stop(): Promise<void>;
}

interface Pump {
  position: bigint;
  running: Promise<void> | null;
  again: boolean;
}

export async function subscribe(
  store: EventStore,
  target: TenantId | 'all',
  from: bigint,
  handler: EventHandler,
  options: SubscribeOptions = {},
): Promise<Subscription> {
  const batchSize = options.batchSize ?? 500;
  const onError = options.onError ?? (() => undefined);
  const listTenants = options.listTenants;
  if (target === 'all' && !listTenants) throw new Error("subscribe(…, 'all', …) needs options.listTenants");

  const pumps = new Map<TenantId, Pump>();
  let stopped = false;
  let settle!: { resolve: () => void; reject: (err: unknown) => void };
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));

  async function drain(tenant: TenantId, pump: Pump): Promise<void> {
    do {
      pump.again = false;
      let batch: RecordedEvent[];
      do {
        try {
          batch = await store.readLog(tenant, pump.position, batchSize, options.types);
        } catch (err) {
          onError(err, tenant);
          return;
        }
        for (const event of batch) {
          if (stopped) return;
          try {
            await handler(event, tenant);
          } catch (err) {
            void halt(err);
            return;
          }
          pump.position = event.position;
        }
      } while (batch.length === batchSize && !stopped);
    } while (pump.again && !stopped);
  }

  function wake(tenant: TenantId): void {
    if (stopped) return;
    if (target !== 'all' && tenant !== target) return;
    let pump = pumps.get(tenant);
    if (!pump) {
      pump = { position: from, running: null, again: false };
      pumps.set(tenant, pump);
    }
    if (pump.running) {
      // Read again once the current pass ends: its last read may predate this append.
      pump.again = true;
      return;
    }
    const current = pump;
    current.running = drain(tenant, current).finally(() => {
      current.running = null;
      if (current.again) wake(tenant);
    });
  }

  async function wakeAll(): Promise<void> {
    if (listTenants) {
      try {
        for (const tenant of await listTenants()) wake(tenant);
      } catch (err) {
        onError(err, null);
      }
    }
    for (const tenant of [...pumps.keys()]) wake(tenant);
  }

  // Listen first, then catch up: an append between the two is then never missed.
  const unwatch = await store.watch((tenant) => (tenant === null ? void wakeAll() : wake(tenant)));
  const timer = setInterval(() => void wakeAll(), options.pollIntervalMs ?? 5000);
  timer.unref();

  async function halt(error?: unknown): Promise<void> {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    await unwatch().catch((err: unknown) => onError(err, null));
    await Promise.all([...pumps.values()].map((p) => p.running));
    if (error === undefined) settle.resolve();
    else settle.reject(error);
  }

  if (target === 'all') await wakeAll();
  else wake(target);

  return {
    done,
    position: (tenant) => pumps.get(tenant)?.position,
    stop: () => halt(),
  };
}
