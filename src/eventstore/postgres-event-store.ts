import { inTransaction, type Pool, type Queryable } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import { perTenant, type TenantPools } from '../infra/db/tenant-pools';
import { ConcurrencyError, ConflictError } from '../shared/errors';
import { createAppendQueue, type AppendQueueLimits, type QueuedAppend } from './postgres-append-queue';
import { createCommitGroups, type CommitGroupLimits, type GroupMember } from './postgres-commit-groups';
import { createPostgresWatcher } from './postgres-watch';
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  InlineProjector,
  NewEvent,
  ReadStreamOptions,
  RecordedEvent,
  TenantId,
  Upcaster,
} from './types';
import { createUpcasterRegistry, type UpcasterRegistry } from './upcasters';

export interface PostgresEventStoreOptions {
  /** Each tenant's reads and appends go to its own connections (a plain pool: any connection). */
  pool: Pool | TenantPools;
  tenancy: Tenancy;
  /** Read models updated inside the append transaction. */
  inline?: InlineProjector;
  upcasters?: readonly Upcaster[];
  /** NOTIFY channel for new events (default `stoflow_events`). */
  channel?: string;
  /** How often watchers are woken without a notification, in case one was lost (default 1 s). */
  pollIntervalMs?: number;
  /** How many concurrent appends of a tenant may share one call (group commit). */
  grouping?: AppendQueueLimits;
  /**
   * How many tenants' transactional calls may share one transaction, and how many such
   * transactions a group of connections runs at once (default: one per connection).
   */
  crossTenant?: CommitGroupLimits & { inFlight?: number };
}

export const DEFAULT_EVENTS_CHANNEL = 'stoflow_events';

const EVENT_COLUMNS = 'position, stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at';

interface EventRow {
  position: number | string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown> | null;
  recorded_at: Date;
}

interface AppendRow {
  outcome: 'appended' | 'duplicate' | 'conflict' | 'id_conflict';
  next_version: number;
  first_position: number | string | null;
  last_position: number | string | null;
  appended_at: Date;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    data: row.data,
    schemaVersion: row.schema_version,
    metadata: row.metadata ?? {},
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    position: BigInt(row.position),
    recordedAt: row.recorded_at,
  };
}

/** The SQL encoding of an expected version (see the append_events migration). */
function encodeExpected(expected: ExpectedVersion): number {
  if (expected === 'any') return -1;
  if (expected === 'stream_exists') return -2;
  if (expected === 'no_stream') return 0;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new Error(`Invalid expected version: ${String(expected)}`);
  return expected;
}

function checkEvents(stream: string, events: NewEvent[]): void {
  if (stream.length === 0) throw new Error('A stream id is required');
  const ids = new Set(events.map((e) => e.id));
  if (ids.size !== events.length) throw new Error(`Duplicate event id in one append to ${stream}`);
}

/** The shared function (public migration 0005), told which tenant schema to append to. */
const APPEND_CALL = `select outcome, next_version, first_position, last_position, appended_at
            from public.append_events($1::text, $2::text[], $3::bigint[], $4::integer[], $5::uuid[],
                 $6::text[], $7::integer[], $8::jsonb[], $9::jsonb[], $10::text)`;

/** Parameters of one append_events call for one or more appends (one per stream). */
function appendParams(batch: QueuedAppend[], registry: UpcasterRegistry, channel: string) {
  const events = batch.flatMap((b) => b.events);
  return [
    batch.map((b) => b.stream),
    batch.map((b) => encodeExpected(b.expected)),
    batch.map((b) => b.events.length),
    events.map((e) => e.id),
    events.map((e) => e.type),
    events.map((e) => e.schemaVersion ?? registry.currentVersion(e.type)),
    events.map((e) => JSON.stringify(e.data ?? null)),
    events.map((e) => JSON.stringify(e.metadata ?? {})),
    channel,
  ];
}

const refused = (row: AppendRow) => row.outcome === 'conflict' || row.outcome === 'id_conflict';

/** The call's rows (one per append, in order) back into the units they came in. */
function regroup<R>(units: QueuedAppend[][], rows: R[]): R[][] {
  let at = 0;
  return units.map((unit) => {
    const own = rows.slice(at, at + unit.length);
    at += unit.length;
    return own;
  });
}

/** A lone unit refused in part: thrown to roll its transaction back, answered with its rows. */
class UnitRefused extends Error {
  constructor(readonly rows: AppendRow[]) {
    super('refused');
  }
}

function toResult(stream: string, expected: ExpectedVersion, row: AppendRow | undefined): AppendResult {
  if (!row) throw new Error(`append_events returned nothing for ${stream}`);
  if (row.outcome === 'conflict') throw new ConcurrencyError(stream, expected, row.next_version);
  if (row.outcome === 'id_conflict') {
    throw new ConflictError(`Some event ids of this append are already stored elsewhere than ${stream}`, 'event_id_conflict');
  }
  return {
    nextExpectedVersion: row.next_version,
    firstPosition: row.first_position === null ? 0n : BigInt(row.first_position),
    lastPosition: row.last_position === null ? 0n : BigInt(row.last_position),
    duplicate: row.outcome === 'duplicate',
  };
}

/**
 * The envelopes of a fresh append, rebuilt without reading them back: append_events guarantees
 * (and checks) that the positions of one call are consecutive.
 */
function envelopes(stream: string, events: NewEvent[], schemaVersions: number[], result: AppendResult, at: Date): RecordedEvent[] {
  const start = result.nextExpectedVersion - events.length;
  return events.map((e, i) => ({
    id: e.id,
    type: e.type,
    data: e.data,
    schemaVersion: schemaVersions[i] ?? 1,
    metadata: e.metadata ?? {},
    streamId: stream,
    streamVersion: start + i + 1,
    position: result.firstPosition + BigInt(i),
    recordedAt: at,
  }));
}

export function createPostgresEventStore(options: PostgresEventStoreOptions): EventStore {
  const { inline, tenancy } = options;
  const pools = perTenant(options.pool);
  const channel = options.channel ?? DEFAULT_EVENTS_CHANNEL;
  const registry = createUpcasterRegistry(options.upcasters ?? []);
  const watcher = createPostgresWatcher({ pool: options.pool, tenancy, channel, pollIntervalMs: options.pollIntervalMs ?? 1000 });
  const upcast = (row: EventRow) => registry.upcast(toRecorded(row));

  /** One round trip for every append of the tenant that is waiting: autocommit, no begin/commit. */
  const queue = createAppendQueue<AppendRow>(async (tenant, units) => {
    const batch = units.flat();
    const result = await pools.of(tenant).query<AppendRow>(APPEND_CALL, [tenancy.schema(tenant), ...appendParams(batch, registry, channel)]);
    return regroup(units, result.rows);
  }, options.grouping);

  /**
   * begin; append; project; commit — the read models move with the log or not at all, and the
   * tenant lock taken by the function is held across the projection until commit. Grouped like
   * plain appends: one commit for every waiting append of the tenant. When a projection refuses
   * one append (a duplicate SKU…), the whole call rolls back and the queue retries each append
   * alone, so only the offending one fails. Appends that stand or fall together (one unit) go
   * this way too, inline projections or not: when one of them is refused, the others roll back.
   */
  const transactionalQueue = createAppendQueue<AppendRow>((tenant, units) => {
    const lane = pools.homeOf(tenant);
    return commitGroups.submit(lane, options.crossTenant?.inFlight ?? pools.sizeOf(lane), tenant, units);
  }, options.grouping);

  /**
   * One transaction for the calls of several tenants (postgres-commit-groups.ts), each tenant's
   * part as above, tenants in ascending order. A unit refused in part fails the transaction, and
   * each tenant's call is then tried alone; a lone call answers a lone refused unit itself.
   */
  const commitGroups = createCommitGroups<QueuedAppend[][], AppendRow[][]>(async (members: GroupMember<QueuedAppend[][]>[]) => {
    const order = members.map((member, i) => ({ ...member, i })).sort((a, b) => a.tenant - b.tenant);
    try {
      return await inTransaction(pools.of(order[0]!.tenant), async (tx) => {
        const answers: AppendRow[][][] = [];
        for (const { tenant, work: units, i } of order) {
          const batch = units.flat();
          const params = appendParams(batch, registry, channel);
          const rows = (await tx.query<AppendRow>(APPEND_CALL, [tenancy.schema(tenant), ...params])).rows;
          const unitAnswers = regroup(units, rows);
          const split = unitAnswers.findIndex((unit) => unit.some((r) => r.outcome === 'appended') && unit.some(refused));
          if (split >= 0) throw members.length === 1 && units.length === 1 ? new UnitRefused(unitAnswers[0]!) : new Error('A unit of appends was refused in part: retry each unit alone');
          if (inline) await projectInline(tx, tenant, batch, rows, params[5] as number[]);
          answers[i] = unitAnswers;
        }
        return answers;
      });
    } catch (err) {
      // Nothing of a refused unit was kept: its answer names the refusal.
      if (err instanceof UnitRefused) return [[err.rows]];
      throw err;
    }
  }, options.crossTenant);

  /** Every handled event of the call, in log order, projected in one go (set-based). */
  async function projectInline(tx: Queryable, tenant: TenantId, batch: QueuedAppend[], rows: AppendRow[], versions: number[]): Promise<void> {
    const handled: RecordedEvent[] = [];
    let offset = 0;
    for (const [i, item] of batch.entries()) {
      const row = rows[i];
      const own = versions.slice(offset, offset + item.events.length);
      offset += item.events.length;
      // Conflicts are answered per append; duplicates were projected when first appended.
      if (!row || row.outcome !== 'appended') continue;
      const recorded = envelopes(item.stream, item.events, own, toResult(item.stream, item.expected, row), row.appended_at);
      handled.push(...recorded.filter((e) => inline!.handles(e.type)).map((e) => registry.upcast(e)));
    }
    handled.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    // The positions this call took: consecutive, from its first appended event to its last.
    let span: { first: bigint; last: bigint } | undefined;
    for (const row of rows) {
      if (row.outcome !== 'appended' || row.first_position === null || row.last_position === null) continue;
      const first = BigInt(row.first_position);
      const last = BigInt(row.last_position);
      span = span ? { first: first < span.first ? first : span.first, last: last > span.last ? last : span.last } : { first, last };
    }
    if (handled.length > 0) await inline!.project(tx, tenant, handled, span);
  }

  async function appendUnit(tenant: TenantId, appends: QueuedAppend[]): Promise<AppendResult[]> {
    for (const a of appends) checkEvents(a.stream, a.events);
    if (new Set(appends.map((a) => a.stream)).size !== appends.length) throw new Error('A stream may appear only once in one append');
    const transactional = appends.length > 1 || (inline !== undefined && appends.some((a) => a.events.some((e) => inline.handles(e.type))));
    const rows = await (transactional ? transactionalQueue : queue).append(tenant, appends);
    return appends.map((a, i) => toResult(a.stream, a.expected, rows[i]));
  }

  return {
    backend: 'postgres',
    projectsInline: true,

    async append(tenant, stream, events, expected) {
      return (await appendUnit(tenant, [{ stream, events, expected }]))[0]!;
    },

    appendMany: appendUnit,

    async readStream(tenant, stream, { from, direction = 'forwards', limit }: ReadStreamOptions = {}) {
      const backwards = direction === 'backwards';
      const params: unknown[] = [stream];
      let where = 'stream_id = $1';
      if (from !== undefined) {
        params.push(from);
        where += backwards ? ` and stream_version <= $2` : ` and stream_version >= $2`;
      }
      params.push(limit ?? null);
      const rows = await pools.of(tenant).query<EventRow>(
        `select ${EVENT_COLUMNS} from ${tenancy.table(tenant, 'events')} where ${where}
          order by stream_version ${backwards ? 'desc' : 'asc'} limit $${params.length}`,
        params,
      );
      return rows.rows.map(upcast);
    },

    async readLog(tenant, after, limit, types) {
      const params: unknown[] = [after.toString(), limit];
      const byType = types && types.length > 0 ? ' and type = any($3::text[])' : '';
      if (byType) params.push(types);
      const rows = await pools.of(tenant).query<EventRow>(
        `select ${EVENT_COLUMNS} from ${tenancy.table(tenant, 'events')}
          where position > $1${byType} order by position limit $2`,
        params,
      );
      return rows.rows.map(upcast);
    },

    async head(tenant) {
      const rows = await pools.of(tenant).query<{ head: number | string | null }>(`select max(position) as head from ${tenancy.table(tenant, 'events')}`);
      return BigInt(rows.rows[0]?.head ?? 0);
    },

    async backlog(tenant, cursors, cap) {
      if (cursors.length === 0) return [];
      const spec = JSON.stringify(cursors.map((c, i) => ({ i, after: c.after.toString(), types: c.types })));
      const limit = Math.max(0, Math.floor(cap));
      const { rows } = await pools.of(tenant).query<{ behind: number }>(
        `select (select count(*)::int from (
                  select 1 from ${tenancy.table(tenant, 'events')} e
                   where e.position > n.after::bigint and e.type = any(n.types) limit ${limit}) x) as behind
           from jsonb_to_recordset($1::jsonb) as n(i int, after text, types text[])
          order by n.i`,
        [spec],
      );
      return rows.map((r) => r.behind);
    },

    watch: (onWake) => watcher.watch(onWake),

    async close() {
      await watcher.close();
    },
  };
}
