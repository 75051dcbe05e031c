/*
 * The pace of calls to a marketplace, per connected account, shared by every process that calls
 * it (API and workers): Etsy allows a token about 10 calls a second and answers 429 beyond, eBay
 * throttles per application and user. Each call reserves its turn with a generic cell rate
 * algorithm (GCRA) kept in Redis: one key per account holding the theoretical arrival time, moved
 * forward one interval per call by a script that runs atomically and reads Redis's own clock, so
 * processes on machines whose clocks differ still space their calls together. A call is told how
 * long to wait for its turn; a burst of `burst` calls goes at once, then one per interval.
 *
 * A 429 is everyone's business: `holdOff` pushes the account's next turn past the marketplace's
 * Retry-After, so no process sends the call the marketplace just asked to wait for.
 *
 * When Redis is not answering (the circuit of src/infra/redis.ts is open) the same algorithm runs
 * in process memory: each process keeps its own pace, which is what one process had anyway.
 */
import type { RedisCircuit } from './redis';

export interface CallPacer {
  /** Waits for the key's next turn. */
  acquire(key: string): Promise<void>;
  /** The marketplace asked to wait (429 Retry-After): no turn for this key before `ms` from now. */
  holdOff(key: string, ms: number): Promise<void>;
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

// KEYS[1]: the account's key. ARGV: interval ms, tolerance ms (burst - 1 intervals), hold-off ms (0: a turn).
// Answers the wait in ms before this call may go (a turn), or 0 (a hold-off).
const SCRIPT = `
local now = redis.call('TIME')
local t = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local hold = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < t then tat = t end
if hold > 0 then
  local until_ = t + hold + tolerance
  if until_ > tat then tat = until_ end
  redis.call('SET', KEYS[1], tat, 'PX', tat - t + 1000)
  return 0
end
local wait = tat - tolerance - t
if wait < 0 then wait = 0 end
local next_ = tat + interval
redis.call('SET', KEYS[1], next_, 'PX', next_ - t + 1000)
return wait
`;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The same GCRA in process memory, for one process alone (or while Redis is away). */
function localPacer(interval: number, tolerance: number) {
  const tats = new Map<string, number>();
  const forget = (now: number) => {
    if (tats.size < 1000) return;
    for (const [k, tat] of tats) if (tat < now) tats.delete(k);
  };
  return {
    turn(key: string): number {
      const now = Date.now();
      forget(now);
      const tat = Math.max(tats.get(key) ?? 0, now);
      tats.set(key, tat + interval);
      return Math.max(0, tat - tolerance - now);
    },
    hold(key: string, ms: number): void {
      const now = Date.now();
      tats.set(key, Math.max(tats.get(key) ?? 0, now + ms + tolerance));
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

  async function shared(key: string, hold: number): Promise<number | null> {
    if (!circuit?.usable()) return null;
    try {
      const wait = (await circuit.client.eval(SCRIPT, 1, `${options.prefix}:${key}`, interval, tolerance, hold)) as number;
      circuit.succeeded();
      return Number(wait);
    } catch (err) {
      circuit.failed(err);
      return null;
    }
  }

  return {
    async acquire(key) {
      const wait = (await shared(key, 0)) ?? local.turn(key);
      if (wait > 0) await sleep(wait);
    },
    async holdOff(key, ms) {
      if (ms <= 0) return;
      local.hold(key, ms);
      await shared(key, Math.ceil(ms));
    },
  };
}
