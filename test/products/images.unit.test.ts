import { detectImageType } from '../../src/domain/product/image-type';
import type { NewImage } from '../../src/domain/product/decider';
import { LATER, archived, created, given, imageAdded, sold } from './given';

const at = LATER.toISOString();
const image = (id: string, overrides: Partial<NewImage> = {}): NewImage => ({ image_id: id, file: `${id}.png`, content_type: 'image/png', size_bytes: 2048, ...overrides });
const add = (...images: NewImage[]) => ({ type: 'AddProductImages', images, now: LATER }) as const;

describe('AddProductImages', () => {
  it('When images are added, then each gets its own ProductImageAdded after the existing ones', () => {
    given(created(), imageAdded('a', 0))
      .when(add(image('b'), image('c')))
      .then([
        { type: 'ProductImageAdded', data: { ...image('b'), position: 1, added_at: at } },
        { type: 'ProductImageAdded', data: { ...image('c'), position: 2, added_at: at } },
      ]);
  });

  it('When the product would hold more than 20 images, then the upload is refused naming file', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => imageAdded(`i${i}`, i));
    given(created(), ...twenty).when(add(image('x'))).thenRefused('too_many_images', ['file']);
  });

  it('When 20 images are added at once to a product without any, then they are accepted', () => {
    expect(given(created()).when(add(...Array.from({ length: 20 }, (_, i) => image(`n${i}`)))).events()).toHaveLength(20);
  });

  it('When a file is not a JPEG, PNG or WebP, then it is refused naming file', () => {
    given(created()).when(add(image('g', { content_type: 'image/gif' }))).thenRefused('unprocessable', ['file']);
  });

  it('When a file is larger than 10 MB, then it is refused naming file', () => {
    given(created()).when(add(image('big', { size_bytes: 10 * 1024 * 1024 + 1 }))).thenRefused('unprocessable', ['file']);
  });

  it('When the product is sold, then images cannot be added', () => {
    given(created(), sold(2, 0)).when(add(image('b'))).thenRefused('product_sold');
  });

  it('When the product is archived, then images cannot be added', () => {
    given(created(), archived).when(add(image('b'))).thenRefused('product_archived');
  });
});

describe('RemoveProductImage', () => {
  it('When a known image is removed, then ProductImageRemoved is decided and it leaves the state', () => {
    const when = given(created(), imageAdded('a', 0), imageAdded('b', 1)).when({ type: 'RemoveProductImage', image_id: 'a', now: LATER });
    when.then([{ type: 'ProductImageRemoved', data: { image_id: 'a', removed_at: at } }]);
    expect(given(created(), imageAdded('a', 0), imageAdded('b', 1), ...when.events()).state?.images.map((i) => i.image_id)).toEqual(['b']);
  });

  it('When the image is not on the product, then it is refused as not found', () => {
    given(created(), imageAdded('a', 0)).when({ type: 'RemoveProductImage', image_id: 'zzz', now: LATER }).thenRefused('image_not_found');
  });
});

describe('ReorderProductImages', () => {
  const history = [created(), imageAdded('a', 0), imageAdded('b', 1), imageAdded('c', 2)];
  const reorder = (image_ids: string[]) => ({ type: 'ReorderProductImages', image_ids, now: LATER }) as const;

  it('When every image is listed in a new order, then ProductImagesReordered is decided and the state follows it', () => {
    const when = given(...history).when(reorder(['c', 'a', 'b']));
    when.then([{ type: 'ProductImagesReordered', data: { image_ids: ['c', 'a', 'b'], reordered_at: at } }]);
    expect(given(...history, ...when.events()).state?.images.map((i) => i.image_id)).toEqual(['c', 'a', 'b']);
  });

  it('When the order is unchanged, then nothing is decided', () => {
    given(...history).when(reorder(['a', 'b', 'c'])).then([]);
  });

  it.each([[['a', 'b']], [['a', 'b', 'c', 'd']], [['a', 'a', 'b']], [['a', 'b', 'x']]])('When the list is %p, then it is refused naming image_ids', (ids) => {
    given(...history).when(reorder(ids)).thenRefused('unprocessable', ['image_ids']);
  });
});

describe('detectImageType', () => {
  const bytes = (...values: number[]) => Uint8Array.from(values);
  const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

  it('When a file starts with FF D8 FF, then it is a JPEG', () => {
    expect(detectImageType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe('image/jpeg');
  });

  it('When a file starts with the PNG signature, then it is a PNG', () => {
    expect(detectImageType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
  });

  it('When a file is RIFF … WEBP, then it is a WebP', () => {
    expect(detectImageType(bytes(...ascii('RIFF'), 1, 2, 3, 4, ...ascii('WEBPVP8 ')))).toBe('image/webp');
  });

  it.each([
    ['a GIF', bytes(...ascii('GIF89a'))],
    ['a WAV (RIFF but not WEBP)', bytes(...ascii('RIFF'), 1, 2, 3, 4, ...ascii('WAVE'))],
    ['text named .jpg', bytes(...ascii('hello'))],
    ['a truncated PNG signature', bytes(0x89, 0x50, 0x4e)],
    ['nothing', bytes()],
  ])('When the file is %s, then it is not an accepted image', (_label, content) => {
    expect(detectImageType(content)).toBeNull();
  });
});
