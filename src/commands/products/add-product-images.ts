/*
 * AddProductImages: each file's real type is read from its bytes, the files are stored first,
 * then one ProductImageAdded each is appended; if the append is refused, the files are deleted
 * again, so nothing half-written survives.
 */
import type { RequestHandler } from 'express';
import multer from 'multer';
import { detectImageType } from '../../domain/product/image-type';
import { productDecider, productStream, type NewImage } from '../../domain/product/decider';
import { MAX_IMAGE_BYTES, MAX_IMAGES } from '../../domain/product/rules';
import { newObjectKey, type ObjectStorage } from '../../infra/storage';
import { NotFoundError, ValidationError, type FieldProblem } from '../../shared/errors';
import { etagOf, productSchema, type ProductDto } from '../../shared/product-fields';
import { runCommand, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { productAfter, productIdOf, type ProductCommandDeps } from './deps';
import { productIdParams } from './params';

export type AddImagesDeps = Pick<ProductCommandDeps, 'store' | 'clock' | 'ids' | 'readYourWrites' | 'represent'> & { storage: ObjectStorage };

export interface ImageFile {
  bytes: Buffer;
  /** The form field it came in, when it came in a form. */
  field?: string;
}

const FILE_FIELDS = ['file', 'files'];

/** Each file's real type, from its bytes; problems name `file` (or `file.N` among several). */
function checkFiles(files: readonly ImageFile[]): { types: NewImage['content_type'][]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (files.length === 0) problems.push({ field: 'file', message: 'send at least one image in the field "file"' });
  const types = files.map((file, i) => {
    const field = files.length === 1 ? 'file' : `file.${i}`;
    if (file.field !== undefined && !FILE_FIELDS.includes(file.field)) problems.push({ field, message: 'send the images in the field "file"' });
    const type = detectImageType(file.bytes);
    if (type === null) problems.push({ field, message: 'must be a JPEG, PNG or WebP image (checked by content)' });
    return type ?? '';
  });
  return { types, problems };
}

export async function addProductImages(deps: AddImagesDeps, tenant: number, input: { product_id: string; files: readonly ImageFile[] }, metadata: CommandMetadata): Promise<ProductDto> {
  const id = productIdOf(input.product_id);
  const stream = productStream(id);
  // No file is kept for a product that is not there.
  if ((await deps.store.readStream(tenant, stream, { direction: 'backwards', limit: 1 })).length === 0) throw new NotFoundError('Product not found', 'product_not_found');
  const checked = checkFiles(input.files);
  if (checked.problems.length > 0) throw new ValidationError(checked.problems, true);
  const images: NewImage[] = input.files.map((file, i) => {
    const contentType = checked.types[i]!;
    return { image_id: deps.ids.uuid(), file: newObjectKey(contentType), content_type: contentType, size_bytes: file.bytes.length };
  });
  await Promise.all(images.map((image, i) => deps.storage.put(image.file, input.files[i]!.bytes, image.content_type)));
  try {
    const outcome = await runCommand(deps, tenant, { stream, decider: productDecider, command: { type: 'AddProductImages', images, now: deps.clock.now() } }, metadata);
    return await productAfter(deps.represent, tenant, outcome);
  } catch (err) {
    await Promise.all(images.map((image) => deps.storage.delete(image.file).catch(() => undefined)));
    throw err;
  }
}

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

/** POST /api/products/{id}/images */
export function addProductImagesRoute(deps: AddImagesDeps) {
  return commandRoute({
    method: 'post',
    path: '/api/products/{id}/images',
    summary: 'Add images (JPEG, PNG or WebP, at most 10 MB each, 20 per product)',
    tags: ['Products'],
    params: productIdParams,
    before: [parseUpload()],
    ifMatch: 'optional',
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
    handle: async ({ params, auth, req }, metadata) => {
      const files = (Array.isArray(req.files) ? req.files : []).map((f) => ({ bytes: f.buffer, field: f.fieldname }));
      const product = await addProductImages(deps, auth.tenantId, { product_id: params.id, files }, metadata);
      return { status: 201, body: product, headers: { ETag: etagOf(product.version) } };
    },
  });
}
