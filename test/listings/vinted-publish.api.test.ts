import request from 'supertest';
import type { VintedExtensionSimulator } from '../doubles/vinted-extension';
import { JPEG } from '../products/images';
import { createProduct, type Seller } from '../products/support';
import { startPluginApp, type PluginApp } from '../plugin/support';

interface Listing {
  id: string;
  marketplace: string;
  status: string;
  url: string | null;
  external: Record<string, string>;
  version: number;
  last_error: { reason: string; errors: { id: string; message: string }[]; retryable: boolean } | null;
}

describe('Publishing to Vinted (through the simulated extension)', () => {
  let t: PluginApp;

  beforeAll(async () => {
    t = await startPluginApp({ PUBLIC_BASE_URL: 'https://stoflow.test' });
    await t.services.startProcessing();
  });
  afterAll(async () => t.close());

  async function connectedSeller(): Promise<{ seller: Seller; extension: VintedExtensionSimulator }> {
    const { who, extensions } = await t.seller();
    return { seller: { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } }, extension: extensions[0]! };
  }

  async function photographedProduct(seller: Seller, overrides: Record<string, unknown> = {}) {
    const product = await createProduct(t.app, seller, overrides);
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    return product;
  }

  async function vintedListing(seller: Seller, productId: string, until: (l: Listing) => boolean): Promise<Listing> {
    // Generous: the reactors run beside the rest of the suite.
    const deadline = Date.now() + 40_000;
    for (;;) {
      const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
      expect(res.status).toBe(200);
      const listing = (res.body.items as Listing[]).find((l) => l.marketplace === 'vinted');
      if (listing && until(listing)) return listing;
      if (Date.now() > deadline) throw new Error(`the Vinted listing never got there: ${JSON.stringify(listing)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('When a seller publishes to Vinted, then the extension receives the item with fresh photo links, and its report makes the listing active; a price change and a delisting follow the same way', async () => {
    const { seller, extension } = await connectedSeller();
    const product = await photographedProduct(seller, { condition: 'good', color: 'black', brand: 'Nike', size: 'm' });
    const res = await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['vinted'], overrides: { vinted: { category_id: '221', package_size: 'medium' } } });
    expect(res.status).toBe(202);
    // Queued for the extension, not yet on Vinted.
    await vintedListing(seller, product.id, (l) => l.status === 'publishing');

    await extension.run({ until: (e) => e.succeeded('publish').length === 1 });
    const task = extension.succeeded('publish')[0]!.task;
    const item = task.payload.item as Record<string, unknown>;
    expect(item).toMatchObject({ title: product.title, price: '39.90', currency: 'EUR', status_id: '3', catalog_id: '221', brand: 'Nike', size: 'M', color_ids: ['1'], package_size: 'medium' });
    expect(item.photo_files).toBeUndefined();
    const links = item.photo_urls as string[];
    expect(links).toHaveLength(1);
    const photo = await request(t.app).get(new URL(links[0]!).pathname);
    expect(photo.status).toBe(200);
    expect(Buffer.compare(photo.body as Buffer, JPEG)).toBe(0);

    const active = await vintedListing(seller, product.id, (l) => l.status === 'active');
    const onVinted = extension.wardrobe.listed()[0]!;
    expect(active.external.item_id).toBe(onVinted.vinted_item_id);
    expect(active.url).toBe(onVinted.url);
    const log = await t.services.eventStore.readStream(seller.tenantId, `listing-${active.id}`);
    expect(log.map((e) => e.type)).toEqual(['ListingQueued', 'ListingPublishStarted', 'ListingPublished']);
    expect(log[2]!.metadata).toMatchObject({ actor: 'vinted-extension', causation_id: task.id });

    // The price changes: the whole item goes again, and the listing records the version Vinted shows.
    const current = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    const patched = await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', current.headers.etag!).send({ price: 35 });
    expect(patched.status).toBe(200);
    await extension.run({ until: (e) => e.succeeded('update').length === 1 });
    const update = extension.succeeded('update')[0]!.task;
    expect(update.payload).toMatchObject({ vinted_item_id: onVinted.vinted_item_id, product_version: patched.body.version, item: { price: '35.00' } });
    expect(onVinted.price).toBe('35.00');
    const updated = await vintedListing(seller, product.id, (l) => l.version > active.version);
    const afterUpdate = await t.services.eventStore.readStream(seller.tenantId, `listing-${updated.id}`);
    expect(afterUpdate.at(-1)).toMatchObject({ type: 'ListingUpdated', data: { product_version: patched.body.version } });

    // Delisted by the seller: Vinted's item is deleted and the listing ends.
    expect((await request(t.app).delete(`/api/products/${product.id}/listings/vinted`).set(seller.auth)).status).toBeLessThan(300);
    await extension.run({ until: (e) => e.succeeded('delete').length === 1 });
    expect(extension.succeeded('delete')[0]!.task.payload).toEqual({ vinted_item_id: onVinted.vinted_item_id, correlation_id: expect.any(String) });
    expect(onVinted.status).toBe('deleted');
    const ended = await vintedListing(seller, product.id, (l) => l.status === 'delisted');
    expect(ended.url).toBeNull();
  });

  it('When Vinted refuses the item, then the listing fails with Vinted’s own message and the seller can retry it', async () => {
    const { seller, extension } = await connectedSeller();
    // No catalog chosen: women-t-shirts has no Vinted catalog of its own, its root "women" does.
    const product = await photographedProduct(seller);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['vinted'] }).expect(202);
    extension.failNext({ status: 400, retryable: false, body: JSON.stringify({ code: 99, message: 'Le catalogue choisi n’existe plus' }) });
    await extension.run({ until: (e) => e.reports.length === 1 });
    const failed = await vintedListing(seller, product.id, (l) => l.status === 'failed');
    expect(failed.last_error).toMatchObject({ reason: expect.stringContaining('Le catalogue choisi n’existe plus'), errors: [{ id: 'vinted_400', message: 'Le catalogue choisi n’existe plus' }], retryable: false });
    expect(extension.wardrobe.listed()).toHaveLength(0);
    expect(extension.received[0]!.payload.item).toMatchObject({ catalog_id: '1904' });

    const retry = await request(t.app).post(`/api/listings/${failed.id}/retry`).set(seller.auth);
    expect(retry.status).toBeLessThan(300);
    await extension.run({ until: (e) => e.succeeded('publish').length === 1 });
    // A new attempt is a new task: the refused one is not handed out again.
    expect(new Set(extension.received.filter((r) => r.kind === 'publish').map((r) => r.id)).size).toBe(2);
    const active = await vintedListing(seller, product.id, (l) => l.status === 'active');
    expect(active.external.item_id).toBe(extension.wardrobe.listed()[0]!.vinted_item_id);
  });

  it('When no extension comes for a week, then the publication expires and the listing shows it failed, to retry; a delete never expires', async () => {
    const { seller, extension } = await connectedSeller();
    const product = await photographedProduct(seller, { condition: 'good', color: 'black', brand: 'Nike', size: 'm' });
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['vinted'], overrides: { vinted: { category_id: '221' } } }).expect(202);
    const waiting = await vintedListing(seller, product.id, (l) => l.status === 'publishing');
    // The listing says publishing a moment before its task is queued.
    const queued = async () => (await t.services.pool.query<{ kind: string; expires_at: Date | null; created_at: Date }>(`select kind, expires_at, created_at from ${t.services.tenancy.table(seller.tenantId, 'vinted_tasks')} where listing_id = $1`, [waiting.id])).rows;
    for (const deadline = Date.now() + 20_000; (await queued()).length === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    const rows = await queued();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.expires_at!.getTime() - rows[0]!.created_at.getTime()).toBe(168 * 3600_000);

    // A week later the seller's browser opens (the week brought to now): the task has expired,
    // nothing is handed out.
    const tasks = t.services.tenancy.table(seller.tenantId, 'vinted_tasks');
    await t.services.pool.query(`update ${tasks} set expires_at = $2 where listing_id = $1`, [waiting.id, new Date(t.clock.now().getTime() - 60_000)]);
    expect(await extension.poll()).toBeNull();
    const failed = await vintedListing(seller, product.id, (l) => l.status === 'failed');
    expect(failed.last_error).toMatchObject({ retryable: false, errors: [{ id: 'expired' }] });
    expect(extension.wardrobe.listed()).toEqual([]);
    expect((await request(t.app).post(`/api/listings/${failed.id}/retry`).set(seller.auth)).status).toBeLessThan(300);
    await extension.run({ until: (e) => e.succeeded('publish').length === 1 });
    await vintedListing(seller, product.id, (l) => l.status === 'active');

    expect((await request(t.app).delete(`/api/products/${product.id}/listings/vinted`).set(seller.auth)).status).toBeLessThan(300);
    const deletes = async () => (await t.services.pool.query<{ expires_at: Date | null }>(`select expires_at from ${tasks} where listing_id = $1 and kind = 'delete'`, [waiting.id])).rows;
    for (const deadline = Date.now() + 20_000; (await deletes()).length === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    expect(await deletes()).toEqual([{ expires_at: null }]);
  }, 120_000);

  it('When the item cannot go to Vinted as it is, then nothing is queued and the 422 names each field', async () => {
    const { seller, extension } = await connectedSeller();
    const product = await photographedProduct(seller, { condition: 'for_parts', description: 'Voir aussi https://shop.example.com ou écrivez à moi@example.com' });
    const res = await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['vinted'], overrides: { vinted: { category_id: 'robes' } } });
    expect(res.status).toBe(422);
    expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['condition', 'description', 'overrides.vinted.category_id']);
    expect(await extension.poll(0)).toBeNull();
  });

  it('When a device reports on another seller’s listing task, then that listing does not move', async () => {
    const mine = await connectedSeller();
    const theirs = await connectedSeller();
    const product = await photographedProduct(mine.seller);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(mine.seller.auth).send({ marketplaces: ['vinted'], overrides: { vinted: { category_id: '221' } } }).expect(202);
    await vintedListing(mine.seller, product.id, (l) => l.status === 'publishing');
    // The other seller's extension sees nothing of it, and cannot report on it.
    expect(await theirs.extension.poll(0)).toBeNull();
    const [task] = await waitForTask(mine.extension);
    expect((await theirs.extension.report(task, { ok: true, vinted_item_id: '1' })).status).toBe(404);
    await mine.extension.report(task, { ok: true, vinted_item_id: '4242', url: 'https://www.vinted.fr/items/4242-jean' });
    const active = await vintedListing(mine.seller, product.id, (l) => l.status === 'active');
    expect(active.external.item_id).toBe('4242');
  });

  it('When the last unit sells elsewhere while the Vinted publication still waits for the extension, then it is withdrawn and never goes to Vinted', async () => {
    const { seller, extension } = await connectedSeller();
    const product = await photographedProduct(seller);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['vinted'], overrides: { vinted: { category_id: '221' } } }).expect(202);
    await vintedListing(seller, product.id, (l) => l.status === 'publishing');
    // Sold in the shop before the extension came for the task.
    await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 39.9 }).expect(201);
    const ended = await vintedListing(seller, product.id, (l) => l.status === 'delisted');
    const log = await t.services.eventStore.readStream(seller.tenantId, `listing-${ended.id}`);
    expect(log.at(-1)).toMatchObject({ type: 'ListingDelisted', data: { reason: 'the product sold out' } });
    expect(await extension.poll(0)).toBeNull();
    expect(extension.wardrobe.listed()).toEqual([]);
  });

  async function waitForTask(extension: VintedExtensionSimulator) {
    const task = await extension.poll(5);
    if (!task) throw new Error('no task came');
    return [task] as const;
  }
});
