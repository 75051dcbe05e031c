/*
 * The records the double keeps. Most keep the field names of the OAS schemas they are answered
 * as (Shop, ShopShippingProfile, ShopReturnPolicy, ShopProcessingProfile, ShopListing,
 * ListingImage, ListingInventory, ShopReceipt); money is kept in minor units (divisor 100) and
 * timestamps in epoch seconds, as Etsy answers them.
 */
export type ListingState = 'active' | 'inactive' | 'sold_out' | 'draft' | 'expired';
export type ListingType = 'physical' | 'download' | 'both';

export interface Money {
  amount: number;
  divisor: number;
  currency_code: string;
}

export interface UserRecord {
  user_id: number;
  login_name: string;
  primary_email: string;
  first_name: string;
  last_name: string;
  shop_id: number | null;
}

export interface ShopRecord {
  shop_id: number;
  user_id: number;
  shop_name: string;
  title: string | null;
  currency_code: string;
  shop_location_country_iso: string;
  created_timestamp: number;
  updated_timestamp: number;
  is_vacation: boolean;
  accepts_custom_requests: boolean;
  url: string;
}

export interface ShippingProfileRecord {
  shipping_profile_id: number;
  shop_id: number;
  title: string;
  user_id: number;
  min_processing_days: number | null;
  max_processing_days: number | null;
  origin_country_iso: string;
  origin_postal_code: string | null;
  profile_type: 'manual' | 'calculated';
}

export interface ReturnPolicyRecord {
  return_policy_id: number;
  shop_id: number;
  accepts_returns: boolean;
  accepts_exchanges: boolean;
  return_deadline: number | null;
}

export interface ProcessingProfileRecord {
  readiness_state_id: number;
  shop_id: number;
  readiness_state: 'ready_to_ship' | 'made_to_order';
  min_processing_days: number;
  max_processing_days: number;
}

export interface ListingRecord {
  listing_id: number;
  user_id: number;
  shop_id: number;
  title: string;
  description: string;
  state: ListingState;
  creation_timestamp: number;
  ending_timestamp: number;
  original_creation_timestamp: number;
  last_modified_timestamp: number;
  state_timestamp: number;
  shop_section_id: number | null;
  featured_rank: number;
  is_taxable: boolean;
  is_customizable: boolean;
  is_personalizable: boolean;
  listing_type: ListingType;
  tags: string[];
  materials: string[];
  styles: string[];
  shipping_profile_id: number | null;
  return_policy_id: number | null;
  readiness_state_id: number | null;
  processing_min: number | null;
  processing_max: number | null;
  who_made: string | null;
  when_made: string | null;
  is_supply: boolean | null;
  item_weight: number | null;
  item_weight_unit: string | null;
  item_length: number | null;
  item_width: number | null;
  item_height: number | null;
  item_dimensions_unit: string | null;
  should_auto_renew: boolean;
  taxonomy_id: number | null;
  production_partner_ids: number[];
}

export interface ImageRecord {
  listing_image_id: number;
  listing_id: number;
  rank: number;
  alt_text: string | null;
  created_timestamp: number;
  mimetype: string;
  width: number | null;
  height: number | null;
  bytes: Buffer;
}

export interface PropertyValueRecord {
  property_id: number;
  property_name: string | null;
  scale_id: number | null;
  value_ids: number[];
  values: string[];
}

export interface OfferingRecord {
  offering_id: number;
  price: number; // in the currency's minor unit (divisor 100)
  quantity: number;
  is_enabled: boolean;
  readiness_state_id: number | null;
}

export interface ProductRecord {
  product_id: number;
  sku: string;
  property_values: PropertyValueRecord[];
  offerings: OfferingRecord[];
}

export interface InventoryRecord {
  products: ProductRecord[];
  price_on_property: number[];
  quantity_on_property: number[];
  sku_on_property: number[];
  readiness_state_on_property: number[];
}

export interface TransactionRecord {
  transaction_id: number;
  listing_id: number;
  product_id: number;
  sku: string;
  title: string;
  quantity: number;
  price: number; // minor units, per item
  shipping_cost: number;
  create_timestamp: number;
  paid_timestamp: number | null;
}

export interface ReceiptRecord {
  receipt_id: number;
  shop_id: number;
  seller_user_id: number;
  buyer_user_id: number;
  buyer_email: string;
  name: string;
  status: 'paid' | 'completed' | 'open' | 'payment processing' | 'canceled' | 'fully refunded' | 'partially refunded';
  is_paid: boolean;
  is_shipped: boolean;
  is_delivered: boolean;
  create_timestamp: number;
  update_timestamp: number;
  currency_code: string;
  transactions: TransactionRecord[];
}

export interface SeedShop {
  shop_id: number;
  shop_name?: string;
  currency_code?: string;
  /** ISO 3166-1 alpha-2; EU shops need no return policy to activate a physical listing. */
  country_iso?: string;
  shipping_profiles?: Partial<Omit<ShippingProfileRecord, 'shop_id' | 'user_id'>>[];
  return_policies?: Partial<Omit<ReturnPolicyRecord, 'shop_id'>>[];
  processing_profiles?: Partial<Omit<ProcessingProfileRecord, 'shop_id'>>[];
}

export interface SeedUser {
  user_id: number;
  login_name?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  /** null for a user with no shop; omitted for a shop seeded with defaults. */
  shop?: SeedShop | null;
}
