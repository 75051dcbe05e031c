/*
 * The monthly AI-credit period, computed rather than kept by a job: periods start on the
 * subscription's anniversary — the anchor's day of the month and time of day, in the account's
 * time zone — each counted from the anchor itself (not from the previous period), so they never
 * drift. A day the month does not have is its last day (an anchor on the 31st starts February's
 * period on the 28th or 29th, March's on the 31st again). Pure: `now` comes in.
 */

interface Wall {
  year: number;
  month: number; // 0-11
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows this IANA zone (`Europe/Paris`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function wallOf(at: Date, timeZone: string): Wall {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month) - 1, day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second), ms: at.getUTCMilliseconds() };
}

function wallAsUtc(w: Wall): number {
  return Date.UTC(w.year, w.month, w.day, w.hour, w.minute, w.second, w.ms);
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(at: number, timeZone: string): number {
  return wallAsUtc(wallOf(new Date(at), timeZone)) - at;
}

/**
 * The instant a wall-clock time names in a zone. Twice a year a wall time is ambiguous (the
 * earlier instant is taken) or does not exist (it is read with the offset before the change, so
 * it lands just after the gap).
 */
function instantOf(w: Wall, timeZone: string): Date {
  const asUtc = wallAsUtc(w);
  const first = asUtc - offsetAt(asUtc, timeZone);
  const second = asUtc - offsetAt(first, timeZone);
  const candidates = [first, second].filter((t) => wallAsUtc(wallOf(new Date(t), timeZone)) === asUtc);
  return new Date(candidates.length > 0 ? Math.min(...candidates) : Math.max(first, second));
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** The anchor's anniversary `months` months later, in the zone. */
function anniversary(anchor: Wall, months: number, timeZone: string): Date {
  const total = anchor.year * 12 + anchor.month + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  return instantOf({ ...anchor, year, month, day: Math.min(anchor.day, daysIn(year, month)) }, timeZone);
}

export interface CreditPeriod {
  start: Date;
  /** Exclusive: the next period's start, when the credits reset. */
  end: Date;
}

/** The period `now` falls in. Before the anchor, the first period (the anchor's own). */
export function creditPeriod(anchor: Date, timeZone: string, now: Date): CreditPeriod {
  const wall = wallOf(anchor, timeZone);
  const nowWall = wallOf(now, timeZone);
  let k = Math.max(0, (nowWall.year - wall.year) * 12 + (nowWall.month - wall.month));
  while (k > 0 && anniversary(wall, k, timeZone).getTime() > now.getTime()) k--;
  while (anniversary(wall, k + 1, timeZone).getTime() <= now.getTime()) k++;
  return { start: anniversary(wall, k, timeZone), end: anniversary(wall, k + 1, timeZone) };
}
