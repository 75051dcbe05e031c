import { shopDecider, type ShopEvent, type ShopState } from '../../src/domain/shop/shop';
import { canonicalTimeZone } from '../../src/shared/time-zones';

const NOW = new Date('2026-03-10T12:00:00Z');
const given = (events: ShopEvent[]): ShopState => events.reduce(shopDecider.evolve, shopDecider.initialState);
const change = (time_zone: string, state: ShopState, now = NOW) => shopDecider.decide({ type: 'ChangeShopTimeZone', time_zone, now }, state);
const changed = (time_zone: string, previous_time_zone: string, at = NOW): ShopEvent => ({ type: 'ShopTimeZoneChanged', data: { time_zone, previous_time_zone, changed_at: at.toISOString() } });

describe('The shop decider', () => {
  describe('Given no shop stream (counted in Paris)', () => {
    it('When the seller chooses New York, then ShopTimeZoneChanged names both zones and when', () => {
      expect(change('America/New_York', given([]))).toEqual([changed('America/New_York', 'Europe/Paris')]);
    });

    it('When the seller chooses Paris, the zone in force, then nothing is recorded', () => {
      expect(change('Europe/Paris', given([]))).toEqual([]);
    });
  });

  describe('Given the shop moved to New York', () => {
    const state = given([changed('America/New_York', 'Europe/Paris')]);

    it('When its state is folded, then the zone is New York', () => {
      expect(state).toEqual({ time_zone: 'America/New_York' });
    });

    it('When New York is chosen again, then nothing is recorded', () => {
      expect(change('America/New_York', state)).toEqual([]);
    });

    it('When it moves back to Paris, then the event names New York as the zone before', () => {
      const later = new Date('2026-04-01T08:00:00Z');
      expect(change('Europe/Paris', state, later)).toEqual([changed('Europe/Paris', 'America/New_York', later)]);
    });

    it('When it moves to UTC, then UTC is recorded', () => {
      expect(change('UTC', state)).toEqual([changed('UTC', 'America/New_York')]);
    });
  });
});

describe('Time zone names', () => {
  it('When a known zone is given in any case, then its canonical spelling comes back', () => {
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone(' Asia/Tokyo ')).toBe('Asia/Tokyo');
  });

  it('When the name is no IANA zone, then there is none', () => {
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeNull();
    expect(canonicalTimeZone('+02:00')).toBeNull();
    expect(canonicalTimeZone('')).toBeNull();
  });
});
