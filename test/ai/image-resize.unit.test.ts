// Photos for a vision model, sized down: the real sharp on real images made here.
import sharp from 'sharp';
import { downsized, MAX_SIDE } from '../../src/infra/image-resize';

const image = (width: number, height: number, format: 'jpeg' | 'png' = 'jpeg') => sharp({ create: { width, height, channels: 3, background: '#7a5c3e' } })[format]().toBuffer();

describe('Photos sized down for a vision model', () => {
  it('When a photo is larger than 1,024 px, then it is sent as a JPEG whose longest side is 1,024, in proportion', async () => {
    const big = await image(3000, 2000);
    const out = await downsized({ bytes: big, contentType: 'image/jpeg' });
    expect(out.contentType).toBe('image/jpeg');
    expect(await sharp(out.bytes).metadata()).toMatchObject({ width: MAX_SIDE, height: 683, format: 'jpeg' });
    expect(out.bytes.length).toBeLessThan(big.length);
    const tall = await downsized({ bytes: await image(1200, 4000), contentType: 'image/jpeg' });
    expect(await sharp(tall.bytes).metadata()).toMatchObject({ width: 307, height: MAX_SIDE });
  });

  it('When a JPEG is small enough, then it is sent as stored; a PNG becomes a JPEG of the same size', async () => {
    const small = await image(800, 600);
    expect((await downsized({ bytes: small, contentType: 'image/jpeg' })).bytes).toBe(small);
    const png = await downsized({ bytes: await image(640, 480, 'png'), contentType: 'image/png' });
    expect(png.contentType).toBe('image/jpeg');
    expect(await sharp(png.bytes).metadata()).toMatchObject({ width: 640, height: 480, format: 'jpeg' });
  });

  it('When the bytes are not an image the library can read, then they are passed on as they are', async () => {
    const junk = Buffer.from('not an image at all');
    expect(await downsized({ bytes: junk, contentType: 'image/jpeg' })).toEqual({ bytes: junk, contentType: 'image/jpeg' });
  });
});
