/**
 * What the double remembers: users and their business policies, inventory locations,
 * inventory items, offers, listings, orders, and the OAuth codes, grants and tokens.
 *
 * Record shapes follow the response schemas of the OpenAPI documents (Inventory v1.17.4:
 * InventoryItemWithSkuLocaleGroupid, EbayOfferDetailsWithAll, InventoryLocationResponse;
 * Account v1.9.2: FulfillmentPolicy, PaymentPolicy, ReturnPolicy; Fulfillment v1.20.4: Order),
 * so routes answer them with little or no reshaping.
 */
import { randomBytes } from 'node:crypto';
import { CLOTHING_CONDITIONS, seedConditionPolicies, type ConditionPolicy } from './conditions';
import type { Amount } from './validation';

export type Json = Record<string, unknown>;

export interface SeedPolicy {
  /** The policy id; generated when absent. */
  id?: string;
  name: string;
  marketplaceId: string;
  /** Any further documented fields (handlingTime, shippingOptions, returnsAccepted...). */
  [field: string]: unknown;
}

export interface SeedLocation {
  merchantLocationKey: string;
  /** The InventoryLocationFull body, as createInventoryLocation takes it. */
  location: { address: Json; geoCoordinates?: Json };
  [field: string]: unknown;
}

export interface SeedUser {
  username: string;
  userId?: string;
  accountType?: 'INDIVIDUAL' | 'BUSINESS';
  registrationMarketplaceId?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  fulfillmentPolicies?: SeedPolicy[];
  paymentPolicies?: SeedPolicy[];
  returnPolicies?: SeedPolicy[];
  locations?: SeedLocation[];
  /**
   * eBay's out-of-stock control: when on (the default here), a listing that sells its last unit
   * stays alive as OUT_OF_STOCK and comes back when quantity returns; when off it ENDS.
   */
  outOfStockControl?: boolean;
}

export type ListingStatus = 'ACTIVE' | 'OUT_OF_STOCK' | 'ENDED';

export interface UserRecord {
  userId: string;
  username: string;
  accountType: 'INDIVIDUAL' | 'BUSINESS';
  registrationMarketplaceId: string;
  email: string;
  firstName: string;
  lastName: string;
  outOfStockControl: boolean;
  fulfillmentPolicies: Json[];
  paymentPolicies: Json[];
  returnPolicies: Json[];
  /** merchantLocationKey → InventoryLocationResponse. */
  locations: Map<string, Json>;
  /** sku → the stored inventory item (the request body, `locale` added). */
  inventory: Map<string, Json>;
}

export interface OfferRecord {
  offerId: string;
  userId: string;
  sku: string;
  marketplaceId: string;
  format: string;
  status: 'UNPUBLISHED' | 'PUBLISHED';
  /** The offer body as last created or updated (EbayOfferDetailsWithKeys / WithId fields). */
  details: Json;
  listingId?: string;
}

export interface ListingRecord {
  listingId: string;
  offerId: string;
  userId: string;
  sku: string;
  marketplaceId: string;
  status: ListingStatus;
  soldQuantity: number;
  startedAt: Date;
  endedAt?: Date;
}

export interface OrderRecord {
  userId: string;
  /** The Order object as getOrder answers it. */
  order: Json & { orderId: string; creationDate: string; lastModifiedDate: string };
}

export interface AuthCode {
  clientId: string;
  ruName: string;
  userId: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export interface Grant {
  grantId: string;
  userId: string;
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

export interface RefreshTokenRecord {
  grantId: string;
  expiresAt: number;
  revoked: boolean;
}

export interface AccessTokenRecord {
  kind: 'user' | 'application';
  clientId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
  userId?: string;
  grantId?: string;
}

/** eBay's tokens and codes look like `v^1.1#i^1#...#t^<base64>`: the `^`, `#`, `+`, `/` and `=` test a client's encoding. */
export function ebayOpaque(prefix: string, bytes: number): string {
  return `${prefix}${randomBytes(bytes).toString('base64')}`;
}

export class EbayState {
  readonly users = new Map<string, UserRecord>();
  readonly offers = new Map<string, OfferRecord>();
  readonly listings = new Map<string, ListingRecord>();
  readonly orders = new Map<string, OrderRecord>();
  readonly authCodes = new Map<string, AuthCode>();
  readonly grants = new Map<string, Grant>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  /** categoryId → the conditions it takes, for the categories not taking the clothing ones. */
  readonly conditionPolicies = new Map<string, ConditionPolicy>();
  private counter = 0;
  private offsetMs = 0;

  constructor(private readonly seed: SeedUser[]) {
    this.reset();
  }

  /** The double's clock: real time plus whatever `advanceTime` added. */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advanceTime(ms: number): void {
    this.offsetMs += ms;
  }

  /** A fresh number, for ids: deterministic within one run of the double. */
  next(): number {
    return ++this.counter;
  }

  reset(): void {
    for (const m of [this.users, this.offers, this.listings, this.orders, this.authCodes, this.grants, this.refreshTokens, this.accessTokens]) m.clear();
    this.conditionPolicies.clear();
    for (const [category, policy] of seedConditionPolicies()) this.conditionPolicies.set(category, policy);
    this.counter = 0;
    this.offsetMs = 0;
    for (const u of this.seed) this.addUser(u);
  }

  addUser(seed: SeedUser): UserRecord {
    const n = this.users.size + 1;
    const marketplace = seed.registrationMarketplaceId ?? 'EBAY_US';
    const user: UserRecord = {
      userId: seed.userId ?? `dbl${String(n).padStart(3, '0')}Uk${seed.username.length}Tq`,
      username: seed.username,
      accountType: seed.accountType ?? 'INDIVIDUAL',
      registrationMarketplaceId: marketplace,
      email: seed.email ?? `${seed.username}@example.com`,
      firstName: seed.firstName ?? 'Test',
      lastName: seed.lastName ?? 'Seller',
      outOfStockControl: seed.outOfStockControl ?? true,
      fulfillmentPolicies: (seed.fulfillmentPolicies ?? []).map((p) => this.policy('fulfillmentPolicyId', p, fulfillmentDefaults)),
      paymentPolicies: (seed.paymentPolicies ?? []).map((p) => this.policy('paymentPolicyId', p, paymentDefaults)),
      returnPolicies: (seed.returnPolicies ?? []).map((p) => this.policy('returnPolicyId', p, returnDefaults)),
      locations: new Map(),
      inventory: new Map(),
    };
    for (const l of seed.locations ?? []) {
      const { merchantLocationKey, ...body } = l;
      user.locations.set(merchantLocationKey, locationRecord(merchantLocationKey, body, String(this.next())));
    }
    this.users.set(user.userId, user);
    return user;
  }

  user(userId: string): UserRecord {
    const user = this.users.get(userId);
    if (!user) throw new Error(`eBay double: no user ${userId}`);
    return user;
  }

  userByName(username: string): UserRecord | undefined {
    return [...this.users.values()].find((u) => u.username === username || u.userId === username);
  }

  /** The conditions a category takes (every category is known: the clothing ones by default). */
  conditionPolicy(categoryId: string): ConditionPolicy {
    return this.conditionPolicies.get(categoryId) ?? CLOTHING_CONDITIONS;
  }

  offersOf(userId: string, sku?: string): OfferRecord[] {
    return [...this.offers.values()].filter((o) => o.userId === userId && (sku === undefined || o.sku === sku));
  }

  /** The listing's available quantity: the offer's own, else the inventory item's ship-to-home quantity. */
  availableQuantity(offer: OfferRecord): number {
    const own = offer.details.availableQuantity;
    if (typeof own === 'number') return own;
    const item = this.user(offer.userId).inventory.get(offer.sku);
    const q = (item?.availability as { shipToLocationAvailability?: { quantity?: number } } | undefined)?.shipToLocationAvailability?.quantity;
    return typeof q === 'number' ? q : 0;
  }

  /** Out-of-stock control: after any quantity change, a live listing follows its quantity. */
  refreshListing(offer: OfferRecord): void {
    const listing = offer.listingId ? this.listings.get(offer.listingId) : undefined;
    if (!listing || listing.status === 'ENDED') return;
    const left = this.availableQuantity(offer);
    if (left > 0) listing.status = 'ACTIVE';
    else if (this.user(offer.userId).outOfStockControl) listing.status = 'OUT_OF_STOCK';
    else {
      listing.status = 'ENDED';
      listing.endedAt = this.now();
    }
  }

  endListing(offer: OfferRecord): void {
    const listing = offer.listingId ? this.listings.get(offer.listingId) : undefined;
    if (listing && listing.status !== 'ENDED') {
      listing.status = 'ENDED';
      listing.endedAt = this.now();
    }
  }

  private policy(idField: string, seed: SeedPolicy, defaults: (marketplaceId: string) => Json): Json {
    const { id, ...rest } = seed;
    return { ...defaults(seed.marketplaceId), ...rest, [idField]: id ?? String(6_000_000_000 + this.next()) };
  }
}

export function locationRecord(merchantLocationKey: string, body: Json, locationId: string): Json {
  const location = (body.location ?? {}) as Json;
  return {
    ...body,
    location: { ...location, locationId },
    locationTypes: body.locationTypes ?? ['WAREHOUSE'],
    merchantLocationStatus: body.merchantLocationStatus ?? 'ENABLED',
    merchantLocationKey,
  };
}

const categoryTypes = [{ name: 'ALL_EXCLUDING_MOTORS_VEHICLES', default: true }];

function fulfillmentDefaults(marketplaceId: string): Json {
  const currency = currencyOf(marketplaceId);
  return {
    categoryTypes,
    marketplaceId,
    handlingTime: { value: 2, unit: 'DAY' },
    shipToLocations: { regionIncluded: [{ regionName: marketplaceId.replace('EBAY_', ''), regionType: 'COUNTRY' }] },
    shippingOptions: [{ costType: 'FLAT_RATE', optionType: 'DOMESTIC', shippingServices: [{ sortOrder: 1, shippingServiceCode: 'Other', shippingCost: { value: '5.0', currency }, freeShipping: false, buyerResponsibleForShipping: false, buyerResponsibleForPickup: false }] }],
    globalShipping: false,
    pickupDropOff: false,
    freightShipping: false,
    localPickup: false,
  };
}

function paymentDefaults(marketplaceId: string): Json {
  return { categoryTypes, marketplaceId, immediatePay: true, paymentMethods: [] };
}

function returnDefaults(marketplaceId: string): Json {
  return { categoryTypes, marketplaceId, returnsAccepted: true, returnPeriod: { value: 30, unit: 'DAY' }, refundMethod: 'MONEY_BACK', returnShippingCostPayer: 'BUYER' };
}

const CURRENCIES: Record<string, string> = { EBAY_US: 'USD', EBAY_MOTORS: 'USD', EBAY_CA: 'CAD', EBAY_GB: 'GBP', EBAY_AU: 'AUD', EBAY_CH: 'CHF', EBAY_PL: 'PLN', EBAY_HK: 'HKD', EBAY_SG: 'SGD', EBAY_MY: 'MYR', EBAY_PH: 'PHP', EBAY_IN: 'INR' };

/** The currency of a marketplace (eBay's sites each list in one currency); euro elsewhere. */
export function currencyOf(marketplaceId: string): string {
  return CURRENCIES[marketplaceId] ?? 'EUR';
}

/** eBay's amounts, as its order responses spell them: "25.0", "12.5", "3.33". */
export function money(value: number, currency: string): Amount {
  const rounded = Math.round(value * 100) / 100;
  const text = Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
  return { value: text, currency };
}
