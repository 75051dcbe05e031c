/**
 * What a seller (or, later, a marketplace) asks of a product. Amounts arrive as typed, in euros,
 * and the decider turns them into cents once it has checked them. Facts the decider cannot look
 * up itself — whether a category is a leaf, how a brand is spelled — arrive in the command, as
 * time does.
 */
export interface ReferenceFacts {
  /** `leaf`: usable; `branch`: exists but has sub-categories; `unknown`: no such slug. */
  category?: 'leaf' | 'branch' | 'unknown';
  /** The brand as spelled in the reference lists (shared or the tenant's own), null when unknown. */
  brand?: string | null;
  size?: boolean;
  color?: boolean;
  gender?: boolean;
  condition?: boolean;
}

export interface ProductInput {
  sku: string;
  title: string;
  description?: string | null;
  price: number;
  cost_price?: number | null;
  stock_quantity?: number;
  category: string;
  brand?: string | null;
  size?: string | null;
  color?: string | null;
  gender?: string | null;
  condition: string;
}

/** The fields ProductDetailsUpdated carries, as typed. */
export interface DetailChanges {
  title?: string;
  description?: string | null;
  category?: string;
  brand?: string | null;
  size?: string | null;
  color?: string | null;
  gender?: string | null;
  condition?: string;
  cost_price?: number | null;
}

/** Everything a PATCH may touch at once. */
export interface ProductChanges extends DetailChanges {
  price?: number;
  stock_quantity?: number;
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
  | { type: 'UpdateProductDetails'; changes: DetailChanges; references: ReferenceFacts; now: Date }
  | { type: 'ChangeProductPrice'; price: number; now: Date }
  | { type: 'AdjustProductStock'; stock_quantity: number; now: Date }
  | { type: 'AddProductImages'; images: NewImage[]; now: Date }
  | { type: 'RemoveProductImage'; image_id: string; now: Date }
  | { type: 'ReorderProductImages'; image_ids: string[]; now: Date }
  | { type: 'RecordProductSale'; sale_id: string; quantity: number; unit_price: number; channel: string; now: Date }
  | { type: 'ArchiveProduct'; now: Date };
