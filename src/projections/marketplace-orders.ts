import type { Projection } from '../engine/projection';
import type { MarketplaceOrderReported, OrderLineApplied, OrderLineRefused } from '../domain/reconciliation/marketplace-order';
import { ORDER_STREAM_PREFIX } from '../domain/reconciliation/marketplace-order';

/**
 * `marketplace_order_lines`: every order line a marketplace reported and its outcome. Inline, so
 * a webhook's line is listed as soon as it is acknowledged. Each event writes its own line:
 * reported lines are inserted once (a line is reported once per order, the decider sees to it),
 * outcomes only move a pending line.
 */
export const marketplaceOrdersProjection: Projection = {
  name: 'marketplace_order_lines',
  consistency: 'inline',
  tables: ['marketplace_order_lines'],
  handles: ['MarketplaceOrderReported', 'OrderLineApplied', 'OrderLineRefused'],
  async apply(db, tables, events) {
    const table = tables.marketplace_order_lines;
    for (const e of events) {
      if (!e.streamId.startsWith(ORDER_STREAM_PREFIX)) continue;
      if (e.type === 'MarketplaceOrderReported') {
        const d = e.data as MarketplaceOrderReported['data'];
        await db.query(
          `insert into ${table} (marketplace, order_id, line_id, listing_id, quantity, unit_price_cents, currency, via, outcome, reported_at)
           select $1, $2, l.line_id, l.listing_id, l.quantity, l.unit_price_cents, l.currency, $3, 'pending', $4
             from jsonb_to_recordset($5::jsonb) as l(line_id text, listing_id text, quantity integer, unit_price_cents integer, currency text)
           on conflict do nothing`,
          [d.marketplace, d.order_id, d.via, d.reported_at, JSON.stringify(d.lines)],
        );
        continue;
      }
      // order-<marketplace>-<order id>: the marketplace is the first part (no marketplace has a dash).
      const rest = e.streamId.slice(ORDER_STREAM_PREFIX.length);
      const dash = rest.indexOf('-');
      const [marketplace, orderId] = [rest.slice(0, dash), rest.slice(dash + 1)];
      if (e.type === 'OrderLineApplied') {
        const d = e.data as OrderLineApplied['data'];
        await db.query(`update ${table} set outcome = 'applied', product_id = $4, sale_id = $5, decided_at = $6 where marketplace = $1 and order_id = $2 and line_id = $3 and outcome = 'pending'`, [
          marketplace,
          orderId,
          d.line_id,
          d.product_id,
          d.sale_id,
          d.applied_at,
        ]);
      } else {
        const d = e.data as OrderLineRefused['data'];
        await db.query(
          `update ${table} set outcome = 'refused', product_id = $4, reason = $5, detail = $6, decided_at = $7 where marketplace = $1 and order_id = $2 and line_id = $3 and outcome = 'pending'`,
          [marketplace, orderId, d.line_id, d.product_id, d.reason, d.detail, d.refused_at],
        );
      }
    }
  },
};
