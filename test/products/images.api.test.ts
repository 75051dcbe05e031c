import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { GIF, JPEG, PNG, TEXT, WEBP } from './images';
import { createProduct, etag, fieldsOf, logHead, registerSeller, startProductsApp, type Seller } from './support';

describe('Product images', () => {
  let t: TestApp;
  let seller: Seller;
  // A data folder of its own, so the files on disk can be counted.
  const dataDir = mkdtempSync(join(tmpdir(), 'stoflow-images-'));

  beforeAll(async () => {
    t = await startProductsApp({ STOFLOW_DATA_DIR: dataDir });
    seller = await registerSeller(t.app);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const storedFiles = () => (existsSync(join(dataDir, 'images')) ? readdirSync(join(dataDir, 'images')).length : 0);

  const upload = (id: string, files: [Buffer, string][], field = 'file') => {
    let req = request(t.app).post(`/api/products/${id}/images`).set(seller.auth);
    for (const [content, name] of files) req = req.attach(field, content, name);
    return req;
  };
  const fileOf = (url: string) => join(dataDir, 'images', url.replace('/media/', ''));

  it('When a JPEG, a PNG and a WebP are uploaded, then it answers 201 with them in order, served back under unguessable names', async () => {
    const product = await createProduct(t.app, seller);
    const res = await upload(product.id, [
      [JPEG, 'front.jpg'],
      [PNG, 'back.png'],
      [WEBP, 'label.webp'],
    ]);
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe(etag(4));
    const images = res.body.images as { id: string; url: string; content_type: string; size_bytes: number; position: number }[];
    expect(images.map((i) => [i.content_type, i.size_bytes, i.position])).toEqual([
      ['image/jpeg', JPEG.length, 0],
      ['image/png', PNG.length, 1],
      ['image/webp', WEBP.length, 2],
    ]);
    for (const image of images) expect(image.url).toMatch(/^\/media\/[0-9a-f]{64}\.(jpg|png|webp)$/);
    const served = await request(t.app).get(images[1]!.url).buffer(true);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(served.body as Buffer, PNG)).toBe(0);
  });

  it('When a file only claims to be an image, then it answers 422 naming file and keeps nothing', async () => {
    const product = await createProduct(t.app, seller);
    const before = await logHead(t, seller);
    const files = storedFiles();
    for (const [content, name] of [
      [TEXT, 'photo.jpg'],
      [GIF, 'anim.gif'],
    ] as [Buffer, string][]) {
      const res = await upload(product.id, [[content, name]]);
      expect(res.status).toBe(422);
      expect(fieldsOf(res.body)).toEqual(['file']);
    }
    expect(await logHead(t, seller)).toBe(before);
    expect(storedFiles()).toBe(files);
  });

  it('When a file is larger than 10 MB, then it answers 422 naming file', async () => {
    const product = await createProduct(t.app, seller);
    const big = Buffer.concat([JPEG, Buffer.alloc(10 * 1024 * 1024)]);
    const res = await upload(product.id, [[big, 'huge.jpg']]);
    expect(res.status).toBe(422);
    expect(fieldsOf(res.body)).toEqual(['file']);
  });

  it('When the product would hold more than 20 images, then it answers 422 naming file and the files are not kept', async () => {
    const product = await createProduct(t.app, seller);
    await upload(product.id, Array.from({ length: 19 }, (_, i) => [PNG, `${i}.png`] as [Buffer, string])).expect(201);
    const files = storedFiles();
    const res = await upload(product.id, [
      [PNG, 'a.png'],
      [PNG, 'b.png'],
    ]);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('too_many_images');
    expect(fieldsOf(res.body)).toEqual(['file']);
    expect((await request(t.app).get(`/api/products/${product.id}`).set(seller.auth)).body.images).toHaveLength(19);
    expect(storedFiles()).toBe(files);
  });

  it('When no file is sent, or the body is not multipart, then the problem names file', async () => {
    const product = await createProduct(t.app, seller);
    const empty = await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).field('note', 'no file');
    expect(empty.status).toBe(422);
    expect(fieldsOf(empty.body)).toEqual(['file']);
    const json = await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).send({ file: 'abc' });
    expect(json.status).toBe(400);
    expect(fieldsOf(json.body)).toEqual(['file']);
  });

  it('When an image is removed, then it answers 204, leaves the product and its file is deleted', async () => {
    const product = await createProduct(t.app, seller);
    const images = (await upload(product.id, [
      [PNG, 'a.png'],
      [JPEG, 'b.jpg'],
    ])).body.images as { id: string; url: string }[];
    expect(existsSync(fileOf(images[0]!.url))).toBe(true);
    const res = await request(t.app).delete(`/api/products/${product.id}/images/${images[0]!.id}`).set(seller.auth);
    expect(res.status).toBe(204);
    expect(res.headers.etag).toBe(etag(4));
    const after = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    expect(after.body.images.map((i: { id: string; position: number }) => [i.id, i.position])).toEqual([[images[1]!.id, 0]]);
    expect(existsSync(fileOf(images[0]!.url))).toBe(false);
    expect((await request(t.app).get(images[0]!.url)).status).toBe(404);
  });

  it('When an unknown image is removed, then it answers 404', async () => {
    const product = await createProduct(t.app, seller);
    expect((await request(t.app).delete(`/api/products/${product.id}/images/0f0e0d0c-0000-4000-8000-000000000000`).set(seller.auth)).status).toBe(404);
  });

  it('When the images are put in a new order, then it answers 200 with that order', async () => {
    const product = await createProduct(t.app, seller);
    const ids = ((await upload(product.id, [
      [PNG, 'a.png'],
      [JPEG, 'b.jpg'],
      [WEBP, 'c.webp'],
    ])).body.images as { id: string }[]).map((i) => i.id);
    const res = await request(t.app).put(`/api/products/${product.id}/images/order`).set(seller.auth).send({ image_ids: [ids[2], ids[0], ids[1]] });
    expect(res.status).toBe(200);
    expect(res.body.images.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[0], ids[1]]);
    expect(res.headers.etag).toBe(etag(5));
  });

  it.each([
    [422, 'image_ids', (ids: string[]) => ({ image_ids: [ids[0]] })],
    [422, 'image_ids', (ids: string[]) => ({ image_ids: [ids[0], ids[0]] })],
    [400, 'image_ids', () => ({ image_ids: 'all' })],
    [400, 'order', (ids: string[]) => ({ image_ids: ids, order: 'asc' })],
  ])('When the new order is refused (%i), then the problem names %s', async (status, field, body) => {
    const product = await createProduct(t.app, seller);
    const ids = ((await upload(product.id, [
      [PNG, 'a.png'],
      [JPEG, 'b.jpg'],
    ])).body.images as { id: string }[]).map((i) => i.id);
    const res = await request(t.app).put(`/api/products/${product.id}/images/order`).set(seller.auth).send(body(ids));
    expect(res.status).toBe(status);
    expect(fieldsOf(res.body)).toEqual([field]);
  });

  it('When the product is sold, then images cannot be added (422) and the upload is not kept', async () => {
    const product = await createProduct(t.app, seller, { stock_quantity: 1 });
    await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 10 }).expect(201);
    const files = storedFiles();
    const res = await upload(product.id, [[PNG, 'late.png']]);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('product_sold');
    expect(storedFiles()).toBe(files);
  });

  it('When a media name is made up, then it answers 404', async () => {
    expect((await request(t.app).get(`/media/${'0'.repeat(64)}.png`)).status).toBe(404);
    expect((await request(t.app).get('/media/../../etc/passwd')).status).toBe(404);
  });
});
