import type { Projection } from '../engine/projection';
import type { OversellResolved, OversoldDetected } from '../domain/product/events';
import { productIdOfStream } from '../domain/product/stream';

/**
 * `oversells`: the marketplace sales the stock could not cover, open until the seller settles
 * them. Inline, so an oversell is listed as soon as it is recorded. Each event writes its own
 * row: detected once per sale id (the decider sees to it), resolved once.
 */
export const oversellsProjection: Projection = {
  name: 'oversells',
  consistency: 'inline',
  tables: ['oversells'],
  handles: ['OversoldDetected', 'OversellResolved'],
  async apply(db, tables, events) {
    const table = tables.oversells;
    for (const e of events) {
      const productId = productIdOfStream(e.streamId);
      if (!productId) continue;
      if (e.type === 'OversoldDetected') {
        const d = e.data as OversoldDetected['data'];
        await db.query(
          `insert into ${table} (sale_id, product_id, marketplace, order_id, line_id, quantity, unit_price_cents, stock_before, competing_sales, detected_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict do nothing`,
          [d.sale_id, productId, d.marketplace, d.order_id ?? null, d.line_id ?? null, d.quantity, d.unit_price_cents, d.stock_before, JSON.stringify(d.competing_sales), d.detected_at],
        );
      } else {
        const d = e.data as OversellResolved['data'];
        await db.query(`update ${table} set resolution = $2, note = $3, resolved_at = $4 where sale_id = $1 and resolved_at is null`, [d.sale_id, d.resolution, d.note, d.resolved_at]);
      }
    }
  },
};
