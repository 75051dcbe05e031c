/*
 * A tenant's shop settings: one stream per tenant (`shop`). For now the one setting is the time
 * zone its days, weeks and months are counted in (analytics); a tenant with no stream counts in
 * ANALYTICS_TIME_ZONE. Which zones exist is the runtime's knowledge, not the domain's: the command
 * layer checks the zone and spells it canonically before it gets here.
 */
import { ANALYTICS_TIME_ZONE } from '../../shared/analytics';
import type { Decider, DomainEvent } from '../shared/decider';

export const SHOP_STREAM = 'shop';

export type ShopTimeZoneChanged = DomainEvent<'ShopTimeZoneChanged', { time_zone: string; previous_time_zone: string; changed_at: string }>;

export type ShopEvent = ShopTimeZoneChanged;

export interface ShopState {
  time_zone: string;
}

export interface ChangeShopTimeZone {
  type: 'ChangeShopTimeZone';
  /** An IANA zone, canonically spelled (`America/New_York`, `UTC`). */
  time_zone: string;
  now: Date;
}

export type ShopCommand = ChangeShopTimeZone;

export const initialShop: ShopState = { time_zone: ANALYTICS_TIME_ZONE };

export const shopDecider: Decider<ShopCommand, ShopEvent, ShopState> = {
  initialState: initialShop,
  evolve(state, event) {
    switch (event.type) {
      case 'ShopTimeZoneChanged':
        return { ...state, time_zone: event.data.time_zone };
      default: {
        const never: never = event.type;
        return never;
      }
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'ChangeShopTimeZone':
        // The zone in force already: nothing happened, nothing to re-count.
        if (command.time_zone === state.time_zone) return [];
        return [{ type: 'ShopTimeZoneChanged', data: { time_zone: command.time_zone, previous_time_zone: state.time_zone, changed_at: command.now.toISOString() } }];
      default: {
        const never: never = command.type;
        return never;
      }
    }
  },
};
