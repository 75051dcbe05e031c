import type { RecordedEvent } from '../eventstore/types';
import type { Reactor } from '../engine/reactor';
import type { Connections, Queryable } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import { perTenant, type TenantPools } from '../infra/db/tenant-pools';
import type { IdGenerator } from '../infra/clock';

interface StockData {
  product_id?: string;
  remaining_stock?: number;
  stock_quantity?: number;
}

interface NamedProduct {
  sku: string;
  title: string;
}

function productIdOf(event: RecordedEvent): string | null {
  const fromData = (event.data as StockData).product_id;
  if (fromData) return fromData;
  const match = /^product-([0-9a-f-]{36})$/.exec(event.streamId);
  return match ? match[1]! : null;
}

/**
 * The product as the catalogue read model holds it. With the PostgreSQL log that model is
 * written in the append's own transaction, so it always has the product here; where it could lag
 * behind the log, the notification is still written, only without the product's name.
 */
async function namedProduct(db: Queryable, tenancy: Tenancy, tenant: number, productId: string | null): Promise<NamedProduct | null> {
  if (productId === null) return null;
  const { rows } = await db.query<NamedProduct>(`select sku, title from ${tenancy.table(tenant, 'products')} where id = $1`, [productId]);
  return rows[0] ?? null;
}

interface OversoldData {
  marketplace: string;
  quantity: number;
  stock_before: number;
  competing_sales: { channel: string }[];
}

const MARKETPLACE_NAMES: Record<string, string> = { ebay: 'eBay', etsy: 'Etsy', vinted: 'Vinted', offline: 'outside the marketplaces' };

function oversoldBody(data: OversoldData, product: NamedProduct | null): string {
  const which = product ? `“${product.title}” (SKU ${product.sku})` : 'this product';
  const where = MARKETPLACE_NAMES[data.marketplace] ?? data.marketplace;
  const before = [...new Set(data.competing_sales.map((c) => MARKETPLACE_NAMES[c.channel] ?? c.channel))].join(' and ');
  const units = data.quantity === 1 ? 'one unit' : `${data.quantity} units`;
  return `${which} sold on ${where} (${units}) after ${data.stock_before === 0 ? 'its last unit' : `all but ${data.stock_before}`} had sold${before ? ` on ${before}` : ''}. The buyer has paid: refund them or find another unit, then mark the oversell settled.`;
}

function bodyOf(event: RecordedEvent, product: NamedProduct | null): string {
  if (event.type === 'OversoldDetected') return oversoldBody(event.data as OversoldData, product);
  const which = product ? `“${product.title}” (SKU ${product.sku})` : 'this product';
  return event.type === 'ProductSold' ? `The last unit of ${which} was sold.` : `The stock of ${which} was set to zero.`;
}

/**
 * Tells the seller when a product runs out of stock (a sale took the last unit, or stock was set
 * to zero), naming the product by title and SKU. The notification row is keyed by the reaction's
 * idempotency key, so a redelivered event never notifies twice. An oversell (a marketplace sold
 * what was gone) is a notification of its own, `oversold`: the seller has a buyer to settle with.
 */
export function stockDepletedReactor(deps: { pool: Connections | TenantPools; tenancy: Tenancy; ids: IdGenerator }): Reactor {
  const pools = perTenant(deps.pool);
  return {
    name: 'stock_depleted_notifier',
    handles: ['ProductSold', 'ProductStockAdjusted', 'OversoldDetected'],
    async react(event, { tenant, idempotencyKey }) {
      const data = event.data as StockData;
      const left = event.type === 'ProductSold' ? data.remaining_stock : event.type === 'ProductStockAdjusted' ? data.stock_quantity : 0;
      if (left !== 0) return;
      const productId = productIdOf(event);
      const db = pools.of(tenant);
      const product = await namedProduct(db, deps.tenancy, tenant, productId);
      const title = event.type === 'OversoldDetected' ? 'Oversold' : event.type === 'ProductSold' ? 'Sold out' : 'Out of stock';
      await db.query(
        `insert into ${deps.tenancy.table(tenant, 'notifications')} (id, idempotency_key, kind, product_id, product_sku, product_title, title, body, data, created_at)
         values ($1, $2, $10, $3, $4, $5, $6, $7, $8, $9)
         on conflict (idempotency_key) do nothing`,
        [
          deps.ids.uuid(),
          idempotencyKey,
          productId,
          product?.sku ?? null,
          product?.title ?? null,
          title,
          bodyOf(event, product),
          JSON.stringify({ event_id: event.id, event_type: event.type }),
          event.recordedAt,
          event.type === 'OversoldDetected' ? 'oversold' : 'stock_depleted',
        ],
      );
    },
  };
}
