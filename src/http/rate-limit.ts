import type { Request, RequestHandler } from 'express';
import { rateLimit, MemoryStore, type Store, type Options, type IncrementResponse, type ClientRateLimitInfo } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { RedisCircuit } from '../infra/redis';
import { sendProblem } from './problem';

/**
 * A store that counts in Redis (shared by every API replica) and falls back to process memory the
 * moment Redis fails, so throttling never stops. The circuit, shared by every store, keeps
 * requests from waiting on a Redis that is down or hung: while it is open they count in memory
 * without asking Redis at all (the circuit logs when it opens and closes).
 */
export class ResilientStore implements Store {
  readonly localKeys = false;
  private readonly memory = new MemoryStore();
  private readonly redisStore?: RedisStore;

  constructor(
    readonly prefix: string,
    private readonly circuit: RedisCircuit | undefined,
  ) {
    if (circuit) {
      const redis = circuit.client;
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
    if (this.redisStore === undefined || !this.circuit!.usable()) return false;
    if (this.scriptsFailed) this.loadScripts();
    return true;
  }

  /** Asks Redis; undefined when it failed (the circuit counts it), so the caller uses memory. */
  private async viaRedis<T>(ask: (store: RedisStore) => Promise<T>): Promise<{ value: T } | undefined> {
    if (!this.redisUsable()) return undefined;
    try {
      const value = await ask(this.redisStore!);
      this.circuit!.succeeded();
      return { value };
    } catch (err) {
      this.scriptsFailed = true;
      this.circuit!.failed(err);
      return undefined;
    }
  }

  async increment(key: string): Promise<IncrementResponse> {
    return (await this.viaRedis((store) => store.increment(key)))?.value ?? this.memory.increment(key);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const answer = await this.viaRedis((store) => store.get(key));
    return answer ? answer.value : this.memory.get(key);
  }

  async decrement(key: string): Promise<void> {
    await this.viaRedis((store) => store.decrement(key));
    this.memory.decrement(key);
  }

  async resetKey(key: string): Promise<void> {
    await this.viaRedis((store) => store.resetKey(key));
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
export function limiterFactory(circuit: RedisCircuit | undefined): LimiterFactory {
  return (o) =>
    rateLimit({
      windowMs: o.windowMs,
      limit: o.limit,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      skipSuccessfulRequests: o.onlyFailures ?? false,
      store: new ResilientStore(`rl:${o.name}:`, circuit),
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
