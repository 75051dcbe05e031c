import type { Request, RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator, MemoryStore, type Store, type Options, type IncrementResponse, type ClientRateLimitInfo } from 'express-rate-limit';
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
  /** Count only failed requests (status >= 400, or those `isFailure` says are), e.g. login attempts. */
  onlyFailures?: boolean;
  /** With `onlyFailures`: which answers count (default: every status >= 400). */
  isFailure?: (status: number) => boolean;
  detail?: string;
}

/**
 * The address a request is counted under, as the limiters' default key is: the client address
 * (after the trusted proxy hops), and for IPv6 its /56 network, since one subscriber holds a
 * whole range of addresses.
 */
export function clientAddress(req: Request): string {
  return ipKeyGenerator(req.ip ?? 'unknown');
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
      ...(o.isFailure ? { requestWasSuccessful: (_req: Request, res: { statusCode: number }) => !o.isFailure!(res.statusCode) } : {}),
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

/** A count per key in fixed windows (Redis, or memory while it is away), for what is not a middleware. */
export interface Counter {
  /** Adds one; returns the key's count in its current window. */
  hit(key: string): Promise<number>;
  count(key: string): Promise<number>;
}

export interface BackoffOptions {
  name: string;
  /** Failures of a key before it must wait at all. */
  free: number;
  /** The first wait, doubled at every further failure... */
  baseMs: number;
  /** ...up to this. */
  maxMs: number;
  /** A key's failures are forgotten this long after its last one. */
  forgetMs: number;
}

/** An attempt let through: what `settle` needs to undo it. */
export interface BackoffTicket {
  key: string;
  /** The wait this attempt set when it started (0: none), and the one it replaced. */
  set: number;
  previous: number;
}

export type BackoffAnswer = { allowed: true; ticket: BackoffTicket } | { allowed: false; retryInMs: number };

/**
 * Failures per key with a growing wait: the `free`-th failure makes the key wait `baseMs` before
 * its next attempt, each further one twice as long, up to `maxMs`. An attempt is counted as a
 * failure when it starts, and its wait starts with it, so a burst of attempts cannot all slip in
 * before the first is answered; `settle` then says what it turned out to be: a failure starts its
 * wait again from the answer, anything else gives back its count and the wait it set.
 */
export interface Backoff {
  /** Refused while the key waits, unless `exempt` (still counted, but it makes no one wait before its answer). */
  attempt(key: string, exempt?: boolean): Promise<BackoffAnswer>;
  settle(ticket: BackoffTicket, failed: boolean): Promise<void>;
}

export interface Throttles {
  counter(name: string, windowMs: number): Counter;
  backoff(options: BackoffOptions): Backoff;
}

/* KEYS[1]: the key's failures; KEYS[2]: until when it waits (ms since the epoch). Each runs as one step for every replica. */
const BACKOFF_ATTEMPT = `
local now, free, base, max, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local exempt = ARGV[6] == '1'
local waitUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
if not exempt and now < waitUntil then return {0, waitUntil - now, 0} end
local failures = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], forget)
local set = 0
if not exempt and failures >= free then
  set = math.floor(math.max(waitUntil, now + math.min(base * 2 ^ (failures - free), max)))
  redis.call('SET', KEYS[2], string.format('%d', set), 'PX', forget)
end
return {1, set, waitUntil}
`;

const BACKOFF_FAILED = `
local now, free, base, max, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
if failures < free then return 0 end
local waitUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
local set = math.floor(math.max(waitUntil, now + math.min(base * 2 ^ (failures - free), max)))
redis.call('SET', KEYS[2], string.format('%d', set), 'PX', forget)
return 1
`;

/* ARGV: the wait the attempt set, the one it replaced, how long the key is remembered. */
const BACKOFF_FORGIVE = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
if ARGV[1] ~= '0' and redis.call('GET', KEYS[2]) == ARGV[1] then
  if ARGV[2] == '0' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
end
return 1
`;

interface MemoryBackoffEntry {
  failures: number;
  waitUntil: number;
  forgetAt: number;
}

/** The three scripts' arithmetic, in process memory. */
class MemoryBackoff {
  private readonly entries = new Map<string, MemoryBackoffEntry>();

  constructor(private readonly o: BackoffOptions) {
    // Forgotten keys leave memory too.
    setInterval(() => {
      const now = Date.now();
      for (const [key, entry] of this.entries) if (entry.forgetAt <= now) this.entries.delete(key);
    }, Math.min(o.forgetMs, 60_000)).unref();
  }

  private waitFor(failures: number): number {
    return Math.min(this.o.baseMs * 2 ** (failures - this.o.free), this.o.maxMs);
  }

  attempt(key: string, now: number, exempt: boolean): BackoffAnswer {
    let entry = this.entries.get(key);
    if (entry && entry.forgetAt <= now) entry = undefined;
    if (!exempt && entry && now < entry.waitUntil) return { allowed: false, retryInMs: entry.waitUntil - now };
    entry ??= { failures: 0, waitUntil: 0, forgetAt: 0 };
    this.entries.set(key, entry);
    entry.failures++;
    entry.forgetAt = now + this.o.forgetMs;
    const previous = entry.waitUntil;
    let set = 0;
    if (!exempt && entry.failures >= this.o.free) set = entry.waitUntil = Math.max(entry.waitUntil, now + this.waitFor(entry.failures));
    return { allowed: true, ticket: { key, set, previous } };
  }

  settle(ticket: BackoffTicket, now: number, failed: boolean): void {
    const entry = this.entries.get(ticket.key);
    if (!entry) return;
    if (failed) {
      if (entry.failures >= this.o.free) entry.waitUntil = Math.max(entry.waitUntil, now + this.waitFor(entry.failures));
      return;
    }
    entry.failures = Math.max(0, entry.failures - 1);
    if (ticket.set !== 0 && entry.waitUntil === ticket.set) entry.waitUntil = ticket.previous;
  }
}

class ResilientBackoff implements Backoff {
  private readonly memory: MemoryBackoff;

  constructor(
    private readonly o: BackoffOptions,
    private readonly circuit: RedisCircuit | undefined,
  ) {
    this.memory = new MemoryBackoff(o);
  }

  private keys(key: string): [string, string] {
    return [`rl:${this.o.name}:${key}`, `rl:${this.o.name}-wait:${key}`];
  }

  private async viaRedis<T>(ask: (redis: RedisCircuit['client']) => Promise<T>): Promise<{ value: T } | undefined> {
    if (!this.circuit?.usable()) return undefined;
    try {
      const value = await ask(this.circuit.client);
      this.circuit.succeeded();
      return { value };
    } catch (err) {
      this.circuit.failed(err);
      return undefined;
    }
  }

  async attempt(key: string, exempt = false): Promise<BackoffAnswer> {
    const now = Date.now();
    const { free, baseMs, maxMs, forgetMs } = this.o;
    const answer = await this.viaRedis(async (redis): Promise<BackoffAnswer> => {
      const [allowed, value, previous] = (await redis.eval(BACKOFF_ATTEMPT, 2, ...this.keys(key), now, free, baseMs, maxMs, forgetMs, exempt ? '1' : '0')) as [number, number, number];
      return allowed === 1 ? { allowed: true, ticket: { key, set: value, previous } } : { allowed: false, retryInMs: value };
    });
    return answer?.value ?? this.memory.attempt(key, now, exempt);
  }

  async settle(ticket: BackoffTicket, failed: boolean): Promise<void> {
    const now = Date.now();
    const { free, baseMs, maxMs, forgetMs } = this.o;
    const keys = this.keys(ticket.key);
    const answered = await this.viaRedis((redis) =>
      failed ? redis.eval(BACKOFF_FAILED, 2, ...keys, now, free, baseMs, maxMs, forgetMs) : redis.eval(BACKOFF_FORGIVE, 2, ...keys, ticket.set, ticket.previous, forgetMs),
    );
    // Counted in memory while Redis was away: settled there.
    if (!answered) this.memory.settle(ticket, now, failed);
  }
}

/** Counters and backoffs over the same Redis circuit as the limiters, with the same memory fallback. */
export function throttles(circuit: RedisCircuit | undefined): Throttles {
  return {
    counter(name, windowMs) {
      // The memory fallback resets on a timer, and Node's timers stop at 2^31 ms (about 24 days).
      if (windowMs > 2 ** 31 - 1) throw new RangeError(`${name}: a window of at most 24 days`);
      const store = new ResilientStore(`rl:${name}:`, circuit);
      store.init({ windowMs } as Options);
      return {
        hit: async (key) => (await store.increment(key)).totalHits,
        count: async (key) => (await store.get(key))?.totalHits ?? 0,
      };
    },
    backoff: (options) => new ResilientBackoff(options, circuit),
  };
}
