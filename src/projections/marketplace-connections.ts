import type { Projection } from '../engine/projection';
import type { ConnectionEvent } from '../domain/connection/connection';

/** Marketplaces Stoflow asks, account by account, to push orders (eBay's Notification API). */
const PUSHED_PER_ACCOUNT = new Set(['ebay']);

/**
 * `marketplace_connections`: one row per marketplace the tenant ever connected, as its stream
 * says it is now. Inline, so GET /api/integrations shows a connection the moment it is made.
 * Each statement is guarded by the stream version, so an event applied twice changes nothing.
 */
export const marketplaceConnectionsProjection: Projection = {
  name: 'marketplace_connections',
  consistency: 'inline',
  tables: ['marketplace_connections'],
  handles: ['MarketplaceConnected', 'MarketplaceSettingsChosen', 'MarketplaceConnectionRevoked', 'MarketplaceDisconnected', 'MarketplaceNotificationsSubscribed', 'MarketplaceNotificationsUnavailable'],
  async apply(db, tables, events) {
    const table = tables.marketplace_connections;
    for (const recorded of events) {
      const event = { type: recorded.type, data: recorded.data } as ConnectionEvent;
      const version = recorded.streamVersion;
      switch (event.type) {
        case 'MarketplaceConnected': {
          const d = event.data;
          await db.query(
            `insert into ${table} as c (marketplace, status, account_id, account_name, shop_id, scopes, site, settings, options, connected_at, status_reason, notifications, updated_at, version)
             values ($1, 'connected', $2, $3, $4, $5, $6, '{}', $9, $7, null, $10, $7, $8)
             on conflict (marketplace) do update set
               status = 'connected', account_id = excluded.account_id, account_name = excluded.account_name, shop_id = excluded.shop_id,
               scopes = excluded.scopes, site = excluded.site, options = excluded.options, connected_at = excluded.connected_at, status_reason = null,
               notifications = excluded.notifications,
               -- Another account's settings mean nothing for this one.
               settings = case when c.account_id = excluded.account_id then c.settings else '{}' end,
               updated_at = excluded.updated_at, version = excluded.version
             where c.version < excluded.version`,
            [d.marketplace, d.account.id, d.account.name, d.account.shop_id ?? null, d.scopes, d.site, d.connected_at, version, JSON.stringify(d.options), PUSHED_PER_ACCOUNT.has(d.marketplace) ? JSON.stringify({ status: 'pending', topics: [] }) : null],
          );
          break;
        }
        case 'MarketplaceSettingsChosen':
          await db.query(`update ${table} set settings = settings || $2::jsonb, options = $5::jsonb, updated_at = $3, version = $4 where marketplace = $1 and version < $4`, [
            event.data.marketplace,
            JSON.stringify(event.data.settings),
            event.data.chosen_at,
            version,
            JSON.stringify(event.data.options),
          ]);
          break;
        case 'MarketplaceConnectionRevoked':
          await db.query(`update ${table} set status = 'revoked', status_reason = $2, updated_at = $3, version = $4 where marketplace = $1 and version < $4`, [
            event.data.marketplace,
            event.data.reason,
            event.data.revoked_at,
            version,
          ]);
          break;
        case 'MarketplaceDisconnected':
          await db.query(`update ${table} set status = 'disconnected', status_reason = null, updated_at = $2, version = $3 where marketplace = $1 and version < $3`, [
            event.data.marketplace,
            event.data.disconnected_at,
            version,
          ]);
          break;
        case 'MarketplaceNotificationsSubscribed':
          await db.query(`update ${table} set notifications = $2::jsonb, updated_at = $3, version = $4 where marketplace = $1 and version < $4`, [
            event.data.marketplace,
            JSON.stringify({ status: 'subscribed', topics: event.data.topics, subscribed_at: event.data.subscribed_at }),
            event.data.subscribed_at,
            version,
          ]);
          break;
        case 'MarketplaceNotificationsUnavailable':
          await db.query(`update ${table} set notifications = $2::jsonb, updated_at = $3, version = $4 where marketplace = $1 and version < $4`, [
            event.data.marketplace,
            JSON.stringify({ status: 'unavailable', topics: [], reason: event.data.reason }),
            event.data.at,
            version,
          ]);
          break;
        default: {
          const never: never = event;
          throw new Error(`Unhandled connection event ${(never as { type: string }).type}`);
        }
      }
    }
  },
};
