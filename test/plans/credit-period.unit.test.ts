import { creditPeriod, isTimeZone } from '../../src/domain/subscription/credit-period';

const iso = (p: { start: Date; end: Date }) => ({ start: p.start.toISOString(), end: p.end.toISOString() });

describe('The monthly AI-credit period', () => {
  it('When now is in the anchor month, then the period runs from the anchor to the same day and time a month later, in the zone', () => {
    // 15 Jan 10:30 in Paris (UTC+1) → 15 Feb 10:30 Paris.
    expect(iso(creditPeriod(new Date('2026-01-15T09:30:00Z'), 'Europe/Paris', new Date('2026-01-20T00:00:00Z')))).toEqual({ start: '2026-01-15T09:30:00.000Z', end: '2026-02-15T09:30:00.000Z' });
  });

  it('When the anchor is on the 31st, then shorter months start on their last day and the 31st comes back', () => {
    const anchor = new Date('2026-01-31T11:00:00Z'); // 12:00 in Paris
    expect(iso(creditPeriod(anchor, 'Europe/Paris', new Date('2026-02-10T00:00:00Z')))).toEqual({ start: '2026-01-31T11:00:00.000Z', end: '2026-02-28T11:00:00.000Z' });
    expect(iso(creditPeriod(anchor, 'Europe/Paris', new Date('2026-03-05T00:00:00Z')))).toEqual({ start: '2026-02-28T11:00:00.000Z', end: '2026-03-31T10:00:00.000Z' });
    // Leap year: 29 February.
    expect(creditPeriod(new Date('2028-01-31T11:00:00Z'), 'Europe/Paris', new Date('2028-02-15T00:00:00Z')).end.toISOString()).toBe('2028-02-29T11:00:00.000Z');
  });

  it('When summer time begins inside a period, then the reset keeps the wall-clock time (one hour earlier in UTC)', () => {
    // 10 March 09:00 Paris = 08:00Z (UTC+1); 10 April 09:00 Paris = 07:00Z (UTC+2).
    expect(iso(creditPeriod(new Date('2026-03-10T08:00:00Z'), 'Europe/Paris', new Date('2026-03-20T00:00:00Z')))).toEqual({ start: '2026-03-10T08:00:00.000Z', end: '2026-04-10T07:00:00.000Z' });
  });

  it('When now is exactly the reset instant, then the new period has begun; a millisecond before, the old one runs', () => {
    const anchor = new Date('2026-01-15T09:30:00Z');
    expect(creditPeriod(anchor, 'Europe/Paris', new Date('2026-02-15T09:30:00.000Z')).start.toISOString()).toBe('2026-02-15T09:30:00.000Z');
    expect(creditPeriod(anchor, 'Europe/Paris', new Date('2026-02-15T09:29:59.999Z')).start.toISOString()).toBe('2026-01-15T09:30:00.000Z');
  });

  it('When years have passed, then the period is counted from the anchor, not from a previous period (no drift)', () => {
    const anchor = new Date('2024-01-31T11:00:00Z');
    // Chained periods would have stuck on the 29th after February 2024; from the anchor, July's starts on the 31st.
    expect(creditPeriod(anchor, 'Europe/Paris', new Date('2026-08-10T00:00:00Z')).start.toISOString()).toBe('2026-07-31T10:00:00.000Z');
  });

  it('When the zone differs, then the day boundary is the zone’s: the same instant falls in different periods', () => {
    // 1 March 03:00Z is still 28 February in New York.
    const anchor = new Date('2026-01-01T05:00:00Z'); // midnight in New York, 06:00 in Paris
    expect(creditPeriod(anchor, 'America/New_York', new Date('2026-03-01T03:00:00Z')).start.toISOString()).toBe('2026-02-01T05:00:00.000Z');
    expect(creditPeriod(new Date('2025-12-31T23:30:00Z'), 'Europe/Paris', new Date('2026-03-01T03:00:00Z')).start.toISOString()).toBe('2026-02-28T23:30:00.000Z');
  });

  it('When now is before the anchor, then the first period is the anchor’s own', () => {
    expect(creditPeriod(new Date('2026-05-10T00:00:00Z'), 'UTC', new Date('2026-05-01T00:00:00Z')).start.toISOString()).toBe('2026-05-10T00:00:00.000Z');
  });

  it('When a zone name is checked, then IANA names pass and others do not', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
