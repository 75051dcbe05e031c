import { Redis } from 'ioredis';
import type { Logger } from './logger';

export type { Redis };

/**
 * A Redis client that fails fast: no offline queue and a short command timeout, so a Redis outage
 * costs a request a few hundred milliseconds at most instead of stalling it.
 */
export function createRedis(url: string, onError?: (err: Error) => void): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 250,
    connectTimeout: 1000,
    retryStrategy: (times) => Math.min(100 * times, 2000),
    lazyConnect: false,
  });
  client.on('error', (err) => onError?.(err));
  return client;
}

/**
 * Whether Redis may be asked now. A hung Redis (TCP open, no answer) keeps the client `ready`, so
 * the client alone would make every request wait for the command timeout. The circuit opens after
 * a few failures in a row (or as soon as the connection is down): callers then skip Redis
 * altogether and use their fallback, while a ping every `probeEveryMs` checks whether it answers
 * again, and closes the circuit when it does. Each transition is logged once.
 */
export interface RedisCircuit {
  readonly client: Redis;
  /** True when commands may be sent (closed circuit, connection ready). */
  usable(): boolean;
  succeeded(): void;
  failed(err: unknown): void;
  close(): void;
}

export interface RedisCircuitOptions {
  /** Consecutive failures (timeouts, errors) that open the circuit. */
  failures?: number;
  probeEveryMs?: number;
}

export function redisCircuit(client: Redis, logger: Logger, options: RedisCircuitOptions = {}): RedisCircuit {
  const threshold = options.failures ?? 3;
  const probeEveryMs = options.probeEveryMs ?? 2000;
  let failuresInARow = 0;
  let probe: NodeJS.Timeout | undefined;
  let probing = false;

  const open = (reason: string) => {
    if (probe) return;
    logger.warn({ reason }, 'Redis is not answering: rate limits are counted in process memory until it does');
    probe = setInterval(() => void tryAgain(), probeEveryMs);
    probe.unref();
  };

  const shut = () => {
    clearInterval(probe);
    probe = undefined;
    failuresInARow = 0;
    logger.info('Redis answers again: rate limits are shared through it again');
  };

  async function tryAgain(): Promise<void> {
    if (probing || client.status !== 'ready') return;
    probing = true;
    try {
      await client.ping();
      if (probe) shut();
    } catch {
      // Still not answering: the next probe will tell.
    } finally {
      probing = false;
    }
  }

  return {
    client,
    usable() {
      if (probe) return false;
      if (client.status !== 'ready') {
        open(`connection ${client.status}`);
        return false;
      }
      return true;
    },
    succeeded() {
      failuresInARow = 0;
    },
    failed(err) {
      failuresInARow++;
      if (failuresInARow >= threshold) open(err instanceof Error ? err.message : String(err));
    },
    close() {
      clearInterval(probe);
      probe = undefined;
    },
  };
}
