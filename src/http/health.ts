import type { Queryable } from '../infra/db/postgres';
import type { Redis } from '../infra/redis';
import type { HealthReport } from './app';

type Check = HealthReport['checks'][string];

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthSources {
  pool: Queryable;
  redis?: Redis;
  /** Extra checks (projection lag…), each reporting its own status. */
  extra?: Record<string, () => Promise<Check>>;
}

/** The database is vital (503 without it); Redis and projection lag only degrade the service. */
export function healthCheck(sources: HealthSources): () => Promise<HealthReport> {
  return async () => {
    const checks: HealthReport['checks'] = {};
    const started = Date.now();
    try {
      await withTimeout(sources.pool.query('select 1'), 2000);
      checks.database = { status: 'ok', latency_ms: Date.now() - started };
    } catch (err) {
      checks.database = { status: 'down', error: err instanceof Error ? err.message : 'unreachable' };
    }
    if (!sources.redis) checks.redis = { status: 'disabled', detail: 'REDIS_URL not set: in-memory rate limits' };
    else if (sources.redis.status !== 'ready') checks.redis = { status: 'degraded', detail: `connection ${sources.redis.status}` };
    else {
      try {
        await withTimeout(sources.redis.ping(), 500);
        checks.redis = { status: 'ok' };
      } catch (err) {
        checks.redis = { status: 'degraded', error: err instanceof Error ? err.message : 'unreachable' };
      }
    }
    if (checks.database.status === 'ok') {
      for (const [name, check] of Object.entries(sources.extra ?? {})) {
        try {
          checks[name] = await withTimeout(check(), 2000);
        } catch (err) {
          checks[name] = { status: 'degraded', error: err instanceof Error ? err.message : 'failed' };
        }
      }
    }
    const statuses = Object.values(checks).map((c) => c.status);
    const status = checks.database.status === 'down' ? 'down' : statuses.includes('degraded') || statuses.includes('down') ? 'degraded' : 'ok';
    return { status, checks };
  };
}
