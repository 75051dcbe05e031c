import type { Projection } from '../engine/projection';
import type { ShopEvent } from '../domain/shop/shop';

/**
 * `shop_settings`: the tenant's `shop` stream as it stands (one row, from its first event).
 * Inline: the next `GET /api/shop/settings` sees a change at once. Guarded by the stream version.
 */
export const shopSettingsProjection: Projection = {
  name: 'shop_settings',
  consistency: 'inline',
  tables: ['shop_settings'],
  handles: ['ShopTimeZoneChanged'],
  async apply(db, tables, events) {
    for (const recorded of events) {
      const event = { type: recorded.type, data: recorded.data } as ShopEvent;
      switch (event.type) {
        case 'ShopTimeZoneChanged':
          await db.query(
            `insert into ${tables.shop_settings} as s (time_zone, version, updated_at) values ($1, $2, $3)
             on conflict (id) do update set time_zone = excluded.time_zone, version = excluded.version, updated_at = excluded.updated_at where s.version < excluded.version`,
            [event.data.time_zone, recorded.streamVersion, event.data.changed_at],
          );
          break;
        default: {
          const never: never = event.type;
          throw new Error(`Unhandled shop event ${String(never)}`);
        }
      }
    }
  },
};
