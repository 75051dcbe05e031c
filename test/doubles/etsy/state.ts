/*
 * Everything the double knows, seeded from its options and inspectable by tests.
 *
 * Records mostly keep the field names of the OAS schemas they are answered as (Shop,
 * ShopShippingProfile, ShopReturnPolicy, ShopProcessingProfile, ShopListing, ListingImage,
 * ListingInventory, ShopReceipt), so a test reading `double.state` sees what a client would.
 * Timestamps are epoch seconds as Etsy answers them; the clock can be moved forward.
 */
import { seedTaxonomy, type TaxonomyNode } from './taxonomy';

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

export const DEFAULT_USERS: SeedUser[] = [{ user_id: 12345678, login_name: 'stoflowseller', shop: { shop_id: 87654321 } }];

export class Clock {
  private offsetMs = 0;
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

/** Id sequences, far from each other so a mixed-up id never names another resource. */
class Ids {
  private next: Record<string, number> = {};
  constructor(private readonly starts: Record<string, number>) {
    this.reset();
  }
  take(kind: string): number {
    const id = this.next[kind] ?? 1;
    this.next[kind] = id + 1;
    return id;
  }
  reset(): void {
    this.next = { ...this.starts };
  }
}

export class EtsyState {
  users = new Map<number, UserRecord>();
  shops = new Map<number, ShopRecord>();
  shippingProfiles = new Map<number, ShippingProfileRecord>();
  returnPolicies = new Map<number, ReturnPolicyRecord>();
  processingProfiles = new Map<number, ProcessingProfileRecord>();
  listings = new Map<number, ListingRecord>();
  /** Per listing, ordered by rank. */
  images = new Map<number, ImageRecord[]>();
  inventory = new Map<number, InventoryRecord>();
  receipts = new Map<number, ReceiptRecord>();
  taxonomy: TaxonomyNode[] = [];
  readonly ids = new Ids({
    listing: 1800000001,
    image: 5500000001,
    product: 12000000001,
    offering: 13000000001,
    receipt: 3100000001,
    transaction: 4100000001,
    profile: 200000000001,
  });

  constructor(
    readonly clock: Clock,
    private readonly seedUsers: SeedUser[],
    private readonly seedNodes: TaxonomyNode[] | undefined,
  ) {
    this.reset();
  }

  reset(): void {
    for (const map of [this.users, this.shops, this.shippingProfiles, this.returnPolicies, this.processingProfiles, this.listings, this.images, this.inventory, this.receipts]) {
      map.clear();
    }
    this.ids.reset();
    this.taxonomy = this.seedNodes ?? seedTaxonomy();
    for (const user of this.seedUsers) this.addUser(user);
  }

  addUser(seed: SeedUser): UserRecord {
    const now = this.clock.nowSeconds();
    const user: UserRecord = {
      user_id: seed.user_id,
      login_name: seed.login_name ?? `user${seed.user_id}`,
      primary_email: seed.email ?? `user${seed.user_id}@example.test`,
      first_name: seed.first_name ?? 'Test',
      last_name: seed.last_name ?? 'Seller',
      shop_id: null,
    };
    this.users.set(user.user_id, user);
    if (seed.shop === null) return user;
    const shopSeed: SeedShop = seed.shop ?? { shop_id: seed.user_id + 1 };
    user.shop_id = shopSeed.shop_id;
    const name = shopSeed.shop_name ?? `TestShop${shopSeed.shop_id}`;
    this.shops.set(shopSeed.shop_id, {
      shop_id: shopSeed.shop_id,
      user_id: user.user_id,
      shop_name: name,
      title: null,
      currency_code: shopSeed.currency_code ?? 'EUR',
      shop_location_country_iso: shopSeed.country_iso ?? 'FR',
      created_timestamp: now,
      updated_timestamp: now,
      is_vacation: false,
      accepts_custom_requests: false,
      url: `https://www.etsy.com/shop/${name}`,
    });
    const shipping = shopSeed.shipping_profiles ?? [{}];
    for (const p of shipping) {
      const id = p.shipping_profile_id ?? this.ids.take('profile');
      this.shippingProfiles.set(id, {
        shipping_profile_id: id,
        shop_id: shopSeed.shop_id,
        user_id: user.user_id,
        title: p.title ?? 'Standard shipping',
        min_processing_days: p.min_processing_days ?? null,
        max_processing_days: p.max_processing_days ?? null,
        origin_country_iso: p.origin_country_iso ?? shopSeed.country_iso ?? 'FR',
        origin_postal_code: p.origin_postal_code ?? null,
        profile_type: p.profile_type ?? 'manual',
      });
    }
    for (const p of shopSeed.return_policies ?? [{}]) {
      const id = p.return_policy_id ?? this.ids.take('profile');
      this.returnPolicies.set(id, {
        return_policy_id: id,
        shop_id: shopSeed.shop_id,
        accepts_returns: p.accepts_returns ?? true,
        accepts_exchanges: p.accepts_exchanges ?? true,
        return_deadline: p.return_deadline === undefined ? 30 : p.return_deadline,
      });
    }
    for (const p of shopSeed.processing_profiles ?? [{}]) {
      const id = p.readiness_state_id ?? this.ids.take('profile');
      this.processingProfiles.set(id, {
        readiness_state_id: id,
        shop_id: shopSeed.shop_id,
        readiness_state: p.readiness_state ?? 'ready_to_ship',
        min_processing_days: p.min_processing_days ?? 1,
        max_processing_days: p.max_processing_days ?? 3,
      });
    }
    return user;
  }

  shopOf(userId: number): ShopRecord | undefined {
    const user = this.users.get(userId);
    return user?.shop_id == null ? undefined : this.shops.get(user.shop_id);
  }

  imagesOf(listingId: number): ImageRecord[] {
    let list = this.images.get(listingId);
    if (!list) {
      list = [];
      this.images.set(listingId, list);
    }
    return list;
  }
}
