/*
 * Photos sized down before they go to a vision model: the longest side at most 1,024 pixels
 * (what a model looks at in detail is smaller still), turned upright from the camera's EXIF
 * orientation, as JPEG at quality 80. A photo already small enough is sent as it is; one the
 * library cannot read is sent as stored, for the provider to judge. sharp (libvips) works off the
 * event loop, on libuv's threads, so a large photo does not hold other requests back.
 */
import sharp from 'sharp';

export interface Photo {
  bytes: Buffer;
  contentType: string;
}

export const MAX_SIDE = 1024;

export async function downsized(photo: Photo, maxSide = MAX_SIDE): Promise<Photo> {
  try {
    const image = sharp(photo.bytes, { failOn: 'error', limitInputPixels: 100_000_000 });
    const { width, height } = await image.metadata();
    if (!width || !height) return photo;
    if (Math.max(width, height) <= maxSide && photo.contentType === 'image/jpeg') return photo;
    const bytes = await image
      .rotate()
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80 })
      .toBuffer();
    return { bytes, contentType: 'image/jpeg' };
  } catch {
    return photo;
  }
}
