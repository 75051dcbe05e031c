import type { RecordedEvent } from '../eventstore/types';
import type { Reactor } from '../engine/reactor';
import type { Pool } from '../infra/db/postgres';
import { tenantTable } from '../infra/db/tenancy';
import type { IdGenerator } from '../infra/clock';

interface StockData {
  product_id?: string;
  remaining_stock?: number;
  stock_quantity?: number;
}

function productIdOf(event: RecordedEvent): string | null {
  const fromData = (event.data as StockData).product_id;
  if (fromData) return fromData;
  const match = /^product-([0-9a-f-]{36})$/.exec(event.streamId);
  return match ? match[1]! : null;
}

/**
 * Tells the seller when a product runs out of stock (a sale took the last unit, or stock was set
 * to zero). The notification row is keyed by the reaction's idempotency key, so a redelivered
 * event never notifies twice. Marketplace delisting will hang off the same events.
 */
export function stockDepletedReactor(deps: { pool: Pool; ids: IdGenerator }): Reactor {
  return {
    name: 'stock_depleted_notifier',
    handles: ['ProductSold', 'ProductStockAdjusted'],
    async react(event, { tenant, idempotencyKey }) {
      const data = event.data as StockData;
      const left = event.type === 'ProductSold' ? data.remaining_stock : data.stock_quantity;
      if (left !== 0) return;
      const productId = productIdOf(event);
      const title = event.type === 'ProductSold' ? 'Sold out' : 'Out of stock';
      const body =
        event.type === 'ProductSold'
          ? 'The last unit of this product was sold.'
          : 'The stock of this product was set to zero.';
      await deps.pool.query(
        `insert into ${tenantTable(tenant, 'notifications')} (id, idempotency_key, kind, product_id, title, body, data, created_at)
         values ($1, $2, 'stock_depleted', $3, $4, $5, $6, $7)
         on conflict (idempotency_key) do nothing`,
        [deps.ids.uuid(), idempotencyKey, productId, title, body, JSON.stringify({ event_id: event.id, event_type: event.type }), event.recordedAt],
      );
    },
  };
}
