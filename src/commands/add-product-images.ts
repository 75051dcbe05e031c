import type { RequestHandler } from 'express';
import { detectImageType } from '../domain/product/image-type';
import { productDecider, productStream, type NewImage } from '../domain/product/decider';
import { MAX_IMAGE_BYTES, MAX_IMAGES } from '../domain/product/rules';
import { defineRoute } from '../http/route';
import { newObjectKey, type ObjectStorage } from '../infra/storage';
import { getProduct, productIdParams } from '../queries/get-product';
import { productSchema } from '../queries/product-representation';
import type { Services } from '../services';
import { ValidationError, type FieldProblem } from '../shared/errors';
import { handleCommand } from './handle-command';
import { assertProductId, optionalIfMatch, productReply, requestMetadata, unknownWhenAbsent } from './product-commands';

import multer from 'multer';

type UploadedFile = Express.Multer.File;

const FILE_FIELDS = ['file', 'files'];

const UPLOAD_LIMITS: Record<string, string> = {
  LIMIT_FILE_SIZE: 'must be at most 10 MB',
  LIMIT_FILE_COUNT: `at most ${MAX_IMAGES} files per request`,
  LIMIT_PART_COUNT: 'too many parts in this upload',
  LIMIT_UNEXPECTED_FILE: 'send the images in the field "file"',
};

/** Multipart parsing in memory, within the limits; its failures become problems naming `file`. */
function parseUpload(): RequestHandler {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMAGE_BYTES, files: MAX_IMAGES, fields: 10, parts: MAX_IMAGES + 10 } }).any();
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) {
      next(new ValidationError([{ field: 'file', message: 'send the images as multipart/form-data' }]));
      return;
    }
    upload(req, res, (err?: unknown) => {
      if (!err) return next();
      const code = err instanceof multer.MulterError ? err.code : undefined;
      const message = code ? UPLOAD_LIMITS[code] : undefined;
      next(new ValidationError([{ field: 'file', message: message ?? 'the upload could not be read' }], message !== undefined));
    });
  };
}

/** Each file's real type, from its bytes; problems name `file` (or `file.N` among several). */
function checkFiles(files: UploadedFile[]): { types: NewImage['content_type'][]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (files.length === 0) problems.push({ field: 'file', message: 'send at least one image in the field "file"' });
  const types = files.map((file, i) => {
    const field = files.length === 1 ? 'file' : `file.${i}`;
    if (!FILE_FIELDS.includes(file.fieldname)) problems.push({ field, message: 'send the images in the field "file"' });
    const type = detectImageType(file.buffer);
    if (type === null) problems.push({ field, message: 'must be a JPEG, PNG or WebP image (checked by content)' });
    return type ?? '';
  });
  return { types, problems };
}

/** POST /api/products/{id}/images — files stored first, then one ProductImageAdded each. */
export function addProductImagesRoute(services: Services, storage: ObjectStorage) {
  const { pool } = services;
  return defineRoute({
    method: 'post',
    path: '/api/products/{id}/images',
    summary: 'Add images (JPEG, PNG or WebP, at most 10 MB each, 20 per product)',
    tags: ['Products'],
    params: productIdParams,
    before: [parseUpload()],
    rawBody: {
      contentType: 'multipart/form-data',
      schema: { type: 'object', properties: { file: { type: 'array', items: { type: 'string', format: 'binary' } } }, required: ['file'] },
    },
    responses: {
      201: { description: 'Added at the end, in the order sent: the product as it is now', schema: productSchema },
      400: { description: 'The upload could not be read' },
      404: { description: 'No such product for this account' },
      422: { description: 'A file is not an image of an accepted type, is too large, or the product would exceed 20 images' },
    },
    handle: async ({ params, auth, requestId, req }) => {
      const id = assertProductId(params.id);
      await getProduct(pool, auth.tenantId, id); // no file is kept for a product that is not there
      const files = Array.isArray(req.files) ? req.files : [];
      const checked = checkFiles(files);
      if (checked.problems.length > 0) throw new ValidationError(checked.problems, true);
      const ctx = services.commandContext(requestMetadata(auth, requestId, req));
      const images: NewImage[] = files.map((file, i) => {
        const contentType = checked.types[i]!;
        return { image_id: ctx.ids.uuid(), file: newObjectKey(contentType), content_type: contentType, size_bytes: file.size };
      });
      await Promise.all(images.map((image, i) => storage.put(image.file, files[i]!.buffer, image.content_type)));
      try {
        await handleCommand(ctx, {
          tenant: auth.tenantId,
          stream: productStream(id),
          decider: productDecider,
          command: { type: 'AddProductImages', images, now: ctx.clock.now() },
          expectedVersion: optionalIfMatch(req),
        }).catch(unknownWhenAbsent);
      } catch (err) {
        await Promise.all(images.map((image) => storage.delete(image.file).catch(() => undefined)));
        throw err;
      }
      return productReply(pool, auth.tenantId, id, 201);
    },
  });
}
