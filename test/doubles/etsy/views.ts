/*
 * Records as the OAS schemas answer them: ShopListing / ShopListingWithAssociations, ListingImage,
 * ListingInventory (ListingInventoryProduct, ListingInventoryProductOffering,
 * ListingPropertyValue), Money, ShopReceipt and ShopReceiptTransaction.
 *
 * Money is `{ amount, divisor, currency_code }`; amounts here always use divisor 100.
 * ShopListing.price is the lowest enabled offering's price and quantity the sum of enabled
 * offerings' quantities ("the listing quantity is the sum of available offering quantities").
 * `readiness_state_id` is answered only for active physical listings, as the field's OAS (2026)
 * description says ("For every other case this field can be null"). `skus` only to the owner.
 */
import type { EtsyState, ImageRecord, InventoryRecord, ListingRecord, ReceiptRecord } from './state';

export function money(amount: number, currency: string) {
  return { amount, divisor: 100, currency_code: currency };
}

export function currencyOf(state: EtsyState, shopId: number): string {
  return state.shops.get(shopId)?.currency_code ?? 'USD';
}

export function enabledOfferings(inventory: InventoryRecord | undefined) {
  return (inventory?.products ?? []).flatMap((p) => p.offerings).filter((o) => o.is_enabled);
}

export function listingQuantity(inventory: InventoryRecord | undefined): number {
  return enabledOfferings(inventory).reduce((sum, o) => sum + o.quantity, 0);
}

export function imageView(image: ImageRecord, baseUrl: string) {
  const url = (size: string) => `${baseUrl}/images/${image.listing_image_id}/il_${size}.${image.mimetype.split('/')[1]}`;
  return {
    listing_id: image.listing_id,
    listing_image_id: image.listing_image_id,
    hex_code: null,
    red: null,
    green: null,
    blue: null,
    hue: null,
    saturation: null,
    brightness: null,
    is_black_and_white: null,
    creation_tsz: image.created_timestamp,
    created_timestamp: image.created_timestamp,
    rank: image.rank,
    url_75x75: url('75x75'),
    url_170x135: url('170x135'),
    url_570xN: url('570xN'),
    url_fullxfull: url('fullxfull'),
    full_height: image.height,
    full_width: image.width,
    alt_text: image.alt_text,
  };
}

export function inventoryView(state: EtsyState, listing: ListingRecord, owner: boolean) {
  const inventory = state.inventory.get(listing.listing_id)!;
  const currency = currencyOf(state, listing.shop_id);
  return {
    products: inventory.products.map((p) => ({
      product_id: p.product_id,
      sku: owner ? p.sku : '',
      is_deleted: false,
      offerings: p.offerings.map((o) => ({
        offering_id: o.offering_id,
        quantity: o.quantity,
        is_enabled: o.is_enabled,
        is_deleted: false,
        price: money(o.price, currency),
        readiness_state_id: o.readiness_state_id,
      })),
      property_values: p.property_values.map((v) => ({ ...v, scale_name: null })),
    })),
    price_on_property: inventory.price_on_property,
    quantity_on_property: inventory.quantity_on_property,
    sku_on_property: inventory.sku_on_property,
    readiness_state_on_property: inventory.readiness_state_on_property,
  };
}

export interface ListingViewOptions {
  owner: boolean;
  baseUrl: string;
  includes?: string[];
}

export function listingView(state: EtsyState, listing: ListingRecord, options: ListingViewOptions) {
  const inventory = state.inventory.get(listing.listing_id);
  const offerings = enabledOfferings(inventory);
  const currency = currencyOf(state, listing.shop_id);
  const lowest = offerings.length ? Math.min(...offerings.map((o) => o.price)) : (inventory?.products[0]?.offerings[0]?.price ?? 0);
  const shop = state.shops.get(listing.shop_id);
  const view: Record<string, unknown> = {
    listing_id: listing.listing_id,
    user_id: listing.user_id,
    shop_id: listing.shop_id,
    title: listing.title,
    description: listing.description,
    state: listing.state,
    creation_timestamp: listing.creation_timestamp,
    created_timestamp: listing.creation_timestamp,
    ending_timestamp: listing.ending_timestamp,
    original_creation_timestamp: listing.original_creation_timestamp,
    last_modified_timestamp: listing.last_modified_timestamp,
    updated_timestamp: listing.last_modified_timestamp,
    state_timestamp: listing.state_timestamp,
    quantity: listingQuantity(inventory),
    shop_section_id: listing.shop_section_id,
    featured_rank: listing.featured_rank,
    url: `https://www.etsy.com/listing/${listing.listing_id}`,
    num_favorers: 0,
    non_taxable: !listing.is_taxable,
    is_taxable: listing.is_taxable,
    is_customizable: listing.is_customizable,
    is_personalizable: listing.is_personalizable,
    personalization_is_required: false,
    personalization_char_count_max: null,
    personalization_instructions: null,
    listing_type: listing.listing_type,
    tags: listing.tags,
    materials: listing.materials,
    shipping_profile_id: listing.shipping_profile_id,
    return_policy_id: listing.return_policy_id,
    processing_min: listing.processing_min,
    processing_max: listing.processing_max,
    who_made: listing.who_made,
    when_made: listing.when_made,
    is_supply: listing.is_supply,
    item_weight: listing.item_weight,
    item_weight_unit: listing.item_weight_unit,
    item_length: listing.item_length,
    item_width: listing.item_width,
    item_height: listing.item_height,
    item_dimensions_unit: listing.item_dimensions_unit,
    is_private: false,
    style: listing.styles,
    file_data: '',
    has_variations: (inventory?.products[0]?.property_values.length ?? 0) > 0,
    should_auto_renew: listing.should_auto_renew,
    language: 'en-US',
    price: money(lowest, currency),
    taxonomy_id: listing.taxonomy_id,
    readiness_state_id: listing.state === 'active' && listing.listing_type === 'physical' ? listing.readiness_state_id : null,
  };
  if (options.owner) view.skus = [...new Set((inventory?.products ?? []).map((p) => p.sku).filter(Boolean))];
  const includes = options.includes ?? [];
  if (includes.includes('Images')) view.images = state.imagesOf(listing.listing_id).map((i) => imageView(i, options.baseUrl));
  if (includes.includes('Inventory') && inventory) view.inventory = inventoryView(state, listing, options.owner);
  if (includes.includes('Shop') && shop) view.shop = { shop_id: shop.shop_id, shop_name: shop.shop_name, user_id: shop.user_id, currency_code: shop.currency_code, url: shop.url };
  if (includes.includes('Shipping')) view.shipping_profile = listing.shipping_profile_id ? (state.shippingProfiles.get(listing.shipping_profile_id) ?? null) : null;
  if (includes.includes('Videos')) view.videos = [];
  if (includes.includes('Translations')) view.translations = [];
  return view;
}

export function receiptView(state: EtsyState, receipt: ReceiptRecord) {
  const shop = state.shops.get(receipt.shop_id);
  const seller = shop ? state.users.get(shop.user_id) : undefined;
  const c = receipt.currency_code;
  const subtotal = receipt.transactions.reduce((s, t) => s + t.price * t.quantity, 0);
  const shipping = receipt.transactions.reduce((s, t) => s + t.shipping_cost, 0);
  return {
    receipt_id: receipt.receipt_id,
    receipt_type: 0,
    seller_user_id: receipt.seller_user_id,
    seller_email: seller?.primary_email ?? null,
    buyer_user_id: receipt.buyer_user_id,
    buyer_email: receipt.buyer_email,
    name: receipt.name,
    first_line: '1 Test Street',
    second_line: null,
    city: 'Paris',
    state: null,
    zip: '75001',
    status: receipt.status,
    formatted_address: `${receipt.name}\n1 Test Street\n75001 Paris\nFrance`,
    country_iso: 'FR',
    payment_method: 'cc',
    payment_email: '',
    message_from_seller: null,
    message_from_buyer: null,
    message_from_payment: null,
    is_paid: receipt.is_paid,
    is_shipped: receipt.is_shipped,
    create_timestamp: receipt.create_timestamp,
    created_timestamp: receipt.create_timestamp,
    update_timestamp: receipt.update_timestamp,
    updated_timestamp: receipt.update_timestamp,
    is_gift: false,
    gift_message: '',
    grandtotal: money(subtotal + shipping, c),
    subtotal: money(subtotal, c),
    total_price: money(subtotal, c),
    total_shipping_cost: money(shipping, c),
    total_tax_cost: money(0, c),
    total_vat_cost: money(0, c),
    discount_amt: money(0, c),
    gift_wrap_price: money(0, c),
    shipments: [],
    transactions: receipt.transactions.map((t) => ({
      transaction_id: t.transaction_id,
      title: t.title,
      description: null,
      seller_user_id: receipt.seller_user_id,
      buyer_user_id: receipt.buyer_user_id,
      create_timestamp: t.create_timestamp,
      created_timestamp: t.create_timestamp,
      paid_timestamp: t.paid_timestamp,
      shipped_timestamp: null,
      quantity: t.quantity,
      listing_image_id: state.imagesOf(t.listing_id)[0]?.listing_image_id ?? null,
      receipt_id: receipt.receipt_id,
      is_digital: false,
      file_data: '',
      listing_id: t.listing_id,
      transaction_type: 'listing',
      product_id: t.product_id,
      sku: t.sku || null,
      price: money(t.price, c),
      shipping_cost: money(t.shipping_cost, c),
      variations: [],
      product_data: [],
      shipping_profile_id: null,
      min_processing_days: null,
      max_processing_days: null,
      shipping_method: null,
      shipping_upgrade: null,
      expected_ship_date: null,
      buyer_coupon: 0,
      shop_coupon: 0,
    })),
    refunds: [],
  };
}
