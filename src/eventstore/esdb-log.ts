/*
 * A tenant's log on EventStoreDB: `$all` filtered by the tenant's stream-name prefix, with the
 * commit position as the log position. ESDB's `$all` is one totally ordered log, so positions
 * grow in the order every reader sees them and the gap problem of the SQL store cannot occur.
 *
 * readAll takes no server-side filter in this client, while filtered subscriptions do and end
 * their catch-up with a "caught up" message (EventStoreDB ≥ 23.10 / KurrentDB): a page of the
 * tenant's log is read as a filtered subscription stopped at `limit` events or at caught-up,
 * so the server skips the other tenants' events instead of shipping them to us.
 */
import {
  BACKWARDS,
  END,
  START,
  streamNameFilter,
  type AllStreamRecordedEvent,
  type EventStoreDBClient,
  type Position,
} from '@eventstore/db-client';
import type { EsdbNaming } from './esdb-naming';
import type { RecordedEvent, TenantId } from './types';

export type ToRecorded = (event: AllStreamRecordedEvent) => RecordedEvent;

export async function readTenantLog(
  client: EventStoreDBClient,
  naming: EsdbNaming,
  toRecorded: ToRecorded,
  tenant: TenantId,
  after: bigint,
  limit: number,
  types?: readonly string[],
): Promise<RecordedEvent[]> {
  if (limit <= 0) return [];
  const found: RecordedEvent[] = [];
  const wanted = types && types.length > 0 ? new Set(types) : null;
  const subscription = client.subscribeToAll({
    fromPosition: after === 0n ? START : { commit: after, prepare: after },
    filter: streamNameFilter({ prefixes: [naming.tenantPrefix(tenant)] }),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let done = false;
      // Events still buffered in the subscription when "caught up" arrives came before it.
      let beforeCaughtUp: number | null = null;
      const finish = () => {
        done = true;
        resolve();
      };
      subscription.on('caughtUp', () => {
        beforeCaughtUp = subscription.readableLength;
        if (beforeCaughtUp === 0) finish();
      });
      subscription.on('end', finish);
      subscription.on('error', reject);
      subscription.on('data', (resolved) => {
        if (done) return;
        const event = resolved.event;
        // A subscription starts after its position, but a read never returns `after` itself.
        if (event && event.position.commit > after && (!wanted || wanted.has(event.type))) found.push(toRecorded(event));
        if (beforeCaughtUp !== null) beforeCaughtUp -= 1;
        if (found.length >= limit || beforeCaughtUp === 0) finish();
      });
    });
  } finally {
    await subscription.unsubscribe().catch(() => undefined);
  }
  return found;
}

/**
 * The tenant's last position: `$all` read backwards until the tenant's newest event. Cheap for
 * an active tenant; for a long-idle one it walks back past everyone else's newer events.
 *
 * Each page is read to its end, never left mid-way: a read the server has finished sending but
 * nobody consumes is never released by the client, and `dispose()` then waits for it forever.
 */
export async function tenantHead(client: EventStoreDBClient, naming: EsdbNaming, tenant: TenantId): Promise<bigint> {
  const prefix = naming.tenantPrefix(tenant);
  const page = 500;
  let from: typeof END | Position = END;
  let skip: Position | null = null;
  for (;;) {
    const maxCount = page + (skip ? 1 : 0);
    let entries = 0;
    let oldest: Position | null = null;
    let found: bigint | null = null;
    const reading = client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount });
    for await (const resolved of reading) {
      entries += 1;
      const event: AllStreamRecordedEvent | undefined = resolved.event;
      // In case a backwards read includes its starting position (the previous page's last event).
      if (found !== null || !event || (skip && event.position.commit === skip.commit && event.position.prepare === skip.prepare)) continue;
      if (event.streamId.startsWith(prefix)) found = event.position.commit;
      oldest = event.position;
    }
    if (found !== null) return found;
    if (!oldest || entries < maxCount) return 0n;
    from = oldest;
    skip = oldest;
  }
}

/**
 * Live wake-ups: one filtered subscription to `$all` from its end for every tenant's streams,
 * re-opened with backoff if it fails, plus a timer, mirroring LISTEN/NOTIFY on PostgreSQL.
 */
export function watchTenants(
  client: EventStoreDBClient,
  naming: EsdbNaming,
  onWake: (tenant: TenantId | null) => void,
  pollIntervalMs: number,
): () => Promise<void> {
  let stopped = false;
  let backoffMs = 100;
  let retry: NodeJS.Timeout | null = null;
  let current: ReturnType<EventStoreDBClient['subscribeToAll']> | null = null;

  const open = () => {
    if (stopped) return;
    const subscription = client.subscribeToAll({
      fromPosition: END,
      filter: streamNameFilter({ regex: naming.anyTenantRegex() }),
    });
    current = subscription;
    subscription.on('confirmation', () => {
      backoffMs = 100;
      onWake(null); // whatever was appended while we were away is only found by reading
    });
    subscription.on('data', (resolved) => {
      const parsed = resolved.event ? naming.parse(resolved.event.streamId) : null;
      if (parsed) onWake(parsed.tenant);
    });
    const reopen = () => {
      if (stopped || current !== subscription) return;
      current = null;
      retry = setTimeout(open, backoffMs);
      backoffMs = Math.min(backoffMs * 2, 5000);
    };
    subscription.on('error', reopen);
    subscription.on('end', reopen);
  };
  open();
  const timer = setInterval(() => onWake(null), pollIntervalMs);
  timer.unref();

  return async () => {
    stopped = true;
    clearInterval(timer);
    if (retry) clearTimeout(retry);
    await current?.unsubscribe().catch(() => undefined);
    current = null;
  };
}
