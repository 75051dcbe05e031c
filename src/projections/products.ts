/*
 * `products`: one row per product for the list and the detail, with its images in display order
 * and its API representation ready to send, and `product_counts`: products per status, so a
 * page's total is a lookup.
 *
 * Set-based for catching up and rebuilding: a batch is folded per product in memory, starting
 * from the stored row (one query loads them all) or from nothing when the batch holds the
 * product's creation, then written with one statement that also moves the counts. Each row keeps
 * the stream version it reflects: events at or below it are skipped, and the write itself only
 * replaces an older row, so offering a batch again changes nothing.
 *
 * The same fold answers the product commands (`representProduct`): what a command returns is,
 * by construction, what the next read shows.
 */
import { PRODUCT_EVENT_TYPES, productIdOfStream, type ProductCreated, type ProductEvent } from '../domain/product/decider';
import type { Projection, Tables } from '../engine/projection';
import type { RecordedEvent } from '../eventstore/types';
import type { Queryable } from '../infra/db/postgres';
import type { ProductDto } from '../shared/product-fields';

export const MEDIA_PATH = '/media';

/** A read-model row as the fold keeps it in memory; `toProductDto` makes the representation of it. */
export type ProductRow = Omit<ProductDto, 'price' | 'cost_price' | 'images' | 'status'> & {
  price_cents: number;
  cost_price_cents: number | null;
  status: string;
  images: { id: string; file: string; content_type: string; size_bytes: number }[];
};

const COLUMNS = [
  'id uuid',
  'sku text',
  'title text',
  'description text',
  'price_cents integer',
  'cost_price_cents integer',
  'stock_quantity integer',
  'sold_quantity integer',
  'category text',
  'brand text',
  'size text',
  'color text',
  'gender text',
  'condition text',
  'status text',
  'images jsonb',
  'version integer',
  'created_at timestamptz',
  'updated_at timestamptz',
  'sold_at timestamptz',
  'archived_at timestamptz',
] as const;
/** The columns a fold starts from; the representation is derived from them on every write. */
const NAMES = COLUMNS.map((c) => c.split(' ')[0]!);
const WRITTEN = [...COLUMNS, 'representation text'];
const WRITTEN_NAMES = WRITTEN.map((c) => c.split(' ')[0]!);

const iso = (value: string) => new Date(value).toISOString();

/**
 * The product as the API shows it: money in euros, images with their URLs, times in UTC. Written
 * out field by field, in the representation's key order (PRODUCT_DTO_KEYS; a test holds them
 * equal): the stored text compares equal only in one order, and object literals are several
 * times faster than spreads on this path (every write and every rebuilt row).
 */
export function toProductDto(r: ProductRow): ProductDto {
  return {
    id: r.id,
    sku: r.sku,
    title: r.title,
    description: r.description,
    price: r.price_cents / 100,
    cost_price: r.cost_price_cents === null ? null : r.cost_price_cents / 100,
    stock_quantity: r.stock_quantity,
    category: r.category,
    brand: r.brand,
    size: r.size,
    color: r.color,
    gender: r.gender,
    condition: r.condition,
    sold_quantity: r.sold_quantity,
    status: r.status as ProductDto['status'],
    images: r.images.map((i, position) => ({
      id: i.id,
      url: `${MEDIA_PATH}/${i.file}`,
      content_type: i.content_type as ProductDto['images'][number]['content_type'],
      size_bytes: i.size_bytes,
      position,
    })),
    version: r.version,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    sold_at: r.sold_at === null ? null : iso(r.sold_at),
    archived_at: r.archived_at === null ? null : iso(r.archived_at),
  };
}

/** A product's first row, from its creation at stream version `version`. */
export function createdRow(d: ProductCreated['data'], version: number): ProductRow {
  return {
    id: d.product_id,
    sku: d.sku,
    title: d.title,
    description: d.description ?? '',
    price_cents: d.price_cents,
    cost_price_cents: d.cost_price_cents ?? null,
    stock_quantity: d.stock_quantity,
    sold_quantity: 0,
    category: d.category,
    brand: d.brand ?? null,
    size: d.size ?? null,
    color: d.color ?? null,
    gender: d.gender ?? null,
    condition: d.condition,
    status: 'draft',
    images: [],
    version,
    created_at: d.created_at,
    updated_at: d.created_at,
    sold_at: null,
    archived_at: null,
  };
}

/** The product as the API shows it after these events of its stream (null before its creation). */
export function representProduct(stream: readonly RecordedEvent[]): ProductDto | null {
  const row = stream.reduce<ProductRow | null>(applyEvent, null);
  return row === null ? null : toProductDto(row);
}

/** The row after one event (the row is a fresh copy owned by the fold). */
export function applyEvent(row: ProductRow | null, event: RecordedEvent): ProductRow | null {
  const e = { type: event.type, data: event.data } as ProductEvent;
  if (e.type === 'ProductCreated') return createdRow(e.data, event.streamVersion);
  if (row === null) return null;
  const next: ProductRow = { ...row, version: event.streamVersion };
  switch (e.type) {
    case 'ProductDetailsUpdated': {
      const { cost_price_cents, ...rest } = e.data.changes;
      Object.assign(next, rest);
      if (cost_price_cents !== undefined) next.cost_price_cents = cost_price_cents;
      next.updated_at = e.data.updated_at;
      break;
    }
    case 'ProductPriceChanged':
      next.price_cents = e.data.price_cents;
      next.updated_at = e.data.changed_at;
      break;
    case 'ProductStockAdjusted':
      next.stock_quantity = e.data.stock_quantity;
      next.updated_at = e.data.adjusted_at;
      break;
    case 'ProductImageAdded': {
      const { image_id, file, content_type, size_bytes, position } = e.data;
      next.images = [...row.images];
      next.images.splice(position, 0, { id: image_id, file, content_type, size_bytes });
      next.updated_at = e.data.added_at;
      break;
    }
    case 'ProductImageRemoved':
      next.images = row.images.filter((i) => i.id !== e.data.image_id);
      next.updated_at = e.data.removed_at;
      break;
    case 'ProductImagesReordered': {
      const order = e.data.image_ids;
      const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
      next.images = [...row.images].sort((a, b) => rank(a.id) - rank(b.id));
      next.updated_at = e.data.reordered_at;
      break;
    }
    case 'ProductSold':
      next.stock_quantity = e.data.remaining_stock;
      next.sold_quantity = row.sold_quantity + e.data.quantity;
      next.updated_at = e.data.sold_at;
      if (e.data.remaining_stock === 0 && row.status !== 'sold') {
        next.status = 'sold';
        next.sold_at = e.data.sold_at;
      }
      break;
    case 'SaleReturned':
      // Units back in stock are for sale again; a sale refunded without them still happened.
      next.stock_quantity = e.data.stock_quantity;
      if (e.data.restocked) next.sold_quantity = Math.max(0, row.sold_quantity - e.data.quantity);
      next.updated_at = e.data.returned_at;
      if (e.data.restocked && row.status === 'sold') {
        next.status = 'draft';
        next.sold_at = null;
      }
      break;
    case 'OversoldDetected':
    case 'OversellResolved':
    case 'SaleCostsRecorded':
      break; // the sync read models show them; the product's version moves all the same (its ETag)
    case 'ProductArchived':
      next.status = 'archived';
      next.archived_at = e.data.archived_at;
      next.updated_at = e.data.archived_at;
      break;
    default:
      return row; // a product event this read model does not show
  }
  return next;
}

interface LoadedRow extends Omit<ProductRow, 'created_at' | 'updated_at' | 'sold_at' | 'archived_at'> {
  created_at: Date;
  updated_at: Date;
  sold_at: Date | null;
  archived_at: Date | null;
}

async function loadRows(db: Queryable, tables: Tables, ids: string[]): Promise<Map<string, ProductRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<LoadedRow>(`select ${NAMES.join(', ')} from ${tables.products} where id = any($1::uuid[])`, [ids]);
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  return new Map(
    rows.map((r) => [r.id, { ...r, created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString(), sold_at: iso(r.sold_at), archived_at: iso(r.archived_at) }]),
  );
}

/**
 * Upserts the folded rows (only over older versions) and moves the per-status counts by what
 * changed. A status whose count falls to 0 loses its row: a rebuild only writes the statuses it
 * ends with, so keeping zero rows would make the live table differ from a rebuilt one (readers
 * sum the counts, so a missing status reads 0).
 */
async function writeRows(db: Queryable, tables: Tables, rows: ProductRow[]): Promise<void> {
  const products = tables.products!;
  const counts = tables.product_counts!;
  const updates = WRITTEN_NAMES.filter((n) => n !== 'id')
    .map((n) => `${n} = excluded.${n}`)
    .join(', ');
  const { rows: result } = await db.query<{ emptied: string[] }>(
    `with input as (select * from jsonb_to_recordset($1::jsonb) as r(${WRITTEN.join(', ')})),
          previous as (select p.id, p.status from ${products} p where p.id in (select id from input)),
          written as (
            insert into ${products} as p (${WRITTEN_NAMES.join(', ')})
            select ${WRITTEN_NAMES.join(', ')} from input
            on conflict (id) do update set ${updates}
            where p.version < excluded.version
            returning p.id, p.status
          ),
          moves as (
            select status, sum(n)::bigint as n from (
              select w.status, 1 as n from written w
              union all
              select o.status, -1 from previous o join written w on w.id = o.id
            ) m group by status
          ),
          counted as (
            insert into ${counts} as c (status, n) select status, n from moves where n <> 0
            on conflict (status) do update set n = c.n + excluded.n
            returning c.status, c.n
          )
     select coalesce(array_agg(status) filter (where n = 0), '{}') as emptied from counted`,
    [JSON.stringify(rows.map((row) => ({ ...row, representation: JSON.stringify(toProductDto(row)) })))],
  );
  // A row the statement above updated cannot also be deleted by it: a second statement, only
  // when a count did reach 0 (the last draft archived or sold, …).
  const emptied = result[0]?.emptied ?? [];
  if (emptied.length > 0) await db.query(`delete from ${counts} where status = any($1::text[]) and n = 0`, [emptied]);
}

export const productsProjection: Projection = {
  name: 'products',
  consistency: 'inline',
  tables: ['products', 'product_counts'],
  handles: PRODUCT_EVENT_TYPES,
  async apply(db, tables, events) {
    const byProduct = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const id = productIdOfStream(event.streamId);
      if (id === null) continue;
      const list = byProduct.get(id);
      if (list) list.push(event);
      else byProduct.set(id, [event]);
    }
    // Products created in this batch fold from nothing; the others from their stored row.
    const toLoad = [...byProduct].filter(([, list]) => list[0]!.type !== 'ProductCreated').map(([id]) => id);
    const stored = await loadRows(db, tables, toLoad);
    const rows: ProductRow[] = [];
    for (const [id, list] of byProduct) {
      let row = stored.get(id) ?? null;
      const start = row;
      for (const event of list) {
        if (row !== null && event.streamVersion <= row.version) continue;
        row = applyEvent(row, event);
      }
      if (row !== null && row !== start) rows.push(row);
    }
    if (rows.length > 0) await writeRows(db, tables, rows);
  },
};
