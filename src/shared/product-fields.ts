/*
 * The product's fields, written once. The create and edit request bodies, the command input
 * types and the API representation are all derived from this object, so a new attribute is
 * added here, in the decider's rules, in the products projection and in a migration — nowhere
 * else. Types only: the catalogue's rules (lengths, amounts, references) belong to the decider
 * and answer 422 with every offending field named.
 */
import { z } from 'zod';

export const productFields = z.object({
  sku: z.string().describe('1 to 50 of A-Z a-z 0-9 . _ -, unique in your catalogue (any case)'),
  title: z.string().describe('1 to 200 characters'),
  description: z.string().nullable().describe('At most 10,000 characters'),
  price: z.number().describe('Euros: more than 0, at most 99999.99, two decimals at most'),
  cost_price: z.number().nullable().describe('Euros paid for the item: 0 or more'),
  stock_quantity: z.number().describe('Whole number, 0 or more (default 1)'),
  category: z.string().describe('A leaf category: its slug or its label, any case (GET /api/categories)'),
  brand: z.string().nullable().describe('A brand of GET /api/attributes/brands (yours included), any case'),
  size: z.string().nullable().describe('A size code or label, any case (GET /api/attributes/sizes)'),
  color: z.string().nullable().describe('A colour slug or label, any case (GET /api/attributes/colors)'),
  gender: z.string().nullable().describe('A gender code or label, any case (GET /api/attributes/genders)'),
  condition: z.string().describe('A condition code or label, any case (GET /api/attributes/conditions)'),
});

export type ProductFields = z.infer<typeof productFields>;
export type ProductField = keyof ProductFields;

/** Form order: problems and changes are reported in it. */
export const PRODUCT_FIELDS = productFields.keyof().options;

/** What a new product must have; everything else has a default. */
export const REQUIRED_PRODUCT_FIELDS = ['sku', 'title', 'price', 'category', 'condition'] as const satisfies readonly ProductField[];

/** Fields that name reference data, resolved to their code before any event is written. */
export const REFERENCE_FIELDS = ['category', 'brand', 'size', 'color', 'gender', 'condition'] as const satisfies readonly ProductField[];
export type ReferenceField = (typeof REFERENCE_FIELDS)[number];

/** POST /api/products: the required fields, the others optional. */
export const createProductBody = productFields
  .partial()
  .required(Object.fromEntries(REQUIRED_PRODUCT_FIELDS.map((f) => [f, true])) as { [K in (typeof REQUIRED_PRODUCT_FIELDS)[number]]: true })
  .strict();
export type CreateProductInput = z.infer<typeof createProductBody>;

/** PATCH /api/products/{id}: any subset; the SKU is the product's identity and never changes. */
export const editProductBody = productFields.omit({ sku: true }).partial().strict();
export type ProductChanges = z.infer<typeof editProductBody>;

export const productImageSchema = z.object({
  id: z.uuid(),
  url: z.string().describe('Public, unguessable URL of the file'),
  content_type: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  size_bytes: z.number().int(),
  position: z.number().int().describe('0 for the main image'),
});

export const PRODUCT_STATUSES = ['draft', 'published', 'sold', 'archived'] as const;

/**
 * The product as the API shows it (detail, list, and every command's answer). Money in euros
 * (stored as cents), times in ISO 8601 UTC, references as codes, images in display order.
 */
export const productSchema = z.object({
  id: z.uuid(),
  ...productFields.shape,
  description: z.string(),
  stock_quantity: z.number().int(),
  category: z.string().describe('Slug of a leaf category'),
  brand: z.string().nullable().describe('As the brand list spells it'),
  size: z.string().nullable().describe('Size code'),
  color: z.string().nullable().describe('Colour slug'),
  gender: z.string().nullable().describe('Gender code'),
  condition: z.string().describe('Condition code'),
  sold_quantity: z.number().int(),
  status: z.enum(PRODUCT_STATUSES).describe('published: a draft with at least one listing live on a marketplace (active, or being updated); the version and ETag do not change with it'),
  images: z.array(productImageSchema),
  version: z.number().int().describe('Stream version, also sent as the ETag'),
  created_at: z.string(),
  updated_at: z.string(),
  sold_at: z.string().nullable(),
  archived_at: z.string().nullable(),
});

/** The representation's keys in the order it is written (stored text compares equal only in one order). */
export const PRODUCT_DTO_KEYS = Object.keys(productSchema.shape) as (keyof z.infer<typeof productSchema>)[];

export type ProductDto = z.infer<typeof productSchema>;

/** `"7"`: a representation's version as a strong entity tag. */
export function etagOf(version: number): string {
  return `"${version}"`;
}
