/*
 * What a seller (or, later, a marketplace) asks of a product. Amounts arrive as typed, in euros,
 * and the decider turns them into cents once it has checked them. Facts the decider cannot look
 * up itself — whether a category is a leaf, how a brand is spelled — arrive in the command, as
 * time does. The input shapes are the API's own (src/shared/product-fields.ts), reference values
 * already resolved to their codes.
 */
import type { CreateProductInput, ProductChanges, ReferenceField } from '../../shared/product-fields';

export type { ProductChanges };

export interface ReferenceFacts {
  /** `leaf`: usable; `branch`: exists but has sub-categories; `unknown`: no such slug. */
  category?: 'leaf' | 'branch' | 'unknown';
  /** The brand as spelled in the reference lists (shared or the tenant's own), null when unknown. */
  brand?: string | null;
  size?: boolean;
  color?: boolean;
  gender?: boolean;
  condition?: boolean;
  /** The closest valid codes of a value that matched nothing, for the seller's "did you mean". */
  suggestions?: Partial<Record<ReferenceField, readonly string[]>>;
}

export type ProductInput = CreateProductInput;

/** The fields ProductDetailsUpdated carries, as typed. */
export type DetailChanges = Omit<ProductChanges, 'price' | 'stock_quantity'>;

/** A sale's fees and shipping, in euros as typed (or as a marketplace reported them); absent: 0, or unchanged. */
export interface SaleAmounts {
  fees?: number;
  shipping_charged?: number;
  shipping_paid?: number;
}

export interface NewImage {
  image_id: string;
  file: string;
  content_type: string;
  size_bytes: number;
}

export type ProductCommand =
  | { type: 'CreateProduct'; product_id: string; input: ProductInput; references: ReferenceFacts; now: Date }
  | { type: 'EditProduct'; changes: ProductChanges; references: ReferenceFacts; now: Date }
  | { type: 'AddProductImages'; images: NewImage[]; now: Date }
  | { type: 'RemoveProductImage'; image_id: string; now: Date }
  | { type: 'ReorderProductImages'; image_ids: string[]; now: Date }
  | ({ type: 'RecordProductSale'; sale_id: string; quantity: number; unit_price: number; channel: string; now: Date } & SaleAmounts)
  /** A sale a marketplace reported (an order line): its channel is the marketplace, its id follows from the line. */
  | ({ type: 'RecordMarketplaceSale'; sale_id: string; marketplace: 'ebay' | 'etsy' | 'vinted'; quantity: number; unit_price: number; order_id?: string; line_id?: string; now: Date } & SaleAmounts)
  /** The seller sets a recorded sale's fees and shipping (known later: a postage label, a monthly statement); what is not given stays. */
  | ({ type: 'RecordSaleCosts'; sale_id: string; now: Date } & SaleAmounts)
  /** A sale came back (returned, or cancelled after the sale): `refund` in euros (default: the price paid), `restock` (default: unless archived). */
  | { type: 'RecordSaleReturn'; sale_id: string; refund?: number; restock?: boolean; reason?: string | null; now: Date }
  /** The seller settled an oversell. */
  | { type: 'ResolveOversell'; sale_id: string; resolution: string; note?: string | null; now: Date }
  | { type: 'ArchiveProduct'; now: Date };
