import type { EventStore } from '../eventstore/types';
import { inTransaction, type Connections, type Queryable } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import { perTenant, type TenantPools } from '../infra/db/tenant-pools';
import { lockCheckpoint, saveCheckpoint } from './checkpoints';
import { tablesOf, type Projection } from './projection';

export interface RebuildOptions {
  pool: Connections | TenantPools;
  tenancy: Tenancy;
  store: Pick<EventStore, 'readLog'>;
  tenant: number;
  projection: Projection;
  batchSize?: number;
  onProgress?: (position: bigint, events: number) => void;
}

export interface RebuildResult {
  projection: string;
  tenant: number;
  events: number;
  position: bigint;
}

/** The tenant's own connections. */
const connectionsOf = (options: RebuildOptions) => perTenant(options.pool).of(options.tenant);

const REBUILD = '__rebuild';
const VERIFY = '__verify';

async function createCopies(db: Queryable, schema: string, projection: Projection, suffix: string): Promise<void> {
  for (const table of projection.tables) {
    await db.query(`drop table if exists "${schema}"."${table}${suffix}"`);
    await db.query(`create table "${schema}"."${table}${suffix}" (like "${schema}"."${table}" including all)`);
  }
}

/**
 * Replays the log into the copies, a batch per transaction; returns the last position applied.
 * The next batch is read while the current one is applied: reading and writing overlap. With
 * `until`, nothing past that position is applied.
 */
async function replayInto(options: RebuildOptions, suffix: string, from: bigint, db?: Queryable, until?: bigint): Promise<{ position: bigint; events: number }> {
  const { store, tenant, projection } = options;
  const pool = connectionsOf(options);
  const schema = options.tenancy.schema(tenant);
  const tables = tablesOf(projection, schema, suffix);
  const batchSize = options.batchSize ?? 5000;
  const read = (after: bigint) => store.readLog(tenant, after, batchSize, projection.handles);
  let position = from;
  let events = 0;
  let next = read(position);
  for (;;) {
    const got = await next;
    const batch = until === undefined ? got : got.filter((e) => e.position <= until);
    if (batch.length === 0) return { position, events };
    position = batch[batch.length - 1]!.position;
    const more = got.length === batchSize && batch.length === got.length;
    if (more) {
      next = read(position);
      next.catch(() => undefined); // awaited on the next turn; never an unhandled rejection
    }
    if (db) await projection.apply(db, tables, batch);
    else await inTransaction(pool, (tx) => projection.apply(tx, tables, batch));
    events += batch.length;
    options.onProgress?.(position, events);
    if (!more) return { position, events };
  }
}

interface IndexRow {
  name: string;
  def: string;
}

async function indexesOf(db: Queryable, qualified: string): Promise<IndexRow[]> {
  const { rows } = await db.query<IndexRow>(
    `select i.relname as name, pg_get_indexdef(i.oid) as def
       from pg_index x join pg_class i on i.oid = x.indexrelid
      where x.indrelid = $1::regclass`,
    [qualified],
  );
  return rows;
}

/** `CREATE UNIQUE INDEX n ON s.t USING btree (id)` → `UNIQUE|USING btree (id)`: comparable across copies. */
function shapeOf(def: string): string {
  const match = /^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?\S+ (.*)$/.exec(def);
  return match ? `${match[1] ?? ''}|${match[3]}` : def;
}

/**
 * Rebuilds one read model of one tenant from the log into fresh tables, then swaps them in inside
 * one transaction: queries keep reading the old tables until the swap commits. The swap locks the
 * projection's checkpoint row, which the inline projector and the runner also lock, so no event
 * is applied to the old tables after the copy caught up, and none is lost.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { tenant, projection } = options;
  const pool = connectionsOf(options);
  const schema = options.tenancy.schema(tenant);
  await createCopies(pool, schema, projection, REBUILD);
  const bulk = await replayInto(options, REBUILD, 0n);
  return inTransaction(pool, async (tx) => {
    await lockCheckpoint(tx, schema, projection.name);
    const rest = await replayInto(options, REBUILD, bulk.position, tx);
    for (const table of projection.tables) {
      const live = `"${schema}"."${table}"`;
      const copy = `"${schema}"."${table}${REBUILD}"`;
      const originals = new Map((await indexesOf(tx, live)).map((i) => [shapeOf(i.def), i.name]));
      const copies = await indexesOf(tx, copy);
      await tx.query(`drop table ${live}`);
      await tx.query(`alter table ${copy} rename to "${table}"`);
      for (const index of copies) {
        const original = originals.get(shapeOf(index.def));
        if (original && original !== index.name) await tx.query(`alter index "${schema}"."${index.name}" rename to "${original}"`);
      }
    }
    await saveCheckpoint(tx, schema, projection.name, rest.position);
    return { projection: projection.name, tenant, events: bulk.events + rest.events, position: rest.position };
  });
}

export interface TableDrift {
  table: string;
  /** Rows in the live table that a rebuild would not produce. */
  unexpected: Record<string, unknown>[];
  /** Rows a rebuild produces that the live table lacks (or holds differently). */
  missing: Record<string, unknown>[];
}

/**
 * Rebuilds into scratch tables and compares them with the live ones row by row, under the
 * checkpoint lock so both reflect the same log position: the log up to the projection's
 * checkpoint, which is the head for an inline projection and where the processor has reached for
 * an eventual one (events it has not applied yet are no drift). Returns the differences (none =
 * no drift).
 */
export async function verifyProjection(options: RebuildOptions & { sampleLimit?: number }): Promise<TableDrift[]> {
  const { tenant, projection } = options;
  const pool = connectionsOf(options);
  const schema = options.tenancy.schema(tenant);
  const limit = options.sampleLimit ?? 20;
  await createCopies(pool, schema, projection, VERIFY);
  try {
    return await inTransaction(pool, async (tx) => {
      const reached = await lockCheckpoint(tx, schema, projection.name);
      await replayInto(options, VERIFY, 0n, tx, reached);
      const drift: TableDrift[] = [];
      for (const table of projection.tables) {
        const live = `"${schema}"."${table}"`;
        const copy = `"${schema}"."${table}${VERIFY}"`;
        const unexpected = await tx.query(`select * from (select * from ${live} except all select * from ${copy}) d limit ${limit}`);
        const missing = await tx.query(`select * from (select * from ${copy} except all select * from ${live}) d limit ${limit}`);
        if (unexpected.rows.length > 0 || missing.rows.length > 0) drift.push({ table, unexpected: unexpected.rows, missing: missing.rows });
      }
      return drift;
    });
  } finally {
    for (const table of projection.tables) await pool.query(`drop table if exists "${schema}"."${table}${VERIFY}"`);
  }
}
