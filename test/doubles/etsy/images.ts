/*
 * Listing images: uploadListingImage (POST /v3/application/shops/{shop_id}/listings/{listing_id}/
 * images, listings_w, multipart/form-data, 201 ListingImage), getListingImages (GET
 * /v3/application/listings/{listing_id}/images, { count, results }), deleteListingImage (DELETE
 * /v3/application/shops/{shop_id}/listings/{listing_id}/images/{listing_image_id}, 204), and the
 * image files themselves at the ListingImage URLs.
 *
 * From the OAS: "To upload a new image, set the image file as the value for the `image`
 * parameter"; `listing_image_id` re-assigns an image instead; "When a request contains both
 * `image` and `listing_image_id` parameter values, the endpoint uploads the image in the `image`
 * parameter only"; `rank` (positive), `overwrite` ("replaces the existing image at a given
 * rank"), `is_watermarked`, `alt_text` ("Max length 250 characters"). A listing holds up to 20
 * images (createDraftListing's image_ids, 2026); the refusal text is Etsy's, quoted in
 * etsy/open-api #606 from the time the limit was 10.
 *
 * Assumptions: the file must be a JPEG, PNG or GIF by its content (the part's declared type is
 * not trusted) and at most 20 MB; a new image without `rank` goes after the others (the OAS says
 * rank defaults to 1, but images are reported appearing in upload order); `listing_image_id`
 * names an image of the same listing (Etsy also takes a deleted one; the double keeps none);
 * the `image` part missing entirely is answered `There was a problem with /image : is required`.
 */
import express, { type Router } from 'express';
import multer from 'multer';
import { requireScopes } from './auth';
import { mediaType, queryInt } from './body';
import { findListing, ownListing, type Ctx } from './context';
import { apiError, fieldError, positiveId } from './errors';
import { recordOf } from './faults';
import type { ImageRecord } from './state';
import { imageView } from './views';

const MAX_IMAGES = 20;
const MAX_BYTES = 20 * 1024 * 1024;

export interface SniffedImage {
  mimetype: 'image/jpeg' | 'image/png' | 'image/gif';
  width: number | null;
  height: number | null;
}

/** What the bytes are, whatever the part claims. */
export function sniffImage(bytes: Buffer): SniffedImage | null {
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { mimetype: 'image/png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  const head = bytes.subarray(0, 6).toString('latin1');
  if (bytes.length >= 10 && (head === 'GIF87a' || head === 'GIF89a')) {
    return { mimetype: 'image/gif', width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    let i = 2;
    while (i + 9 < bytes.length && bytes[i] === 0xff) {
      const marker = bytes[i + 1]!;
      const length = bytes.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { mimetype: 'image/jpeg', height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
      }
      i += 2 + length;
    }
    return { mimetype: 'image/jpeg', width: null, height: null };
  }
  return null;
}

function boolField(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw fieldError(name, 'must be a boolean');
}

export function imagesRouter(ctx: Ctx): Router {
  const { state, tokens, app } = ctx;
  const router = express.Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_BYTES, files: 5, fields: 20 } }).any();

  router.post(
    '/v3/application/shops/:shop_id/listings/:listing_id/images',
    requireScopes(tokens, app, 'listings_w'),
    (req, _res, next) => {
      if (mediaType(req.headers['content-type']) !== 'multipart/form-data') return next(fieldError('image', 'the request must be multipart/form-data'));
      next();
    },
    upload,
    (req, res) => {
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      const fields = (req.body ?? {}) as Record<string, string>;
      const record = recordOf(res);
      record.body = { ...fields };
      record.files = files.map((f) => ({ field: f.fieldname, filename: f.originalname, mimetype: f.mimetype, size: f.size }));
      const listing = ownListing(ctx, res, positiveId(req.params.listing_id, 'listing_id'), positiveId(req.params.shop_id, 'shop_id'));
      const images = state.imagesOf(listing.listing_id);
      const rank = queryInt(fields, 'rank', { min: 1 });
      const overwrite = boolField(fields.overwrite, 'overwrite') ?? false;
      boolField(fields.is_watermarked, 'is_watermarked');
      const altText = fields.alt_text;
      if (altText !== undefined && altText.length > 250) throw fieldError('alt_text', 'must be 250 characters or fewer');
      const file = files.find((f) => f.fieldname === 'image');
      const now = state.clock.nowSeconds();
      const place = (image: ImageRecord, at: number | undefined) => {
        const without = images.filter((i) => i.listing_image_id !== image.listing_image_id);
        const index = Math.min(Math.max((at ?? without.length + 1) - 1, 0), without.length);
        if (overwrite && at !== undefined && without[index]) without.splice(index, 1);
        without.splice(index, 0, image);
        without.forEach((img, i) => (img.rank = i + 1));
        state.images.set(listing.listing_id, without);
        listing.last_modified_timestamp = now;
      };

      if (!file) {
        const existingId = queryInt(fields, 'listing_image_id', { min: 1 });
        if (existingId === undefined) throw fieldError('image', 'is required');
        const existing = images.find((i) => i.listing_image_id === existingId);
        if (!existing) throw apiError(404, `Could not find a ListingImage with listing_image_id = ${existingId}`);
        if (altText !== undefined) existing.alt_text = altText;
        place(existing, rank ?? existing.rank);
        res.status(201).json(imageView(existing, ctx.baseUrl()));
        return;
      }
      const sniffed = sniffImage(file.buffer);
      if (!sniffed) throw fieldError('image', 'is not a JPG, PNG or GIF image');
      const replacing = overwrite && rank !== undefined && images[rank - 1] !== undefined;
      if (images.length >= MAX_IMAGES && !replacing) {
        throw apiError(400, `Listings are only allowed ${MAX_IMAGES} images. Please delete a ListingImage before trying to upload another.`);
      }
      const image: ImageRecord = {
        listing_image_id: state.ids.take('image'),
        listing_id: listing.listing_id,
        rank: 0,
        alt_text: altText ?? null,
        created_timestamp: now,
        mimetype: sniffed.mimetype,
        width: sniffed.width,
        height: sniffed.height,
        bytes: file.buffer,
      };
      place(image, rank);
      res.status(201).json(imageView(image, ctx.baseUrl()));
    },
  );

  router.get('/v3/application/listings/:listing_id/images', (req, res) => {
    const listing = findListing(ctx, positiveId(req.params.listing_id, 'listing_id'));
    const images = state.imagesOf(listing.listing_id);
    res.json({ count: images.length, results: images.map((i) => imageView(i, ctx.baseUrl())) });
  });

  router.delete('/v3/application/shops/:shop_id/listings/:listing_id/images/:listing_image_id', requireScopes(tokens, app, 'listings_w'), (req, res) => {
    const listing = ownListing(ctx, res, positiveId(req.params.listing_id, 'listing_id'), positiveId(req.params.shop_id, 'shop_id'));
    const imageId = positiveId(req.params.listing_image_id, 'listing_image_id');
    const images = state.imagesOf(listing.listing_id);
    if (!images.some((i) => i.listing_image_id === imageId)) throw apiError(404, `Could not find a ListingImage with listing_image_id = ${imageId}`);
    const kept = images.filter((i) => i.listing_image_id !== imageId);
    kept.forEach((img, i) => (img.rank = i + 1));
    state.images.set(listing.listing_id, kept);
    res.status(204).end();
  });

  return router;
}

/** The files behind ListingImage URLs (Etsy serves them from its CDN; no key is needed). */
export function imageFilesRouter(ctx: Ctx): Router {
  const router = express.Router();
  router.get('/images/:listing_image_id/:name', (req, res) => {
    const id = Number(req.params.listing_image_id);
    for (const images of ctx.state.images.values()) {
      const image = images.find((i) => i.listing_image_id === id);
      if (image) {
        res.type(image.mimetype).send(image.bytes);
        return;
      }
    }
    res.status(404).json({ error: 'Not Found' });
  });
  return router;
}
