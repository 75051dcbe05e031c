import { Redis } from 'ioredis';

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
