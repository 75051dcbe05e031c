/*
 * Everything the double knows, seeded from its options and inspectable by tests as
 * `double.state` (records in ./records), with a clock tests can move forward.
 */
import type { ImageRecord, InventoryRecord, ListingRecord, ProcessingProfileRecord, ReceiptRecord, ReturnPolicyRecord, SeedShop, SeedUser, ShippingProfileRecord, ShopRecord, UserRecord } from './records';
import { seedTaxonomy, type TaxonomyNode } from './taxonomy';

export type * from './records';

export const DEFAULT_USERS: SeedUser[] = [{ user_id: 12345678, login_name: 'stoflowseller', shop: { shop_id: 87654321 } }];

export class Clock {
  private offsetMs = 0;
  constructor(private readonly base: () => number = Date.now) {}
  nowMs(): number {
    return this.base() + this.offsetMs;
  }
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
  reset(): void {
    this.offsetMs = 0;
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
