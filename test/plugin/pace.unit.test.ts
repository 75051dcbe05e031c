import { drawGapMs, isBlocked, isWrite, nextWriteAt, recentWrites, retryDelayMs, type PaceLimits } from '../../src/domain/vinted/pace';

const limits: PaceLimits = { writesPerHour: 40, minGapMs: 20_000, maxGapMs: 50_000 };
const at = (iso: string) => new Date(`2025-03-01T${iso}Z`);
const fixed = (value: number) => () => value;

describe('The pace of a Vinted account', () => {
  describe('nextWriteAt', () => {
    it('When no write was made in the last hour, then the next one may go now', () => {
      expect(nextWriteAt([], at('10:00:00'), limits, fixed(0.5))).toEqual(at('10:00:00'));
      expect(nextWriteAt([at('08:00:00')], at('10:00:00'), limits, fixed(0.5))).toEqual(at('10:00:00'));
    });

    it('When a write was just made, then the next waits a gap between the minimum and the maximum, drawn at random', () => {
      const now = at('10:00:00');
      expect(nextWriteAt([now], now, limits, fixed(0))).toEqual(at('10:00:20'));
      expect(nextWriteAt([now], now, limits, fixed(0.5))).toEqual(at('10:00:35'));
      expect(nextWriteAt([now], now, limits, fixed(0.999_999))).toEqual(at('10:00:49.999'));
    });

    it('When the gap after the last write has already passed, then the next may go now', () => {
      expect(nextWriteAt([at('09:59:00')], at('10:00:00'), limits, fixed(1))).toEqual(at('10:00:00'));
    });

    it('When the hour already holds the cap, then the next waits until the oldest of them is an hour old', () => {
      const small: PaceLimits = { writesPerHour: 3, minGapMs: 1000, maxGapMs: 1000 };
      const history = [at('09:10:00'), at('09:40:00'), at('09:59:59')];
      expect(nextWriteAt(history, at('10:00:00'), small, fixed(0))).toEqual(at('10:10:00'));
      // Writes older than an hour do not count; the order of the history does not matter.
      expect(nextWriteAt([at('08:00:00'), at('09:59:59'), at('09:40:00')], at('10:00:00'), small, fixed(0))).toEqual(at('10:00:00'));
    });

    it('When writes go as fast as the pace allows, then no rolling hour ever holds more than the cap and no gap is shorter than the minimum', () => {
      const pace: PaceLimits = { writesPerHour: 40, minGapMs: 20_000, maxGapMs: 50_000 };
      let seed = 7;
      const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      const writes: Date[] = [];
      let next = at('00:00:00');
      while (next < at('06:00:00')) {
        writes.push(next);
        next = nextWriteAt(recentWrites(writes, next), next, pace, random);
      }
      for (let i = 1; i < writes.length; i++) expect(writes[i]!.getTime() - writes[i - 1]!.getTime()).toBeGreaterThanOrEqual(20_000);
      for (const w of writes) expect(writes.filter((o) => o > new Date(w.getTime() - 3_600_000) && o <= w).length).toBeLessThanOrEqual(40);
      expect(writes.length).toBeGreaterThan(6 * 38);
    });
  });

  it('When a gap is drawn, then it stays within the limits, and equal limits give exactly that gap', () => {
    for (const r of [0, 0.3, 0.999]) {
      const gap = drawGapMs(limits, fixed(r));
      expect(gap).toBeGreaterThanOrEqual(20_000);
      expect(gap).toBeLessThan(50_000);
    }
    expect(drawGapMs({ writesPerHour: 1, minGapMs: 2000, maxGapMs: 2000 }, fixed(0.7))).toBe(2000);
  });

  it('When a task kind is a publish, an update or a delete, then it is a write; syncing is not', () => {
    expect(['publish', 'update', 'delete', 'sync_wardrobe', 'sync_sales'].map((k) => isWrite(k as never))).toEqual([true, true, true, false, false]);
  });

  describe('retryDelayMs', () => {
    it('When attempts fail one after another, then the delay doubles from 30 s, with ±25 % jitter, up to 30 minutes', () => {
      expect([1, 2, 3].map((a) => retryDelayMs(a, 500, 3_600_000, fixed(0.5)))).toEqual([30_000, 60_000, 120_000]);
      expect(retryDelayMs(1, 500, 3_600_000, fixed(0))).toBe(22_500);
      expect(retryDelayMs(1, undefined, 3_600_000, fixed(1))).toBe(37_500);
      expect(retryDelayMs(20, 500, 3_600_000, fixed(0.5))).toBe(1_800_000);
    });

    it('When Vinted blocked the request (403, 429), then the delay is at least the pause', () => {
      expect(isBlocked(403) && isBlocked(429) && !isBlocked(500) && !isBlocked(undefined)).toBe(true);
      expect(retryDelayMs(1, 403, 3_600_000, fixed(0))).toBe(3_600_000);
      expect(retryDelayMs(1, 429, 3_600_000, fixed(1))).toBeGreaterThan(3_600_000);
    });
  });
});
