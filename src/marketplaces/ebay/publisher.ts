/*
 * Publishing on eBay through the Inventory API (v1): createOrReplaceInventoryItem
 * (PUT /inventory_item/{sku}: idempotent, a full replace), then the offer for that SKU on the
 * site (createOffer, or the existing one: eBay allows one per SKU, site and format, and answers
 * error 25002 with its offerId), remembered before publishOffer, so a retry never makes a second
 * one. Delisting is withdrawOffer: the listing ends and the offer stays, unpublished, for a
 * republication.
 *
 * An update is a full replace of the item and the offer, or, when only the price or the quantity
 * changed, one bulkUpdatePriceQuantity call. Which one is told by `content_digest`, kept with the
 * listing's ids: a digest of everything else the last full replace (or the publication) sent. A
 * listing without one (published before it was kept) gets a full replace, then has one.
 *
 * Before anything is made, the item's condition is checked against those its category takes
 * (the Metadata API's getItemConditionPolicies): eBay would only refuse it at publishOffer
 * (25021), after the item and the offer exist, without saying which conditions the category
 * takes.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ExternalIds } from '../../domain/listing/listing';
import type { ListingThere } from '../../domain/reconciliation/drift';
import type { MarketplacePublisher, PublicationDraft } from '../../shared/marketplace-publisher';
import { MarketplaceCallError, retryableStatus } from '../http';
import type { CallPriority } from '../../infra/call-pacer';
import { ebayApi, type EbayApi } from './api';
import { ebayProblems } from './errors';
import { contentLanguage, type EbaySettings } from './settings';

/**
 * Condition ids (the seeded mappings; the Metadata API's `conditionId`) as the Inventory API's
 * ConditionEnum, with eBay's usual English name for each: eBay's table "Item condition ID and
 * name values" (developer.ebay.com/api-docs/sell/static/metadata/condition-id-values.html), to
 * which the Inventory and Metadata API documents both point. The refurbished ones (2000-2500)
 * are left out: eBay takes them only from sellers it has approved.
 */
const CONDITIONS: Record<string, { value: string; name: string }> = {
  '1000': { value: 'NEW', name: 'New' },
  '1500': { value: 'NEW_OTHER', name: 'New other' },
  '1750': { value: 'NEW_WITH_DEFECTS', name: 'New with defects' },
  '2750': { value: 'LIKE_NEW', name: 'Like new' },
  '2990': { value: 'PRE_OWNED_EXCELLENT', name: 'Pre-owned – excellent' },
  '3000': { value: 'USED_EXCELLENT', name: 'Used' },
  '3010': { value: 'PRE_OWNED_FAIR', name: 'Pre-owned – fair' },
  '4000': { value: 'USED_VERY_GOOD', name: 'Used – very good' },
  '5000': { value: 'USED_GOOD', name: 'Used – good' },
  '6000': { value: 'USED_ACCEPTABLE', name: 'Used – acceptable' },
  '7000': { value: 'FOR_PARTS_OR_NOT_WORKING', name: 'For parts or not working' },
};

/**
 * How long a category's conditions are trusted. They are eBay's rules for the site and the
 * category, the same for every seller (the part of the answer that depends on the seller, the
 * refurbished conditions, is never one Stoflow sends), and eBay changes them seldom and with
 * notice. A stale answer can at worst refuse, for a few hours, a condition eBay has just begun
 * to take (the seller retries it later), or let through one eBay has stopped taking, which
 * publishOffer then refuses.
 */
const CONDITION_POLICY_TTL_MS = 6 * 3600_000;

/** The buyer-facing host of each site, for the listing's address. */
const SITE_HOSTS: Record<string, string> = { EBAY_FR: 'www.ebay.fr', EBAY_DE: 'www.ebay.de', EBAY_IT: 'www.ebay.it', EBAY_ES: 'www.ebay.es', EBAY_NL: 'www.ebay.nl', EBAY_BE: 'www.benl.ebay.be', EBAY_AT: 'www.ebay.at', EBAY_IE: 'www.ebay.ie', EBAY_GB: 'www.ebay.co.uk', EBAY_US: 'www.ebay.com' };

const money = (cents: number) => (cents / 100).toFixed(2);

/** `api`: the account's paced calls (./api.ts); made here, for this process alone, when absent. */
export function ebayPublisher(settings: Pick<EbaySettings, 'apiBaseUrl' | 'timeoutMs'> & { api?: EbayApi; now?: () => number }): MarketplacePublisher {
  const inventory = `${settings.apiBaseUrl}/sell/inventory/v1`;
  const api = settings.api ?? ebayApi();
  const now = settings.now ?? Date.now;
  /** `${site} ${category}` → the conditions it takes (null: eBay says none in particular), until when. */
  const conditionPolicies = new Map<string, { taken: TakenCondition[] | null; until: number }>();
  const call = (accessToken: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, language?: string, priority: CallPriority = 'normal') =>
    api(
      accessToken,
      {
      method,
      url: `${inventory}${path}`,
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(language ? { 'content-language': language } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: settings.timeoutMs,
      problems: ebayProblems,
      },
      priority,
    );

  function offerBody(draft: PublicationDraft) {
    return {
      availableQuantity: draft.quantity,
      categoryId: draft.category_id,
      listingDescription: draft.description,
      listingDuration: 'GTC',
      listingPolicies: { fulfillmentPolicyId: draft.settings.fulfillment_policy_id, paymentPolicyId: draft.settings.payment_policy_id, returnPolicyId: draft.settings.return_policy_id },
      merchantLocationKey: draft.settings.merchant_location_key,
      pricingSummary: { price: { value: money(draft.price_cents), currency: draft.currency } },
    };
  }

  /** createOrReplaceInventoryItem's body: the whole item, every time (eBay replaces it). */
  function itemBody(draft: PublicationDraft) {
    const condition = CONDITIONS[draft.condition]?.value;
    if (!condition) throw new MarketplaceCallError('ebay', 0, false, [{ id: 'condition', message: `no eBay condition for id ${draft.condition}` }]);
    return {
      availability: { shipToLocationAvailability: { quantity: draft.quantity } },
      condition,
      product: { title: draft.title, description: draft.description, imageUrls: draft.image_urls.slice(0, 24), aspects: draft.aspects },
    };
  }

  async function putItem(accessToken: string, draft: PublicationDraft, language: string): Promise<void> {
    await call(accessToken, 'PUT', `/inventory_item/${encodeURIComponent(draft.sku)}`, itemBody(draft), language);
  }

  /**
   * What a full update sends besides the price and the quantity. The photos count by their ids:
   * their links are made afresh for each call, and a photo that stays is the same photo to eBay,
   * which keeps its own copy.
   */
  function contentDigest(draft: PublicationDraft): string {
    const { availability: _quantity, product, ...item } = itemBody(draft);
    const { availableQuantity: _available, pricingSummary: _price, ...offer } = offerBody(draft);
    const content = { site: draft.site, sku: draft.sku, item: { ...item, product: { ...product, imageUrls: draft.images.slice(0, 24).map((i) => i.id) } }, offer };
    return createHash('sha256').update(stableJson(content)).digest('hex').slice(0, 32);
  }

  /**
   * bulkUpdatePriceQuantity for the one offer and its item. eBay answers 200 (or 207) with an
   * entry per offer and per item, each with its own statusCode: any entry for ours that is not
   * 200 is a failure, with eBay's error ids, retryable as an answer of that status would be.
   */
  async function updatePriceQuantity(accessToken: string, draft: PublicationDraft, offerId: string): Promise<void> {
    const { status, body } = await call(accessToken, 'POST', '/bulk_update_price_quantity', {
      requests: [{ sku: draft.sku, shipToLocationAvailability: { quantity: draft.quantity }, offers: [{ offerId, availableQuantity: draft.quantity, price: { value: money(draft.price_cents), currency: draft.currency } }] }],
    });
    const parsed = bulkAnswer.safeParse(body);
    if (!parsed.success) throw new MarketplaceCallError('ebay', status, true, [{ id: 'invalid_answer', message: 'bulkUpdatePriceQuantity answered without responses' }]);
    const ours = parsed.data.responses.filter((r) => r.offerId === offerId || (r.offerId === undefined && r.sku === draft.sku));
    const failed = ours.find((r) => r.statusCode !== 200);
    if (failed) {
      const problems = ebayProblems(failed);
      throw new MarketplaceCallError('ebay', failed.statusCode, retryableStatus(failed.statusCode), problems.length > 0 ? problems : [{ id: String(failed.statusCode), message: 'bulkUpdatePriceQuantity did not update the offer' }]);
    }
    if (!ours.some((r) => r.offerId === offerId)) throw new MarketplaceCallError('ebay', status, true, [{ id: 'invalid_answer', message: 'bulkUpdatePriceQuantity answered nothing for the offer' }]);
  }

  /**
   * The conditions the category takes on the site, by getItemConditionPolicies (the seller's
   * token carries sell.inventory, which the method takes); null when eBay names none (a
   * category that needs no condition) or when it could not be asked.
   */
  async function takenConditions(accessToken: string, site: string, categoryId: string): Promise<TakenCondition[] | null> {
    const key = `${site} ${categoryId}`;
    const cached = conditionPolicies.get(key);
    if (cached && cached.until > now()) return cached.taken;
    let body: unknown;
    try {
      ({ body } = await api(accessToken, {
        method: 'GET',
        url: `${settings.apiBaseUrl}/sell/metadata/v1/marketplace/${encodeURIComponent(site)}/get_item_condition_policies?filter=${encodeURIComponent(`categoryIds:{${categoryId}}`)}`,
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        timeoutMs: settings.timeoutMs,
        problems: ebayProblems,
      }));
    } catch (err) {
      // The check only spares the seller a refusal eBay would make anyway: when eBay cannot
      // answer it (a timeout, a 5xx, a category it does not know), publishing goes on and
      // publishOffer decides.
      if (err instanceof MarketplaceCallError) return null;
      throw err;
    }
    const parsed = conditionPolicyAnswer.safeParse(body);
    if (!parsed.success) return null;
    const policy = parsed.data.itemConditionPolicies?.find((p) => p.categoryId === categoryId);
    if (!policy) return null;
    const taken = policy.itemConditions?.length ? policy.itemConditions.map((c) => ({ id: c.conditionId, description: c.conditionDescription })) : null;
    conditionPolicies.set(key, { taken, until: now() + CONDITION_POLICY_TTL_MS });
    return taken;
  }

  /** What eBay would say of the condition in the category: null when it takes it, or cannot say. */
  async function conditionRefusal(accessToken: string, site: string, categoryId: string, conditionId: string): Promise<string | null> {
    const taken = await takenConditions(accessToken, site, categoryId);
    if (!taken || taken.some((c) => c.id === conditionId)) return null;
    const condition = CONDITIONS[conditionId];
    const named = condition ? `‘${condition.name}’ (${condition.value})` : `condition ${conditionId}`;
    const takes = taken.map((c) => c.description || CONDITIONS[c.id]?.name || c.id).join(', ');
    return `eBay does not take ${named} in category ${categoryId}; it takes: ${takes}`;
  }

  /** Refuses, for good, a condition the category does not take: nothing is made on eBay. */
  async function checkCondition(accessToken: string, draft: PublicationDraft): Promise<void> {
    if (!draft.category_id || !draft.condition) return;
    const refusal = await conditionRefusal(accessToken, draft.site, draft.category_id, draft.condition);
    if (refusal) throw new MarketplaceCallError('ebay', 0, false, [{ id: 'condition_not_allowed', message: refusal }]);
  }

  /** The offer for this SKU on the site: made now, or the one eBay already has. */
  async function offerFor(accessToken: string, draft: PublicationDraft, language: string): Promise<string> {
    try {
      const { body } = await call(accessToken, 'POST', '/offer', { sku: draft.sku, marketplaceId: draft.site, format: 'FIXED_PRICE', ...offerBody(draft) }, language);
      const offerId = (body as { offerId?: unknown } | null)?.offerId;
      if (typeof offerId !== 'string' || offerId === '') throw new MarketplaceCallError('ebay', 201, true, [{ id: 'invalid_answer', message: 'createOffer answered without an offerId' }]);
      return offerId;
    } catch (err) {
      // 25002: an offer exists for this SKU, site and format; its id comes with the error.
      if (err instanceof MarketplaceCallError && err.problems.some((p) => p.id === '25002')) {
        const { body } = await call(accessToken, 'GET', `/offer?sku=${encodeURIComponent(draft.sku)}&marketplace_id=${encodeURIComponent(draft.site)}`);
        const offers = ((body as { offers?: { offerId: string; format?: string }[] } | null)?.offers ?? []).filter((o) => (o.format ?? 'FIXED_PRICE') === 'FIXED_PRICE');
        if (offers[0]) return offers[0].offerId;
      }
      throw err;
    }
  }

  return {
    marketplace: 'ebay',

    conditionRefusal,

    async publish(accessToken, draft, known, remember) {
      const language = contentLanguage(draft.site);
      await checkCondition(accessToken, draft);
      await putItem(accessToken, draft, language);
      let offerId = known.offer_id;
      if (offerId) {
        // Resuming: the offer exists; bring it up to date (updateOffer is a full replace).
        await call(accessToken, 'PUT', `/offer/${encodeURIComponent(offerId)}`, offerBody(draft), language);
      } else {
        offerId = await offerFor(accessToken, draft, language);
        await remember({ offer_id: offerId });
      }
      const { body } = await call(accessToken, 'POST', `/offer/${encodeURIComponent(offerId)}/publish/`);
      const listingId = (body as { listingId?: unknown } | null)?.listingId;
      if (typeof listingId !== 'string' || listingId === '') throw new MarketplaceCallError('ebay', 200, true, [{ id: 'invalid_answer', message: 'publishOffer answered without a listingId' }]);
      const host = SITE_HOSTS[draft.site] ?? 'www.ebay.com';
      return { external: { offer_id: offerId, listing_id: listingId, content_digest: contentDigest(draft) }, url: `https://${host}/itm/${listingId}` };
    },

    async update(accessToken, draft, external) {
      if (!external.offer_id) throw new MarketplaceCallError('ebay', 0, false, [{ id: 'no_offer', message: 'the listing has no eBay offer to update' }]);
      const digest = contentDigest(draft);
      // Only the price or the quantity changed: eBay revises the listing from this one call.
      if (external.content_digest === digest) return updatePriceQuantity(accessToken, draft, external.offer_id);
      const language = contentLanguage(draft.site);
      // A published offer's listing is revised by eBay when its item or the offer changes.
      await putItem(accessToken, draft, language);
      await call(accessToken, 'PUT', `/offer/${encodeURIComponent(external.offer_id)}`, offerBody(draft), language);
      return { content_digest: digest };
    },

    async delist(accessToken, external: ExternalIds) {
      if (!external.offer_id) return;
      try {
        // Ending a listing keeps an item from selling twice: it goes before publications waiting their turn.
        await call(accessToken, 'POST', `/offer/${encodeURIComponent(external.offer_id)}/withdraw`, undefined, undefined, 'urgent');
      } catch (err) {
        // 25713: not published (already withdrawn, or ended by eBay): nothing is live.
        if (err instanceof MarketplaceCallError && err.problems.some((p) => p.id === '25713')) return;
        throw err;
      }
    },

    // getOffer for each: the offer's status and its listing's listingStatus say whether it is for sale.
    async standing(accessToken, _account, listings) {
      const seen = new Map<string, ListingThere>();
      for (const { listingId, external } of listings) {
        if (!external.offer_id) continue;
        try {
          const { body } = await call(accessToken, 'GET', `/offer/${encodeURIComponent(external.offer_id)}`);
          const offer = offerAnswer.safeParse(body);
          if (!offer.success) continue;
          seen.set(listingId, standingOf(offer.data));
        } catch (err) {
          // 25713 (or a bare 404): eBay knows no such offer any more.
          if (err instanceof MarketplaceCallError && (err.status === 404 || err.problems.some((p) => p.id === '25713'))) seen.set(listingId, { state: 'missing', detail: 'offer not found' });
          else throw err;
        }
      }
      return seen;
    },
  };
}

/** JSON with every object's keys in order: the same content, the same text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

interface TakenCondition {
  id: string;
  /** eBay's name for it in this category, in the site's language. */
  description: string | undefined;
}

/** ItemConditionPolicyResponse (Metadata API): the fields the check reads. */
const conditionPolicyAnswer = z.object({
  itemConditionPolicies: z.array(z.object({ categoryId: z.string(), itemConditionRequired: z.boolean().optional(), itemConditions: z.array(z.object({ conditionId: z.string(), conditionDescription: z.string().max(200).optional() }).passthrough()).optional() }).passthrough()).optional(),
}).passthrough();

/** BulkPriceQuantityResponse: one entry per offer and per inventory item asked about. */
const bulkAnswer = z.object({
  responses: z.array(z.object({ offerId: z.string().optional(), sku: z.string().optional(), statusCode: z.number().int(), errors: z.array(z.unknown()).optional() }).passthrough()),
});

// eBay's enums are upper-case words; anything else is not an answer to judge by.
const ENUM = z.string().regex(/^[A-Z_]{1,40}$/);
const offerAnswer = z.object({ status: ENUM, listing: z.object({ listingStatus: ENUM.optional() }).passthrough().optional() }).passthrough();

/** PUBLISHED with an ACTIVE listing is for sale; OUT_OF_STOCK has sold what it had; anything else has ended. */
function standingOf(offer: z.infer<typeof offerAnswer>): ListingThere {
  if (offer.status !== 'PUBLISHED') return { state: 'ended', detail: `offer ${offer.status}` };
  const status = offer.listing?.listingStatus ?? 'ACTIVE';
  if (status === 'ACTIVE') return { state: 'live', detail: 'listingStatus ACTIVE' };
  if (status === 'OUT_OF_STOCK') return { state: 'sold_out', detail: 'listingStatus OUT_OF_STOCK' };
  return { state: 'ended', detail: `listingStatus ${status}` };
}
