import pg from 'pg';
import knexFactory, { type Knex } from 'knex';

// int8 (log positions, counts) as bigint-safe strings are parsed where used; numeric stays string.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => (Number.isSafeInteger(Number(v)) ? Number(v) : v));

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: a pool, or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}
/** Where connections come from: a pool, or one tenant's share of the pool (tenant-pools.ts). */
export interface Connections extends Queryable {
  connect(): Promise<PoolClient>;
}

/**
 * How long a request may wait on PostgreSQL. A server that hangs (stopped, overloaded, a network
 * that drops packets) must not freeze every request: waiting for a connection, a statement the
 * server runs too long and an answer that never comes are each bounded, and the request fails
 * with 503 (src/http/problem.ts). 0 disables a bound (the CLI's rebuilds).
 */
export interface PoolTimeouts {
  /** Waiting for a free connection or a new one (pool acquire + connect). */
  connectMs: number;
  /** Server side: `statement_timeout`. */
  statementMs: number;
  /** Client side: no answer at all from the server (it is hung, not just slow). */
  queryMs: number;
  /** Server side: a transaction left idle is ended (`idle_in_transaction_session_timeout`). */
  idleInTransactionMs: number;
}

export const DEFAULT_POOL_TIMEOUTS: PoolTimeouts = { connectMs: 5000, statementMs: 5000, queryMs: 6000, idleInTransactionMs: 15_000 };

export function createPool(connectionString: string, max: number, applicationName = 'stoflow', timeouts: PoolTimeouts = DEFAULT_POOL_TIMEOUTS): Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: applicationName,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: timeouts.connectMs,
    ...(timeouts.statementMs > 0 ? { statement_timeout: timeouts.statementMs } : {}),
    ...(timeouts.queryMs > 0 ? { query_timeout: timeouts.queryMs } : {}),
    ...(timeouts.idleInTransactionMs > 0 ? { idle_in_transaction_session_timeout: timeouts.idleInTransactionMs } : {}),
  });
  // An idle client that errors (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => undefined);
  return pool;
}

export function createKnex(connectionString: string, max = 4): Knex {
  return knexFactory({ client: 'pg', connection: connectionString, pool: { min: 0, max } });
}

/**
 * Runs `fn` in a transaction on one pooled connection, rolling back on any error. A connection that breaks while
 * checked out emits 'error' on the client (the pool only listens to idle ones): it is caught here,
 * the pending query rejects, and the client is destroyed on release rather than returned, as is
 * one whose rollback fails.
 */
export async function inTransaction<T>(pool: Connections, fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error): void => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch((rollbackError: unknown) => {
      broken ??= rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(connectionString: string): Promise<void> {
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const admin = new URL(connectionString);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`create database "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently
      });
    }
  } finally {
    await client.end();
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
// 08: connection exceptions; 57P01–57P03: shutting down or starting up; 53300: no free slot;
// 57014: a statement cancelled (statement_timeout).
const UNAVAILABLE_STATES = /^(08|57P0[123]$|53300$|57014$)/;
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection ended unexpectedly/i;

/** Whether an error means PostgreSQL is out of reach or too slow, rather than a bug: 503, retry. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || UNAVAILABLE_STATES.test(code))) return true;
  return err instanceof Error && UNAVAILABLE_MESSAGES.test(err.message);
}
