/*
 * The wardrobe the Vinted extension reports, compared with our Vinted listings: a delete that did
 * not hold is done again, an item closed on Vinted ends here, items not in the snapshot are not
 * judged. Through the real observations endpoint and the simulated extension.
 */
import request from 'supertest';
import type { VintedExtensionSimulator } from '../doubles/vinted-extension';
import { JPEG } from '../products/images';
import { createProduct, type Seller } from '../products/support';
import { startPluginApp, type PluginApp } from '../plugin/support';

describe('Vinted drift, seen in the wardrobe', () => {
  let t: PluginApp;
  let seller: Seller;
  let extension: VintedExtensionSimulator;

  beforeAll(async () => {
    t = await startPluginApp({});
    await t.services.startProcessing();
    const { who, extensions } = await t.seller();
    seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    extension = extensions[0]!;
  });
  afterAll(() => t.close());

  async function vintedListing(productId: string, until: (status: string) => boolean) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
      const listing = (res.body.items as { id: string; marketplace: string; status: string; external: Record<string, string> }[]).find((l) => l.marketplace === 'vinted')!;
      if (until(listing.status)) return listing;
      if (Date.now() > deadline) throw new Error(`the Vinted listing stayed ${listing.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function liveOnVinted() {
    const product = await createProduct(t.app, seller, { stock_quantity: 1 });
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    await request(t.app).post(`/api/products/${product.id}/publish`).set(seller.auth).send({ marketplaces: ['vinted'], overrides: { vinted: { category_id: '221' } } }).expect(202);
    const before = extension.succeeded('publish').length;
    await extension.run({ until: (e) => e.succeeded('publish').length > before });
    return { product, listing: await vintedListing(product.id, (s) => s === 'active') };
  }

  const snapshot = () => [...extension.wardrobe.items.values()].map((i) => ({ vinted_item_id: i.vinted_item_id, title: i.title, price: i.price, status: i.status }));

  it('When an item Stoflow deleted shows active in the wardrobe, then it is deleted again; seen deleted afterwards, nothing more happens', async () => {
    const { product, listing } = await liveOnVinted();
    expect((await request(t.app).delete(`/api/products/${product.id}/listings/vinted`).set(seller.auth)).status).toBeLessThan(300);
    const deletes = extension.succeeded('delete').length;
    await extension.run({ until: (e) => e.succeeded('delete').length > deletes });
    await vintedListing(product.id, (s) => s === 'delisted');
    // Vinted brought it back (the delete did not hold).
    extension.wardrobe.items.get(listing.external.item_id!)!.status = 'active';

    expect((await extension.observe({ wardrobe: snapshot() })).status).toBe(202);
    await vintedListing(product.id, (s) => s === 'delisting');
    await extension.run({ until: (e) => e.succeeded('delete').length > deletes + 1 });
    await vintedListing(product.id, (s) => s === 'delisted');
    expect(extension.wardrobe.items.get(listing.external.item_id!)!.status).toBe('deleted');
    const log = await t.services.eventStore.readStream(seller.tenantId, `listing-${listing.id}`);
    expect(log.filter((e) => e.type === 'ListingDelistRequested').map((e) => (e.data as { reason: string }).reason)).toEqual([
      expect.any(String),
      'delisted by Stoflow but still live on Vinted (active in the wardrobe), found by the extension in the wardrobe',
    ]);

    const events = log.length;
    expect((await extension.observe({ wardrobe: snapshot() })).status).toBe(202);
    expect(await t.services.eventStore.readStream(seller.tenantId, `listing-${listing.id}`)).toHaveLength(events);
  }, 60_000);

  it('When a live item shows closed in the wardrobe, then its listing ends here; an item missing from the snapshot is left as it is', async () => {
    const closed = await liveOnVinted();
    const absent = await liveOnVinted();
    extension.wardrobe.items.get(closed.listing.external.item_id!)!.status = 'closed' as never;
    const partial = snapshot().filter((i) => i.vinted_item_id !== absent.listing.external.item_id);
    expect((await extension.observe({ wardrobe: partial })).status).toBe(202);
    await vintedListing(closed.product.id, (s) => s === 'ended_externally');
    expect((await vintedListing(absent.product.id, () => true)).status).toBe('active');
  }, 60_000);
});
