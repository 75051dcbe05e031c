import type { Knex } from 'knex';

/**
 * Every product stored before SKUs had reservation streams gets its reservation now: one
 * `SkuReserved` on `sku-<lower-case sku>`, appended through append_events like any other event,
 * so the SKU rule holds from the log alone (on PostgreSQL the read model's unique index held it
 * until now; an export moved to another store needs the reservations). Idempotent: a SKU whose
 * stream exists is left alone.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    select a.outcome
      from products p
      cross join lateral append_events(
        array['sku-' || lower(p.sku)], array[0::bigint], array[1], array[gen_random_uuid()], array['SkuReserved'], array[1],
        array[jsonb_build_object('sku', p.sku, 'product_id', p.id, 'reserved_at', p.created_at)],
        array['{"actor": "migration:sku_reservations"}'::jsonb], 'stoflow_events') a
     where not exists (select 1 from streams s where s.stream_id = 'sku-' || lower(p.sku))
  `);
}

/** Reservations are history: they stay in the log. */
export async function down(): Promise<void> {}
