/*
 * Wakes readers when events are appended. append_events sends `NOTIFY <channel>, 'client_N:<last
 * position>:<type>,<type>,…'` (public migration 0011; without the types when they do not fit);
 * PostgreSQL delivers it only after the commit, so a woken reader finds the events. The types let
 * a reader skip what it does not handle.
 *
 * One LISTEN connection serves every watcher of the store, outside the pool so it never holds a
 * slot that queries need. Notifications are a hint, not a guarantee: they are lost while the
 * connection is down, so every watcher is also woken on a timer (`null`: any tenant may have
 * news) and right after a reconnect.
 */
import pg from 'pg';
import type { Tenancy } from '../infra/db/tenancy';
import type { TenantId } from './types';

export interface PostgresWatcher {
  watch(onWake: Wake): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface PostgresWatcherOptions {
  /** Whose connection settings the LISTEN connection takes. */
  pool: { options: pg.PoolConfig };
  tenancy: Tenancy;
  channel: string;
  pollIntervalMs: number;
}

/** `types`: the event types appended, when the notification named them. */
type Wake = (tenant: TenantId | null, types?: ReadonlySet<string>) => void;

/** `client_N:<position>` or `client_N:<position>:<type>,<type>`: the schema, and the types if named. */
export function parseNotification(payload: string): { schema: string; types: ReadonlySet<string> | undefined } {
  const [schema = '', , types] = payload.split(':', 3);
  return { schema, types: types ? new Set(types.split(',')) : undefined };
}

export function createPostgresWatcher({ pool, tenancy, channel, pollIntervalMs }: PostgresWatcherOptions): PostgresWatcher {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`Invalid notification channel: ${channel}`);
  const wakers = new Set<Wake>();
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let retry: NodeJS.Timeout | null = null;
  let backoffMs = 100;
  let closed = false;

  const wakeAll = (tenant: TenantId | null, types?: ReadonlySet<string>) => {
    for (const wake of wakers) {
      try {
        wake(tenant, types);
      } catch {
        // A watcher's own failure must not starve the others.
      }
    }
  };

  const onNotification = (message: pg.Notification) => {
    const { schema, types } = parseNotification(message.payload ?? '');
    const tenant = tenancy.tenantOf(schema);
    if (tenant !== null) wakeAll(tenant, types);
  };

  function scheduleReconnect() {
    if (closed || wakers.size === 0 || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, backoffMs);
    backoffMs = Math.min(backoffMs * 2, 5000);
  }

  async function connect(): Promise<void> {
    if (client || connecting || closed || wakers.size === 0) return connecting ?? undefined;
    const next = new pg.Client({ ...pool.options, application_name: `${pool.options.application_name ?? 'stoflow'}-listen` });
    connecting = (async () => {
      try {
        next.on('notification', onNotification);
        next.on('error', () => drop(next));
        next.on('end', () => drop(next));
        await next.connect();
        await next.query(`listen "${channel}"`);
        client = next;
        backoffMs = 100;
        // Anything appended while we were not listening is only found by reading.
        wakeAll(null);
      } catch {
        drop(next);
      } finally {
        connecting = null;
      }
    })();
    return connecting;
  }

  function drop(which: pg.Client) {
    for (const event of ['notification', 'error', 'end'] as const) which.removeAllListeners(event);
    which.on('error', () => undefined);
    void which.end().catch(() => undefined);
    if (client === which) client = null;
    scheduleReconnect();
  }

  async function stopListening() {
    if (timer) clearInterval(timer);
    if (retry) clearTimeout(retry);
    timer = null;
    retry = null;
    await connecting;
    const current = client;
    client = null;
    if (current) {
      for (const event of ['notification', 'error', 'end'] as const) current.removeAllListeners(event);
      current.on('error', () => undefined);
      await current.end().catch(() => undefined);
    }
  }

  return {
    async watch(onWake) {
      if (closed) throw new Error('The event store is closed');
      wakers.add(onWake);
      if (!timer) {
        timer = setInterval(() => wakeAll(null), pollIntervalMs);
        timer.unref();
      }
      await connect();
      return async () => {
        wakers.delete(onWake);
        if (wakers.size === 0) await stopListening();
      };
    },
    async close() {
      closed = true;
      wakers.clear();
      await stopListening();
    },
  };
}
