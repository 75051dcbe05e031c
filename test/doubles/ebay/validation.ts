/**
 * Request validation mirroring the OpenAPI schemas, for the fields Stoflow sends.
 *
 * eBay's OpenAPI documents mark almost nothing `required` in schemas and give no enums: both
 * live in the descriptions ("This field is required", "Max Length: 80", "See ConditionEnum").
 * The zod schemas below encode those descriptions for: InventoryItem, EbayOfferDetailsWithKeys
 * (createOffer), EbayOfferDetailsWithId (updateOffer), InventoryLocationFull, BulkPriceQuantity
 * (Inventory v1.17.4).
 *
 * How a refusal is spelled follows what eBay does:
 * - a JSON type mismatch or an unknown enumeration value is a deserialisation failure:
 *   400 errorId 2004 with `reason: "Could not serialize field [path]"` (only the first one);
 * - a missing required field, an over-long string, a negative quantity, a non-https picture:
 *   the operation's own ids (25709, 25016, 25004, 25015; 25801/25800 for locations), all at once.
 * Assumption: which of 25016 and 25709 eBay picks for an over-long field is not documented; the
 * double uses the one each operation lists (25016 for inventory items, 25709 for offers).
 */
import { z } from 'zod';
import { apiErrorData, common, EbayApiError, type EbayErrorData } from './errors';

/** ConditionEnum (Inventory API). MANUFACTURER_REFURBISHED is still accepted and stored as CERTIFIED_REFURBISHED. */
export const CONDITIONS = ['NEW', 'LIKE_NEW', 'NEW_OTHER', 'NEW_WITH_DEFECTS', 'MANUFACTURER_REFURBISHED', 'CERTIFIED_REFURBISHED', 'EXCELLENT_REFURBISHED', 'VERY_GOOD_REFURBISHED', 'GOOD_REFURBISHED', 'SELLER_REFURBISHED', 'USED_EXCELLENT', 'USED_VERY_GOOD', 'USED_GOOD', 'USED_ACCEPTABLE', 'FOR_PARTS_OR_NOT_WORKING', 'PRE_OWNED_EXCELLENT', 'PRE_OWNED_FAIR'] as const;

/** MarketplaceEnum (Inventory API). */
export const MARKETPLACES = ['EBAY_US', 'EBAY_MOTORS', 'EBAY_CA', 'EBAY_GB', 'EBAY_AU', 'EBAY_AT', 'EBAY_BE', 'EBAY_FR', 'EBAY_DE', 'EBAY_IT', 'EBAY_NL', 'EBAY_ES', 'EBAY_CH', 'EBAY_TW', 'EBAY_CZ', 'EBAY_DK', 'EBAY_FI', 'EBAY_GR', 'EBAY_HK', 'EBAY_HU', 'EBAY_IN', 'EBAY_ID', 'EBAY_IE', 'EBAY_IL', 'EBAY_MY', 'EBAY_NZ', 'EBAY_NO', 'EBAY_PH', 'EBAY_PL', 'EBAY_PT', 'EBAY_PR', 'EBAY_RU', 'EBAY_SG', 'EBAY_ZA', 'EBAY_SE', 'EBAY_TH', 'EBAY_VN', 'EBAY_CN', 'EBAY_PE'] as const;

/**
 * The Content-Language values eBay's "HTTP request headers" page lists for its sites.
 * Assumption: other values are refused with 25709 like any invalid header.
 */
export const CONTENT_LANGUAGES = ['en-US', 'en-CA', 'fr-CA', 'en-GB', 'en-AU', 'en-IN', 'en-IE', 'en-SG', 'en-MY', 'en-PH', 'de-AT', 'de-CH', 'de-DE', 'fr-BE', 'nl-BE', 'fr-FR', 'it-IT', 'nl-NL', 'es-ES', 'pl-PL', 'zh-HK'];

const FORMATS = ['AUCTION', 'FIXED_PRICE'] as const;
const DURATIONS = ['DAYS_1', 'DAYS_3', 'DAYS_5', 'DAYS_7', 'DAYS_10', 'DAYS_21', 'DAYS_30', 'GTC'] as const;
/** CurrencyCodeEnum: ISO 4217 codes, as the runtime knows them. */
const CURRENCY_CODES = Intl.supportedValuesOf('currency') as [string, ...string[]];

/** A zod message that names the eBay error to answer for this rule. */
const tag = (errorId: number) => `ebay:${errorId}`;

const int32 = z.int().min(-2147483648).max(2147483647);
const str = (max: number, errorId: number) => z.string().max(max, tag(errorId));
const decimal = z.string().regex(/^\d+(\.\d+)?$/, tag(25709));
const amount = z.object({ currency: z.enum(CURRENCY_CODES), value: decimal });
export type Amount = { value: string; currency: string };
const httpsUrl = z.string().refine((u) => { try { return new URL(u).protocol === 'https:'; } catch { return false; } }, tag(25015));

export const inventoryItemSchema = z.object({
  availability: z.object({
    shipToLocationAvailability: z.object({
      quantity: int32.min(0, tag(25004)).optional(),
      availabilityDistributions: z.array(z.object({ merchantLocationKey: z.string(), quantity: int32.min(0, tag(25004)).optional(), fulfillmentTime: z.object({ unit: z.string(), value: int32 }).partial().optional() })).optional(),
    }).optional(),
    pickupAtLocationAvailability: z.array(z.object({ merchantLocationKey: z.string(), quantity: int32.min(0, tag(25004)), availabilityType: z.enum(['IN_STOCK', 'OUT_OF_STOCK', 'SHIP_TO_STORE']).optional(), fulfillmentTime: z.object({ unit: z.string(), value: int32 }).partial().optional() })).optional(),
  }).optional(),
  condition: z.enum(CONDITIONS).optional(),
  conditionDescription: str(1000, 25016).optional(),
  conditionDescriptors: z.array(z.object({ name: z.string(), values: z.array(z.string()).optional(), additionalInfo: str(30, 25016).optional() })).optional(),
  packageWeightAndSize: z.object({
    dimensions: z.object({ height: z.number(), length: z.number(), width: z.number(), unit: z.enum(['INCH', 'FEET', 'CENTIMETER', 'METER']) }).partial().optional(),
    packageType: z.string().optional(),
    shippingIrregular: z.boolean().optional(),
    weight: z.object({ value: z.number(), unit: z.enum(['POUND', 'KILOGRAM', 'OUNCE', 'GRAM']) }).partial().optional(),
  }).optional(),
  product: z.object({
    title: str(80, 25016).optional(),
    subtitle: str(55, 25016).optional(),
    description: str(4000, 25016).optional(),
    brand: str(65, 25016).optional(),
    mpn: str(65, 25016).optional(),
    epid: z.string().optional(),
    ean: z.array(z.string()).optional(),
    isbn: z.array(z.string()).optional(),
    upc: z.array(z.string()).optional(),
    // The OAS types `aspects` as a string, but its description and every eBay sample send an
    // object of string arrays ({"Brand": ["GoPro"]}): the double takes the object.
    aspects: z.record(z.string().max(40, tag(25016)), z.array(str(50, 25016))).optional(),
    imageUrls: z.array(httpsUrl).max(24, tag(25014)).optional(),
    videoIds: z.array(z.string()).max(1, tag(25016)).optional(),
  }).optional(),
});
export type InventoryItemBody = z.infer<typeof inventoryItemSchema>;

const listingPolicies = z.object({
  fulfillmentPolicyId: z.string().optional(),
  paymentPolicyId: z.string().optional(),
  returnPolicyId: z.string().optional(),
  takeBackPolicyId: z.string().optional(),
  productCompliancePolicyIds: z.array(z.string()).max(6, tag(25034)).optional(),
  eBayPlusIfEligible: z.boolean().optional(),
  bestOfferTerms: z.object({ bestOfferEnabled: z.boolean().optional(), autoAcceptPrice: amount.optional(), autoDeclinePrice: amount.optional() }).optional(),
  shippingCostOverrides: z.array(z.object({ priority: int32, shippingServiceType: z.enum(['DOMESTIC', 'INTERNATIONAL']), shippingCost: amount.optional(), additionalShippingCost: amount.optional(), surcharge: amount.optional() })).optional(),
  regionalProductCompliancePolicies: z.looseObject({}).optional(),
  regionalTakeBackPolicies: z.looseObject({}).optional(),
});

/** The fields createOffer and updateOffer share (EbayOfferDetailsWithKeys minus the keys). */
const offerFields = {
  availableQuantity: int32.min(0, tag(25004)).optional(),
  categoryId: z.string().optional(),
  secondaryCategoryId: z.string().optional(),
  charity: z.object({ charityId: z.string(), donationPercentage: z.string() }).partial().optional(),
  extendedProducerResponsibility: z.looseObject({}).optional(),
  hideBuyerDetails: z.boolean().optional(),
  includeCatalogProductDetails: z.boolean().optional(),
  listingDescription: str(500000, 25709).optional(),
  listingDuration: z.enum(DURATIONS).optional(),
  listingPolicies: listingPolicies.optional(),
  listingStartDate: z.iso.datetime({ message: tag(25752) }).optional(),
  lotSize: int32.optional(),
  merchantLocationKey: str(36, 25709).optional(),
  pricingSummary: z.object({
    price: amount.optional(),
    auctionStartPrice: amount.optional(),
    auctionReservePrice: amount.optional(),
    minimumAdvertisedPrice: amount.optional(),
    originalRetailPrice: amount.optional(),
    originallySoldForRetailPriceOn: z.enum(['ON_EBAY', 'OFF_EBAY']).optional(),
    pricingVisibility: z.enum(['NONE', 'PRE_CHECKOUT', 'DURING_CHECKOUT']).optional(),
  }).optional(),
  quantityLimitPerBuyer: int32.min(1, tag(25709)).optional(),
  regulatory: z.looseObject({}).optional(),
  storeCategoryNames: z.array(z.string()).max(2, tag(25709)).optional(),
  tax: z.object({ applyTax: z.boolean(), thirdPartyTaxCategory: z.string(), vatPercentage: z.number() }).partial().optional(),
};

/** createOffer: sku, marketplaceId and format are the three required fields. */
export const createOfferSchema = z.object({ ...offerFields, sku: z.string().max(50, tag(25709)), marketplaceId: z.enum(MARKETPLACES), format: z.enum(FORMATS) });
/** updateOffer: a full replacement; the keys of the offer cannot change and are not part of this type. */
export const updateOfferSchema = z.object(offerFields);

const max = (n: number) => z.string().max(n, tag(25800));
const interval = z.object({ open: z.string(), close: z.string() }).partial();
export const locationSchema = z.object({
  location: z.object({
    address: z.object({ addressLine1: max(128), addressLine2: max(128), city: max(128), country: z.string().regex(/^[A-Z]{2}$/, tag(25800)), county: z.string(), postalCode: max(16), stateOrProvince: max(128) }).partial(),
    geoCoordinates: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
  }),
  locationAdditionalInformation: max(256).optional(),
  locationInstructions: max(1000).optional(),
  locationTypes: z.array(z.enum(['STORE', 'WAREHOUSE'])).optional(),
  locationWebUrl: max(512).optional(),
  merchantLocationStatus: z.enum(['DISABLED', 'ENABLED']).optional(),
  name: max(1000).optional(),
  operatingHours: z.array(z.object({ dayOfWeekEnum: z.enum(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY']), intervals: z.array(interval).optional() })).optional(),
  phone: max(36).optional(),
  specialHours: z.array(z.object({ date: z.string(), intervals: z.array(interval).optional() })).optional(),
});

export const bulkPriceQuantitySchema = z.object({
  requests: z.array(z.object({
    sku: z.string().max(50, tag(25709)).optional(),
    shipToLocationAvailability: z.object({ quantity: int32.min(0, tag(25004)).optional() }).optional(),
    offers: z.array(z.object({ offerId: z.string(), availableQuantity: int32.min(0, tag(25004)).optional(), price: amount.optional() })).optional(),
  })).min(1, tag(25709)).max(25, tag(25709)),
});

/** How one operation spells missing and invalid fields. */
export interface ErrorStyle {
  missing: number;
  invalid: number;
}

export const INVENTORY_ITEM: ErrorStyle = { missing: 25709, invalid: 25016 };
export const OFFER: ErrorStyle = { missing: 25709, invalid: 25709 };
export const LOCATION: ErrorStyle = { missing: 25801, invalid: 25800 };

/** The text of each validation error id, with `{fieldName}` filled in. */
export function fieldError(errorId: number, field: string): EbayErrorData {
  const texts: Record<number, string> = {
    25004: 'The eBay listing associated with the inventory item, or the unpublished offer has an invalid quantity.',
    25014: 'The eBay listing associated with the inventory item, or the unpublished offer has invalid pictures.',
    25015: 'The eBay listing associated with the inventory item, or the unpublished offer has an invalid picture URL.',
    25016: `The ${field} value is invalid.`,
    25017: `${field} is missing.`,
    25034: 'Only 6 policies can be specified',
    25709: `Invalid value for ${field}.`,
    25752: 'listingStartDate provided is invalid.',
    25800: `Invalid ${field}.`,
    25801: `Missing field ${field}.`,
  };
  return apiErrorData('API_INVENTORY', errorId, texts[errorId] ?? `Invalid value for ${field}.`, [{ name: 'fieldName', value: field }]);
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** Parses `body` with `schema`, or throws the EbayApiError eBay would answer. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, style: ErrorStyle): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) throw common.invalidRequest('Could not serialize request body');
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const errors: EbayErrorData[] = [];
  for (const issue of result.error.issues) {
    const field = pathOf(issue.path);
    // A record key's own rule is reported inside an `invalid_key` issue.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? '') : issue.message;
    const tagged = /^ebay:(\d+)$/.exec(message);
    if (tagged) errors.push(fieldError(Number(tagged[1]), field));
    else if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) errors.push(fieldError(style.missing, field));
    else if (issue.code === 'too_big' || issue.code === 'too_small') errors.push(fieldError(style.invalid, field));
    else throw common.invalidRequest(`Could not serialize field [${field}]`);
  }
  throw new EbayApiError(400, errors);
}

/** The Content-Language header createOrReplaceInventoryItem, createOffer and updateOffer require. */
export function requireContentLanguage(value: string | undefined): string {
  if (!value || !CONTENT_LANGUAGES.includes(value)) {
    throw new EbayApiError(400, [apiErrorData('API_INVENTORY', 25709, 'Invalid value for header Content-Language.', [{ name: 'fieldName', value: 'header Content-Language' }])]);
  }
  return value;
}

/** SKU rules: "Only alphanumeric characters can be used for SKUs, and their length must not exceed 50 characters." */
export function checkSku(sku: string): void {
  // Assumption: eBay accepts the usual separators (- _ .) despite the message; spaces and
  // other punctuation are refused.
  if (sku.length === 0 || sku.length > 50 || !/^[A-Za-z0-9._-]+$/.test(sku)) {
    throw new EbayApiError(400, [apiErrorData('API_INVENTORY', 25707, 'This is an invalid value for a SKU. Only alphanumeric characters can be used for SKUs, and their length must not exceed 50 characters.', [{ name: 'sku', value: sku }])]);
  }
}
