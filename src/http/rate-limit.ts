import type { Request, RequestHandler } from 'express';
import { rateLimit, MemoryStore, type Store, type Options, type IncrementResponse, type ClientRateLimitInfo } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from '../infra/redis';
import type { Logger } from '../infra/logger';
import { sendProblem } from './problem';

/**
 * A store that counts in Redis (shared by every API replica) and falls back to process memory the
 * moment Redis fails, so throttling never stops and requests never wait on a dead Redis.
 */
export class ResilientStore implements Store {
  readonly localKeys = false;
  private readonly memory = new MemoryStore();
  private readonly redisStore?: RedisStore;
  private warned = false;

  constructor(
    readonly prefix: string,
    private readonly redis: Redis | undefined,
    private readonly logger: Logger,
  ) {
    if (redis) {
      this.redisStore = new RedisStore({
        prefix,
        sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
      });
    }
  }

  init(options: Options): void {
    this.memory.init(options);
    if (this.redisStore) {
      this.redisStore.windowMs = options.windowMs;
      this.loadScripts();
    }
  }

  /** (Re)loads the Lua scripts; a Redis that is down now must not crash us or poison later calls. */
  private loadScripts(): void {
    const store = this.redisStore!;
    store.incrementScriptSha = store.loadIncrementScript();
    store.getScriptSha = store.loadGetScript();
    store.incrementScriptSha.catch(() => (this.scriptsFailed = true));
    store.getScriptSha.catch(() => (this.scriptsFailed = true));
    this.scriptsFailed = false;
  }

  private scriptsFailed = false;

  private redisUsable(): boolean {
    if (this.redisStore === undefined || this.redis?.status !== 'ready') return false;
    if (this.scriptsFailed) this.loadScripts();
    return true;
  }

  private fallback(err: unknown): void {
    this.scriptsFailed = true;
    if (!this.warned) {
      this.warned = true;
      this.logger.warn({ err, store: this.prefix }, 'Redis unavailable: rate limits counted in process memory');
    }
  }

  async increment(key: string): Promise<IncrementResponse> {
    if (this.redisUsable()) {
      try {
        const result = await this.redisStore!.increment(key);
        this.warned = false;
        return result;
      } catch (err) {
        this.fallback(err);
      }
    } else if (this.redisStore) this.fallback(new Error(`redis status ${this.redis?.status}`));
    return this.memory.increment(key);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    if (this.redisUsable()) {
      try {
        return await this.redisStore!.get(key);
      } catch (err) {
        this.fallback(err);
      }
    }
    return this.memory.get(key);
  }

  async decrement(key: string): Promise<void> {
    if (this.redisUsable()) await this.redisStore!.decrement(key).catch((err: unknown) => this.fallback(err));
    this.memory.decrement(key);
  }

  async resetKey(key: string): Promise<void> {
    if (this.redisUsable()) await this.redisStore!.resetKey(key).catch((err: unknown) => this.fallback(err));
    this.memory.resetKey(key);
  }

  shutdown(): void {
    this.memory.shutdown();
  }
}

export interface LimiterOptions {
  name: string;
  windowMs: number;
  limit: number;
  key?: (req: Request) => string;
  /** Count only failed requests (status >= 400), e.g. login attempts. */
  onlyFailures?: boolean;
  detail?: string;
}

export type LimiterFactory = (options: LimiterOptions) => RequestHandler;

/** Builds express-rate-limit middlewares over the shared store; 429 answers are problem details. */
export function limiterFactory(redis: Redis | undefined, logger: Logger): LimiterFactory {
  return (o) =>
    rateLimit({
      windowMs: o.windowMs,
      limit: o.limit,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      skipSuccessfulRequests: o.onlyFailures ?? false,
      store: new ResilientStore(`rl:${o.name}:`, redis, logger),
      ...(o.key ? { keyGenerator: o.key } : {}),
      validate: { trustProxy: false, xForwardedForHeader: false, keyGeneratorIpFallback: false },
      handler: (_req, res, _next, options) => {
        const resetTime = (_req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
        const retryAfter = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(options.windowMs / 1000);
        res.setHeader('Retry-After', String(retryAfter));
        sendProblem(res, { status: 429, detail: o.detail ?? 'Too many requests, retry later', code: 'rate_limited', instance: _req.originalUrl });
      },
    });
}
