/*
 * The sync activity read model (tables in tenant migration 0020): each sale, and what sync did
 * about it on every other marketplace (sync-activity-fold.ts decides; this loads and writes).
 * Eventual: it is off the path of a sale's delists, a moment behind them. A batch loads its
 * listings, the listings of the products that sold and their open outcomes, then writes with
 * three statements.
 */
import type { Projection, Tables } from '../engine/projection';
import type { Queryable } from '../infra/db/postgres';
import { activityKeys, foldActivity, SYNC_LISTING_EVENTS, SYNC_PRODUCT_EVENTS, type ActivityChanges, type ActivityListing, type ActivityOutcome } from './sync-activity-fold';

interface OutcomeRow {
  sale_id: string;
  marketplace: string;
  product_id: string;
  listing_id: string | null;
  action: 'delist' | 'update' | null;
  product_version: number;
  outcome: ActivityOutcome['outcome'];
  reason: string | null;
  next_retry_at: Date | null;
  decided_at: Date | null;
  event_id: string | null;
}

async function load(db: Queryable, tables: Tables, keys: ReturnType<typeof activityKeys>) {
  const named =
    keys.listingIds.length === 0 ? [] : (await db.query<{ product_id: string }>(`select product_id from ${tables.sync_activity_listings} where listing_id = any($1::uuid[])`, [keys.listingIds])).rows;
  const productIds = [...new Set([...keys.productIds, ...named.map((r) => r.product_id)])];
  // One connection: one statement after another.
  const listings = await db.query<{ listing_id: string; product_id: string; marketplace: string; status: ActivityListing['status']; product_version: number; version: number }>(
    `select listing_id, product_id, marketplace, status, product_version, version from ${tables.sync_activity_listings} where listing_id = any($1::uuid[]) or product_id = any($2::uuid[])`,
    [keys.listingIds, productIds],
  );
  const sales = keys.saleIds.length === 0 ? { rows: [] } : await db.query<{ sale_id: string }>(`select sale_id from ${tables.sync_activity_sales} where sale_id = any($1::uuid[])`, [keys.saleIds]);
  const open =
    productIds.length === 0 ? { rows: [] } : await db.query<OutcomeRow>(`select * from ${tables.sync_activity_outcomes} where product_id = any($1::uuid[]) and outcome in ('pending', 'failed')`, [productIds]);
  return {
    listings: listings.rows.map((r) => ({ listingId: r.listing_id, productId: r.product_id, marketplace: r.marketplace, status: r.status, productVersion: r.product_version, version: r.version })),
    knownSales: new Set(sales.rows.map((r) => r.sale_id)),
    openOutcomes: open.rows.map(
      (r): ActivityOutcome => ({
        saleId: r.sale_id,
        marketplace: r.marketplace,
        productId: r.product_id,
        listingId: r.listing_id,
        action: r.action,
        productVersion: r.product_version,
        outcome: r.outcome,
        reason: r.reason,
        nextRetryAt: r.next_retry_at?.toISOString() ?? null,
        decidedAt: r.decided_at?.toISOString() ?? null,
        eventId: r.event_id,
      }),
    ),
  };
}

async function write(db: Queryable, tables: Tables, changes: ActivityChanges): Promise<void> {
  if (changes.listings.length > 0) {
    await db.query(
      `insert into ${tables.sync_activity_listings} as l (listing_id, product_id, marketplace, status, product_version, version)
       select "listingId", "productId", marketplace, status, "productVersion", version
         from jsonb_to_recordset($1::jsonb) as r("listingId" uuid, "productId" uuid, marketplace text, status text, "productVersion" integer, version integer)
       on conflict (listing_id) do update set status = excluded.status, product_version = excluded.product_version, version = excluded.version
       where l.version < excluded.version`,
      [JSON.stringify(changes.listings)],
    );
  }
  if (changes.sales.length > 0) {
    await db.query(
      `insert into ${tables.sync_activity_sales} (sale_id, product_id, channel, quantity, remaining_stock, oversold, order_id, line_id, sold_at, product_version, event_id, correlation_id)
       select "saleId", "productId", channel, quantity, "remainingStock", oversold, "orderId", "lineId", "soldAt", "productVersion", "eventId", "correlationId"
         from jsonb_to_recordset($1::jsonb) as r("saleId" uuid, "productId" uuid, channel text, quantity integer, "remainingStock" integer, oversold boolean, "orderId" text, "lineId" text, "soldAt" timestamptz, "productVersion" integer, "eventId" uuid, "correlationId" text)
       on conflict (sale_id) do nothing`,
      [JSON.stringify(changes.sales)],
    );
  }
  if (changes.outcomes.length > 0) {
    await db.query(
      `insert into ${tables.sync_activity_outcomes} (sale_id, marketplace, product_id, listing_id, action, product_version, outcome, reason, next_retry_at, decided_at, event_id)
       select "saleId", marketplace, "productId", "listingId", action, "productVersion", outcome, reason, "nextRetryAt", "decidedAt", "eventId"
         from jsonb_to_recordset($1::jsonb) as r("saleId" uuid, marketplace text, "productId" uuid, "listingId" uuid, action text, "productVersion" integer, outcome text, reason text, "nextRetryAt" timestamptz, "decidedAt" timestamptz, "eventId" uuid)
       on conflict (sale_id, marketplace) do update set listing_id = excluded.listing_id, outcome = excluded.outcome, reason = excluded.reason,
         next_retry_at = excluded.next_retry_at, decided_at = excluded.decided_at, event_id = excluded.event_id`,
      [JSON.stringify(changes.outcomes)],
    );
  }
}

export const syncActivityProjection: Projection = {
  name: 'sync_activity',
  consistency: 'eventual',
  tables: ['sync_activity_listings', 'sync_activity_sales', 'sync_activity_outcomes'],
  handles: [...SYNC_PRODUCT_EVENTS, ...SYNC_LISTING_EVENTS],
  async apply(db, tables, events) {
    const keys = activityKeys(events);
    await write(db, tables, foldActivity(await load(db, tables, keys), events));
  },
};
