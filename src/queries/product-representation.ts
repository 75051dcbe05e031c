import { z } from 'zod';

/**
 * The product as the API shows it, shared by the detail and the list. Money in euros (stored as
 * cents), times in ISO 8601 UTC, images in display order with the URL they are served at.
 */
export const productImageSchema = z.object({
  id: z.uuid(),
  url: z.string().describe('Public, unguessable URL of the file'),
  content_type: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  size_bytes: z.number().int(),
  position: z.number().int().describe('0 for the main image'),
});

export const productSchema = z.object({
  id: z.uuid(),
  sku: z.string(),
  title: z.string(),
  description: z.string(),
  price: z.number().describe('Selling price in euros'),
  cost_price: z.number().nullable().describe('What the seller paid, in euros'),
  stock_quantity: z.number().int(),
  sold_quantity: z.number().int(),
  category: z.string().describe('Slug of a leaf category'),
  brand: z.string().nullable(),
  size: z.string().nullable(),
  color: z.string().nullable(),
  gender: z.string().nullable(),
  condition: z.string(),
  status: z.enum(['draft', 'published', 'sold', 'archived']),
  images: z.array(productImageSchema),
  version: z.number().int().describe('Stream version, also sent as the ETag'),
  created_at: z.string(),
  updated_at: z.string(),
  sold_at: z.string().nullable(),
  archived_at: z.string().nullable(),
});

export type ProductDto = z.infer<typeof productSchema>;

export const MEDIA_PATH = '/media';

/**
 * A read-model row as the products projection keeps it in memory. The projection stores
 * `toProductDto(row)` with the row, so every answer (create, detail, list) comes from this one
 * function.
 */
export interface ProductRecord {
  id: string;
  sku: string;
  title: string;
  description: string;
  price_cents: number;
  cost_price_cents: number | null;
  stock_quantity: number;
  sold_quantity: number;
  category: string;
  brand: string | null;
  size: string | null;
  color: string | null;
  gender: string | null;
  condition: string;
  status: string;
  images: { id: string; file: string; content_type: string; size_bytes: number }[];
  version: number;
  created_at: string;
  updated_at: string;
  sold_at: string | null;
  archived_at: string | null;
}

const iso = (value: string) => new Date(value).toISOString();

export function toProductDto(r: ProductRecord): ProductDto {
  return {
    id: r.id,
    sku: r.sku,
    title: r.title,
    description: r.description,
    price: r.price_cents / 100,
    cost_price: r.cost_price_cents === null ? null : r.cost_price_cents / 100,
    stock_quantity: r.stock_quantity,
    sold_quantity: r.sold_quantity,
    category: r.category,
    brand: r.brand,
    size: r.size,
    color: r.color,
    gender: r.gender,
    condition: r.condition,
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Anything but a uuid names no product: it is answered like an unknown id. */
export function isProductId(value: string): boolean {
  return UUID.test(value);
}

/** `"7"`: the representation's version as a strong entity tag. */
export function etagOf(version: number): string {
  return `"${version}"`;
}
