/*
 * Etsy's application rate limits (developers.etsy.com/documentation/essentials/rate-limits).
 *
 * What the page says: limits are queries per second (QPS) and queries per day (QPD), applied
 * "per API Key for public authentication and per OAuth access token for private authentication";
 * the day is a sliding 24-hour window summed over fixed buckets (the earlier text of the page:
 * "12 two-hour blocks"); every successful response carries `x-limit-per-second`,
 * `x-remaining-this-second`, `x-limit-per-day` and `x-remaining-today`; limits are "evaluated in
 * order: QPS first"; an exceeded limit answers 429, and the earlier page adds "none of the above
 * headers will return" on a 429. The developer portal's default for a new app is 10 QPS and
 * 10,000 QPD, which are the defaults here.
 *
 * Assumptions: the 429 carries `retry-after` in whole seconds (1 for QPS; for QPD, the time until
 * the oldest counted bucket leaves the window) and the body `{ error }` below, whose text is ours;
 * a refused request consumes no quota; the per-second window is the calendar second.
 */
export interface RateLimitOptions {
  perSecond?: number;
  perDay?: number;
  /** Buckets the 24 hours are divided into; 12 (two hours each) by default. */
  dayBuckets?: number;
}

interface Counter {
  second: number;
  inSecond: number;
  buckets: Map<number, number>;
}

export type RateDecision =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; retryAfterSeconds: number; which: 'second' | 'day' };

const DAY_MS = 24 * 60 * 60 * 1000;

export class RateLimiter {
  private counters = new Map<string, Counter>();
  perSecond: number;
  perDay: number;
  readonly dayBuckets: number;

  constructor(options: RateLimitOptions, private readonly nowMs: () => number) {
    this.perSecond = options.perSecond ?? 10;
    this.perDay = options.perDay ?? 10_000;
    this.dayBuckets = options.dayBuckets ?? 12;
  }

  reset(): void {
    this.counters.clear();
    this.remainingFrom = null;
  }

  /**
   * From now on every caller (each token and key, those seen and those to come) has `remaining`
   * calls left in its day: the next answer says `remaining - 1`, and a call past them answers 429.
   */
  setRemainingToday(remaining: number): void {
    this.remainingFrom = Math.max(0, Math.min(this.perDay, remaining));
    for (const counter of this.counters.values()) this.spend(counter, this.remainingFrom);
  }

  private remainingFrom: number | null = null;

  /** The day's count made so that `remaining` calls are left, all counted in the current bucket. */
  private spend(counter: Counter, remaining: number): void {
    counter.buckets.clear();
    counter.buckets.set(Math.floor(this.nowMs() / (DAY_MS / this.dayBuckets)), this.perDay - remaining);
  }

  take(key: string): RateDecision {
    const now = this.nowMs();
    const second = Math.floor(now / 1000);
    const bucketMs = DAY_MS / this.dayBuckets;
    const bucket = Math.floor(now / bucketMs);
    let counter = this.counters.get(key);
    if (!counter) {
      counter = { second, inSecond: 0, buckets: new Map() };
      if (this.remainingFrom !== null) this.spend(counter, this.remainingFrom);
      this.counters.set(key, counter);
    }
    if (counter.second !== second) {
      counter.second = second;
      counter.inSecond = 0;
    }
    for (const b of counter.buckets.keys()) if (b <= bucket - this.dayBuckets) counter.buckets.delete(b);
    const usedToday = [...counter.buckets.values()].reduce((a, b) => a + b, 0);

    if (counter.inSecond >= this.perSecond) return { ok: false, retryAfterSeconds: 1, which: 'second' };
    if (usedToday >= this.perDay) {
      const oldest = Math.min(...counter.buckets.keys());
      const freedAt = (oldest + this.dayBuckets) * bucketMs;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now) / 1000)), which: 'day' };
    }
    counter.inSecond += 1;
    counter.buckets.set(bucket, (counter.buckets.get(bucket) ?? 0) + 1);
    return {
      ok: true,
      headers: {
        'x-limit-per-second': String(this.perSecond),
        'x-remaining-this-second': String(this.perSecond - counter.inSecond),
        'x-limit-per-day': String(this.perDay),
        'x-remaining-today': String(this.perDay - usedToday - 1),
      },
    };
  }
}

export function rateLimitMessage(which: 'second' | 'day'): string {
  return which === 'second' ? 'You have exceeded your per-second rate limit (QPS).' : 'You have exceeded your daily rate limit (QPD).';
}
