/*
 * Publishing on Etsy through the Open API v3 (developers.etsy.com, tutorials/listings and the
 * reference): createDraftListing (POST /shops/{shop_id}/listings, form-encoded) makes a draft,
 * whose listing_id is remembered before anything else; the photos are uploaded one by one
 * (uploadListingImage, multipart, the file's bytes: Etsy takes no URLs), each id remembered as it
 * comes; updateListingInventory (PUT /listings/{id}/inventory, JSON) sets the SKU, price and
 * quantity; updateListing (PATCH) with state=active publishes it. Delisting is state=inactive.
 *
 * A retry resumes on the remembered draft: it is brought up to date (updateListing), and its
 * photos are read back from Etsy (getListingImages), so an upload whose answer was lost is
 * recognised instead of sent twice. Etsy creates nothing twice for a request it refused with 429,
 * so those are retried in place after the `retry-after` it asked for (when short); calls are
 * spaced per shop, under Etsy's per-token limit of 10 a second.
 *
 * Assumptions: listings are physical; arrays are sent form-encoded as comma lists (the OAS's
 * "comma-separated list"); uploads append, and the order is then set with image_ids (Etsy
 * integrators report `rank` and `overwrite` being ignored, etsy/open-api #558); an upload whose
 * answer was lost shows, on Etsy, as an image with no remembered id, and stands for the next
 * photo that was missing (uploads go one at a time, in order); a draft's createDraftListing whose
 * answer was lost leaves a draft behind on Etsy (it has no idempotency key, and a draft is not
 * for sale). Processing profiles (readiness_state_id, with `legacy=false`) are sent when the
 * connection has one.
 */
import { z } from 'zod';
import type { ExternalIds } from '../../domain/listing/listing';
import type { ListingThere } from '../../domain/reconciliation/drift';
import type { ImageReader, MarketplacePublisher, PublicationDraft, PublicationImage } from '../../shared/marketplace-publisher';
import { MarketplaceCallError } from '../http';
import { etsyApi, type EtsyApi, type EtsyApiOptions } from './api';

export interface EtsyPublisherOptions extends EtsyApiOptions {
  /** The stored photos' bytes (Etsy takes uploads, not addresses). */
  readImage: ImageReader;
  /** The calls to Etsy, on the shop's one budget (./api.ts); made from the options above when absent. */
  api?: EtsyApi;
}

/** Etsy's limit of photos per listing. */
export const ETSY_MAX_IMAGES = 20;
const QUANTITY_MAX = 999;

const id = z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String);
const listingAnswer = z.object({ listing_id: id, state: z.string().optional() }).passthrough();
const imageAnswer = z.object({ listing_image_id: id, rank: z.number().int().nullable().optional() }).passthrough();
const imagesAnswer = z.object({ results: z.array(imageAnswer) }).passthrough();

const money = (cents: number) => (cents / 100).toFixed(2);
const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };

/** The photos on an Etsy listing: Etsy's image id and the Stoflow image it shows, in order. */
interface ShownPhoto {
  photo: string;
  image: string;
}

function shownPhotos(external: ExternalIds): ShownPhoto[] {
  const images = (external.image_ids ?? '').split(',').filter(Boolean);
  const photos = (external.photo_ids ?? '').split(',').filter(Boolean);
  return images.slice(0, photos.length).map((image, i) => ({ image, photo: photos[i]! }));
}

function externalOf(shown: ShownPhoto[]): ExternalIds {
  return { image_ids: shown.map((s) => s.image).join(','), photo_ids: shown.map((s) => s.photo).join(',') };
}

const invalidAnswer = (message: string) => new MarketplaceCallError('etsy', 200, true, [{ id: 'invalid_answer', message }]);

export function etsyPublisher(options: EtsyPublisherOptions): MarketplacePublisher {
  const api = options.api ?? etsyApi(options);
  const call = api.call.bind(api);

  const processing = (draft: PublicationDraft) => draft.settings.readiness_state_id;
  const legacy = (draft: PublicationDraft): Record<string, string> => (processing(draft) ? { legacy: 'false' } : {});

  function shopOf(draft: PublicationDraft): string {
    const shopId = draft.account?.shop_id;
    if (!shopId) throw new MarketplaceCallError('etsy', 0, false, [{ id: 'no_shop', message: 'the connected Etsy account has no shop: connect Etsy again' }]);
    return shopId;
  }

  /** What createDraftListing and updateListing share: the text, the provenance, the category and the profiles. */
  function listingFields(draft: PublicationDraft): Record<string, string> {
    const fields: Record<string, string> = {
      title: draft.title,
      description: draft.description,
      who_made: draft.who_made ?? '',
      when_made: draft.when_made ?? '',
      is_supply: String(draft.is_supply),
      taxonomy_id: draft.category_id,
      shipping_profile_id: draft.settings.shipping_profile_id ?? '',
    };
    if (draft.settings.return_policy_id) fields.return_policy_id = draft.settings.return_policy_id;
    if (processing(draft)) fields.readiness_state_id = processing(draft)!;
    if (draft.tags.length > 0) fields.tags = draft.tags.join(',');
    if (draft.materials.length > 0) fields.materials = draft.materials.join(',');
    return fields;
  }

  function inventoryBody(draft: PublicationDraft) {
    const readiness = processing(draft);
    return {
      products: [
        {
          sku: draft.sku,
          property_values: [],
          offerings: [{ price: Number(money(draft.price_cents)), quantity: Math.min(draft.quantity, QUANTITY_MAX), is_enabled: true, ...(readiness ? { readiness_state_id: Number(readiness) } : {}) }],
        },
      ],
      price_on_property: [],
      quantity_on_property: [],
      sku_on_property: [],
    };
  }

  async function createDraft(accessToken: string, shopId: string, draft: PublicationDraft): Promise<string> {
    const form = new URLSearchParams({ quantity: String(Math.min(draft.quantity, QUANTITY_MAX)), price: money(draft.price_cents), ...listingFields(draft) });
    const { body } = await call(accessToken, shopId, 'POST', `/shops/${encodeURIComponent(shopId)}/listings`, form, legacy(draft));
    const parsed = listingAnswer.safeParse(body);
    if (!parsed.success) throw invalidAnswer('createDraftListing answered without a listing_id');
    return parsed.data.listing_id;
  }

  async function uploadImage(accessToken: string, shopId: string, listingId: string, photo: PublicationImage): Promise<string> {
    const stored = await options.readImage(photo.file);
    if (!stored) throw new MarketplaceCallError('etsy', 0, false, [{ id: 'image_missing', message: `the photo ${photo.id} is missing from storage: remove it and add it again` }]);
    const form = new FormData();
    const type = stored.contentType || photo.content_type;
    form.append('image', new Blob([new Uint8Array(stored.bytes)], { type }), `${photo.id}.${EXTENSIONS[type] ?? 'jpg'}`);
    const { body } = await call(accessToken, shopId, 'POST', `/shops/${encodeURIComponent(shopId)}/listings/${encodeURIComponent(listingId)}/images`, form);
    const parsed = imageAnswer.safeParse(body);
    if (!parsed.success) throw invalidAnswer('uploadListingImage answered without a listing_image_id');
    return parsed.data.listing_image_id;
  }

  async function imagesOnEtsy(accessToken: string, shopId: string, listingId: string): Promise<string[]> {
    const { body } = await call(accessToken, shopId, 'GET', `/listings/${encodeURIComponent(listingId)}/images`);
    const parsed = imagesAnswer.safeParse(body);
    if (!parsed.success) throw invalidAnswer('getListingImages answered without results');
    return [...parsed.data.results].sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0)).map((i) => i.listing_image_id);
  }

  /**
   * Makes the listing's photos the product's (up to Etsy's 20, in order): uploads the missing
   * ones (each handed to `remember` as it is known), removes those the product no longer has,
   * and answers the photos shown and the image order to set, when Etsy's differs.
   */
  async function syncPhotos(
    accessToken: string,
    shopId: string,
    listingId: string,
    draft: PublicationDraft,
    known: ShownPhoto[],
    onEtsy: string[],
    remember?: (shown: ShownPhoto[]) => Promise<void>,
  ): Promise<{ shown: ShownPhoto[]; order: string[] | null }> {
    const wanted = draft.images.slice(0, ETSY_MAX_IMAGES);
    let shown = known.filter((s) => onEtsy.includes(s.image));
    const unknown = onEtsy.filter((image) => !shown.some((s) => s.image === image));
    const missing = () => wanted.filter((w) => !shown.some((s) => s.photo === w.id));
    // An image on Etsy without a kept id is an upload whose answer was lost: the next missing photo.
    const strays: string[] = [];
    for (const image of unknown) {
      const next = missing()[0];
      if (next) shown.push({ photo: next.id, image });
      else strays.push(image);
    }
    const gone = [...strays, ...shown.filter((s) => !wanted.some((w) => w.id === s.photo)).map((s) => s.image)];
    shown = shown.filter((s) => wanted.some((w) => w.id === s.photo));
    const remove = async (images: string[]) => {
      for (const image of images) {
        try {
          await call(accessToken, shopId, 'DELETE', `/shops/${encodeURIComponent(shopId)}/listings/${encodeURIComponent(listingId)}/images/${encodeURIComponent(image)}`);
        } catch (err) {
          if (!(err instanceof MarketplaceCallError && err.status === 404)) throw err;
        }
      }
    };
    const toUpload = missing();
    // Room first when the listing would hold more than Etsy allows; otherwise the new photos go up first, so a live listing never shows none.
    const roomFirst = onEtsy.length + toUpload.length > ETSY_MAX_IMAGES;
    if (roomFirst) await remove(gone);
    for (const photo of toUpload) {
      shown.push({ photo: photo.id, image: await uploadImage(accessToken, shopId, listingId, photo) });
      await remember?.(shown);
    }
    if (!roomFirst) await remove(gone);
    // Etsy appends uploads after the images it kept; the product's order is set when that differs.
    const now = [...onEtsy.filter((image) => shown.some((s) => s.image === image)), ...shown.filter((s) => !onEtsy.includes(s.image)).map((s) => s.image)];
    const order = wanted.map((w) => shown.find((s) => s.photo === w.id)?.image).filter((image): image is string => image !== undefined);
    return { shown: wanted.map((w) => shown.find((s) => s.photo === w.id)).filter((s): s is ShownPhoto => s !== undefined), order: order.join(',') === now.join(',') ? null : order };
  }

  const listingPath = (shopId: string, listingId: string) => `/shops/${encodeURIComponent(shopId)}/listings/${encodeURIComponent(listingId)}`;

  async function updateFields(accessToken: string, shopId: string, listingId: string, draft: PublicationDraft, extra: Record<string, string> = {}): Promise<void> {
    await call(accessToken, shopId, 'PATCH', listingPath(shopId, listingId), new URLSearchParams({ ...listingFields(draft), ...extra }), legacy(draft));
  }

  return {
    marketplace: 'etsy',

    async publish(accessToken, draft, known, remember) {
      const shopId = shopOf(draft);
      let listingId: string | undefined = known.listing_id;
      let onEtsy: string[] = [];
      if (listingId) {
        try {
          // Resuming (or republishing): the draft is brought up to date, and its photos read back.
          await updateFields(accessToken, shopId, listingId, draft);
          onEtsy = await imagesOnEtsy(accessToken, shopId, listingId);
        } catch (err) {
          // Deleted on Etsy since: a new draft it is.
          if (!(err instanceof MarketplaceCallError && err.status === 404)) throw err;
          listingId = undefined;
        }
      }
      const resumed = listingId !== undefined;
      if (!listingId) {
        listingId = await createDraft(accessToken, shopId, draft);
        await remember({ listing_id: listingId, shop_id: shopId, image_ids: '', photo_ids: '' });
      }
      const id = listingId;
      const { shown, order } = await syncPhotos(accessToken, shopId, id, draft, resumed ? shownPhotos(known) : [], onEtsy, (s) => remember(externalOf(s)));
      await call(accessToken, shopId, 'PUT', `/listings/${encodeURIComponent(id)}/inventory`, { json: inventoryBody(draft) }, legacy(draft));
      const activate = new URLSearchParams({ state: 'active', ...(order ? { image_ids: order.join(',') } : {}) });
      await call(accessToken, shopId, 'PATCH', listingPath(shopId, id), activate, legacy(draft));
      return { external: { listing_id: id, shop_id: shopId, ...externalOf(shown) }, url: `https://www.etsy.com/listing/${id}` };
    },

    async update(accessToken, draft, external) {
      const listingId = external.listing_id;
      if (!listingId) throw new MarketplaceCallError('etsy', 0, false, [{ id: 'no_listing', message: 'the listing has no Etsy listing to update' }]);
      const shopId = shopOf(draft);
      const known = shownPhotos(external);
      const same = known.map((s) => s.photo).join(',') === draft.images.slice(0, ETSY_MAX_IMAGES).map((i) => i.id).join(',');
      let learnt: ExternalIds | undefined;
      let order: string[] | null = null;
      if (!same) {
        const synced = await syncPhotos(accessToken, shopId, listingId, draft, known, await imagesOnEtsy(accessToken, shopId, listingId));
        learnt = externalOf(synced.shown);
        order = synced.order;
      }
      await updateFields(accessToken, shopId, listingId, draft, order ? { image_ids: order.join(',') } : {});
      await call(accessToken, shopId, 'PUT', `/listings/${encodeURIComponent(listingId)}/inventory`, { json: inventoryBody(draft) }, legacy(draft));
      return learnt;
    },

    async delist(accessToken, external) {
      const listingId = external.listing_id;
      const shopId = external.shop_id;
      if (!listingId || !shopId) return;
      try {
        // Urgent: ending a listing keeps it from selling twice, so it goes even on the day's last calls.
        await call(accessToken, shopId, 'PATCH', listingPath(shopId, listingId), new URLSearchParams({ state: 'inactive' }), undefined, 'urgent');
      } catch (err) {
        if (!(err instanceof MarketplaceCallError) || err.retryable) throw err;
        // Deleted on Etsy: nothing is live.
        if (err.status === 404) return;
        // Refused: a draft (never published) or a listing already inactive, expired or sold out is not for sale either.
        const live = await call(accessToken, shopId, 'GET', `/listings/${encodeURIComponent(listingId)}`, undefined, undefined, 'urgent').then(
          ({ body }) => listingAnswer.safeParse(body).data?.state === 'active',
          (refused: unknown) => {
            if (refused instanceof MarketplaceCallError && refused.status === 404) return false;
            throw refused;
          },
        );
        if (!live) return;
        throw err;
      }
    },

    // The shop's active listings a page of 100 at a time; only those not among them are read one by one.
    async standing(accessToken, account, listings) {
      const seen = new Map<string, ListingThere>();
      const shopId = account?.shop_id;
      const wanted = listings.filter((l) => l.external.listing_id);
      if (!shopId || wanted.length === 0) return seen;
      const active = new Set<string>();
      for (let offset = 0, page = 0; page < MAX_STANDING_PAGES; page++, offset += 100) {
        const { body } = await call(accessToken, shopId, 'GET', `/shops/${encodeURIComponent(shopId)}/listings`, undefined, { state: 'active', limit: '100', offset: String(offset) });
        const parsed = listingsPage.safeParse(body);
        if (!parsed.success) return seen; // not a page Etsy documents: judge nothing
        for (const l of parsed.data.results) active.add(String(l.listing_id));
        if (parsed.data.results.length < 100 || offset + 100 >= parsed.data.count) break;
      }
      for (const { listingId, external, expectedLive } of wanted) {
        const id = external.listing_id!;
        if (active.has(id)) {
          seen.set(listingId, { state: 'live', detail: 'state active' });
          continue;
        }
        // Ended here and not among the active ones: as it should be, nothing to read.
        if (!expectedLive) continue;
        try {
          const { body } = await call(accessToken, shopId, 'GET', `/listings/${encodeURIComponent(id)}`);
          const state = listingAnswer.safeParse(body).data?.state;
          if (state === undefined || !/^[a-z_]{1,40}$/.test(state)) continue;
          seen.set(listingId, state === 'active' ? { state: 'live', detail: 'state active' } : state === 'sold_out' ? { state: 'sold_out', detail: 'state sold_out' } : { state: 'ended', detail: `state ${state}` });
        } catch (err) {
          if (err instanceof MarketplaceCallError && err.status === 404) seen.set(listingId, { state: 'missing', detail: 'listing not found' });
          else throw err;
        }
      }
      return seen;
    },
  };
}

/** At most this many pages of a shop's active listings per comparison (10,000 listings). */
const MAX_STANDING_PAGES = 100;
const listingsPage = z.object({ count: z.number().int().min(0), results: z.array(z.object({ listing_id: z.number().int().positive() }).passthrough()).max(100) }).passthrough();
