/*
 * The pace of calls to a marketplace, per connected account, shared by every process that calls
 * it (API and workers). Each call reserves its turn with a generic cell rate algorithm (GCRA) kept
 * in Redis: one key per account holding the time of its last turn, the next one interval after
 * it, decided by a script that runs atomically and reads Redis's own clock, so processes on
 * machines whose clocks differ still space their calls together. A call is told how long to wait
 * for its turn; a burst of `burst` calls goes at once, then one per interval.
 *
 * What the marketplace says of its own limits is kept beside the pace (`observe`), for every
 * process: a per-second limit lower than the configured pace replaces it, with strict spacing
 * (the marketplace counts its calls per second), from the last turn given; and while the daily
 * budget it reports left is under the reserve it names, only `urgent` calls get a turn (those that
 * keep an item from selling twice: ending a listing, reading an order). An urgent call never waits
 * for the pace either: it takes the next turn and goes at once, so a sale's delist is not queued
 * behind a bulk publication's calls (which move back one turn); only a 429's hold-off stops it. What it said is kept five
 * minutes, then learnt again from the next answer, so a low figure never holds calls back once
 * the marketplace's window has moved on.
 *
 * A 429 is everyone's business: `holdOff` pushes the account's next turn past the marketplace's
 * Retry-After, so no process sends the call the marketplace just asked to wait for.
 *
 * When Redis is not answering (the circuit of src/infra/redis.ts is open) the same algorithm runs
 * in process memory: each process keeps its own pace, which is what one process had anyway.
 */
import { createHash } from 'node:crypto';
import type { RedisCircuit } from './redis';

/** A pacer key for whom an access token acts: a digest, never the token itself. */
export function tokenKey(accessToken: string): string {
  return `token-${createHash('sha256').update(accessToken).digest('hex').slice(0, 24)}`;
}

/** `urgent`: a call that keeps an item from selling twice; `normal`: everything else. */
export type CallPriority = 'urgent' | 'normal';

/** What the marketplace said of its limits in its last answer for the key. */
export interface StatedLimits {
  /** Calls a second it allows. */
  perSecond?: number;
  /** Calls left in its daily budget. */
  remainingToday?: number;
  /** Under this many calls left, only urgent calls go. */
  reserve?: number;
}

export type Turn = { granted: true } | { granted: false; remainingToday: number; reserve: number };

export interface CallPacer {
  /** Waits for the key's next turn; a `normal` call is refused at once (no turn) while the stated daily budget is under its reserve. */
  acquire(key: string, priority?: CallPriority): Promise<Turn>;
  /** The marketplace asked to wait (429 Retry-After): no turn for this key before `ms` from now. */
  holdOff(key: string, ms: number): Promise<void>;
  /** Keeps what the marketplace said of its limits in an answer for this key. */
  observe(key: string, stated: StatedLimits): Promise<void>;
}

export interface CallPacerOptions {
  /** Calls a second, sustained. */
  perSecond: number;
  /** Calls that may go at once before the pace applies (default 1: strict spacing). */
  burst?: number;
  /** Redis key prefix: a marketplace's own namespace. */
  prefix: string;
  circuit?: RedisCircuit;
  sleep?: (ms: number) => Promise<void>;
}

/** How long what a marketplace said of its limits is trusted without a newer answer. */
const STATED_TTL_MS = 5 * 60 * 1000;

// KEYS[1]: the account's last turn; KEYS[2]: what the marketplace stated (ps, left, reserve).
// ARGV: interval ms, tolerance ms (burst - 1 intervals), hold-off ms (0: a turn), urgent (1/0).
// Answers { wait ms before this call may go (-1: refused), calls left today (-1: not said), reserve }.
const SCRIPT = `
local now = redis.call('TIME')
local t = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local hold = tonumber(ARGV[3])
local urgent = ARGV[4] == '1'
local stated = redis.call('HMGET', KEYS[2], 'ps', 'left', 'reserve')
local ps = tonumber(stated[1])
local left = tonumber(stated[2]) or -1
local reserve = tonumber(stated[3]) or 0
if ps and ps > 0 then
  local own = math.ceil(1000 / ps)
  if own > interval then interval = own; tolerance = 0 end
end
local last = tonumber(redis.call('GET', KEYS[1]) or '')
local tat = t
if last and last + interval > t then tat = last + interval end
if hold > 0 then
  local until_ = t + hold + tolerance
  if until_ > tat then tat = until_ end
  redis.call('SET', KEYS[1], tat - interval, 'PX', tat - t + 1000)
  -- Kept apart from the pace, so urgent calls, which skip the pace, still respect it.
  redis.call('HSET', KEYS[2], 'hold', t + hold)
  if redis.call('PTTL', KEYS[2]) < hold + 1000 then redis.call('PEXPIRE', KEYS[2], hold + 1000) end
  return { 0, left, reserve }
end
if not urgent and left >= 0 and left < reserve then return { -1, left, reserve } end
local wait = tat - tolerance - t
if urgent then wait = (tonumber(redis.call('HGET', KEYS[2], 'hold') or '0') or 0) - t end
if wait < 0 then wait = 0 end
redis.call('SET', KEYS[1], tat, 'PX', tat + interval - t + 1000)
return { wait, left, reserve }
`;

const OBSERVE = `
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ${STATED_TTL_MS})
return 0
`;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The same GCRA in process memory, for one process alone (or while Redis is away). */
function localPacer(interval: number, tolerance: number) {
  const lasts = new Map<string, number>();
  const stated = new Map<string, StatedLimits & { until: number }>();
  /** Until when the marketplace asked to wait (429 Retry-After). */
  const holds = new Map<string, number>();
  const forget = (now: number) => {
    if (lasts.size >= 1000) for (const [k, last] of lasts) if (last + 60_000 < now) lasts.delete(k);
    if (stated.size >= 1000) for (const [k, s] of stated) if (s.until < now) stated.delete(k);
    if (holds.size >= 1000) for (const [k, until] of holds) if (until < now) holds.delete(k);
  };
  const paceOf = (key: string, now: number) => {
    const s = stated.get(key);
    const own = s && s.until >= now && s.perSecond ? Math.ceil(1000 / s.perSecond) : 0;
    return own > interval ? { interval: own, tolerance: 0 } : { interval, tolerance };
  };
  const tatOf = (key: string, now: number, pace: { interval: number }) => Math.max((lasts.get(key) ?? -Infinity) + pace.interval, now);
  return {
    turn(key: string, priority: CallPriority): [number, number, number] {
      const now = Date.now();
      forget(now);
      const s = stated.get(key);
      const left = s && s.until >= now ? (s.remainingToday ?? -1) : -1;
      const reserve = s?.reserve ?? 0;
      if (priority !== 'urgent' && left >= 0 && left < reserve) return [-1, left, reserve];
      const pace = paceOf(key, now);
      const tat = tatOf(key, now, pace);
      lasts.set(key, tat);
      return [Math.max(0, priority === 'urgent' ? (holds.get(key) ?? 0) - now : tat - pace.tolerance - now), left, reserve];
    },
    hold(key: string, ms: number): void {
      const now = Date.now();
      holds.set(key, Math.max(holds.get(key) ?? 0, now + ms));
      const pace = paceOf(key, now);
      const tat = Math.max(tatOf(key, now, pace), now + ms + pace.tolerance);
      lasts.set(key, tat - pace.interval);
    },
    observe(key: string, limits: StatedLimits): void {
      const now = Date.now();
      const before = stated.get(key);
      stated.set(key, { ...(before && before.until >= now ? before : {}), ...limits, until: now + STATED_TTL_MS });
    },
  };
}

export function createCallPacer(options: CallPacerOptions): CallPacer {
  if (!(options.perSecond > 0)) throw new Error('perSecond must be positive');
  const interval = Math.max(1, Math.round(1000 / options.perSecond));
  const tolerance = (Math.max(1, options.burst ?? 1) - 1) * interval;
  const sleep = options.sleep ?? defaultSleep;
  const local = localPacer(interval, tolerance);
  const { circuit } = options;

  async function shared(key: string, hold: number, priority: CallPriority): Promise<[number, number, number] | null> {
    if (!circuit?.usable()) return null;
    try {
      const answer = (await circuit.client.eval(SCRIPT, 2, `${options.prefix}:${key}`, `${options.prefix}:${key}:stated`, interval, tolerance, hold, priority === 'urgent' ? 1 : 0)) as number[];
      circuit.succeeded();
      return [Number(answer[0]), Number(answer[1]), Number(answer[2])];
    } catch (err) {
      circuit.failed(err);
      return null;
    }
  }

  return {
    async acquire(key, priority = 'normal') {
      const [wait, left, reserve] = (await shared(key, 0, priority)) ?? local.turn(key, priority);
      if (wait < 0) return { granted: false, remainingToday: left, reserve };
      if (wait > 0) await sleep(wait);
      return { granted: true };
    },
    async holdOff(key, ms) {
      if (ms <= 0) return;
      local.hold(key, ms);
      await shared(key, Math.ceil(ms), 'urgent');
    },
    async observe(key, stated) {
      const fields = Object.entries(stated).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]) && e[1] >= 0);
      if (fields.length === 0) return;
      local.observe(key, Object.fromEntries(fields));
      if (!circuit?.usable()) return;
      const names: Record<string, string> = { perSecond: 'ps', remainingToday: 'left', reserve: 'reserve' };
      try {
        await circuit.client.eval(OBSERVE, 1, `${options.prefix}:${key}:stated`, ...fields.flatMap(([k, v]) => [names[k]!, String(v)]));
        circuit.succeeded();
      } catch (err) {
        circuit.failed(err);
      }
    },
  };
}
