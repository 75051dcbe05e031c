import type { EventStore, TenantId } from '../src/eventstore/types';
import { rebuildProjection } from '../src/engine/rebuild';
import type { Pool } from '../src/infra/db/postgres';
import { createTenancy } from '../src/infra/db/tenancy';
import { productsProjection } from '../src/projections/products';

const tenancy = createTenancy();

/**
 * Replays 200,000 product events (50,000 products: created, price changed, stock adjusted,
 * details updated) into the products read model. The log is written straight in SQL, so the
 * figure is the rebuild alone: reading the log, folding batches, writing set-based.
 */
export async function measureRebuild(pool: Pool, store: EventStore, tenant: TenantId, products = 50_000): Promise<Record<string, number>> {
  const events = tenancy.table(tenant, 'events');
  await pool.query(
    `insert into ${events} (stream_id, stream_version, event_id, type, schema_version, data, metadata)
     select 'product-' || p.id, s.v, gen_random_uuid(), s.type, s.schema_version,
       case s.v
         when 1 then jsonb_build_object('product_id', p.id, 'sku', 'SKU-' || p.n, 'title', 'Vintage jacket ' || p.n,
               'description', 'A warm wool jacket in very good condition', 'category', 'jeans', 'brand', 'Levi''s',
               'size', 'm', 'color', 'blue', 'gender', 'men', 'condition', 'very_good', 'cost_price_cents', 1200,
               'price_cents', 2500 + p.n % 1000, 'stock_quantity', 1, 'created_at', '2026-01-01T00:00:00.000Z')
         when 2 then jsonb_build_object('price_cents', 2900, 'previous_price_cents', 2500 + p.n % 1000, 'changed_at', '2026-01-02T00:00:00.000Z')
         when 3 then jsonb_build_object('stock_quantity', 3, 'delta', 2, 'adjusted_at', '2026-01-03T00:00:00.000Z')
         else jsonb_build_object('changes', jsonb_build_object('title', 'Vintage wool jacket ' || p.n), 'updated_at', '2026-01-04T00:00:00.000Z')
       end, '{}'::jsonb
       from (select gen_random_uuid() as id, n from generate_series(1, $1) n) p
      cross join (values (1, 'ProductCreated', 2), (2, 'ProductPriceChanged', 1), (3, 'ProductStockAdjusted', 1), (4, 'ProductDetailsUpdated', 1))
            as s(v, type, schema_version)
      order by p.n, s.v`,
    [products],
  );
  const started = performance.now();
  const result = await rebuildProjection({ pool, tenancy, store, tenant, projection: productsProjection, batchSize: 5000 });
  const seconds = (performance.now() - started) / 1000;
  return { rebuild_events: result.events, rebuild_events_per_s: Math.round(result.events / seconds) };
}
