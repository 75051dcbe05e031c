import { registerAccount } from '../accounts/support';
import { pairExtension, type VintedExtensionSimulator } from '../doubles/vinted-extension';
import { startPluginApp, type PluginApp } from './support';

const GAP_MS = 2000;

describe("The pace of a seller's Vinted account", () => {
  let t: PluginApp;
  beforeAll(async () => {
    t = await startPluginApp({ VINTED_MIN_GAP_SECONDS: '2', VINTED_MAX_GAP_SECONDS: '2', VINTED_WRITES_PER_HOUR: '3' });
  });
  afterAll(async () => t.close());

  async function paired(): Promise<{ tenant: number; ext: VintedExtensionSimulator }> {
    const who = await registerAccount(t.app);
    return { tenant: who.tenantId, ext: await pairExtension(t.baseUrl, who.accessToken) };
  }

  async function take(ext: VintedExtensionSimulator, wait = 0) {
    const task = await ext.poll(wait);
    if (task) await ext.handle(task);
    return task;
  }

  it('When a write was just handed out, then the next write waits the gap while a sync may go in between', async () => {
    const { tenant, ext } = await paired();
    const first = await t.enqueue(tenant, { kind: 'publish', payload: { item: { title: 'Chemise', price: 15 } } });
    const second = await t.enqueue(tenant, { kind: 'publish', payload: { item: { title: 'Pantalon', price: 20 } } });
    expect((await take(ext))?.id).toBe(first.id);
    expect(await take(ext)).toBeNull();
    const sync = await t.enqueue(tenant, { kind: 'sync_sales' });
    expect((await take(ext))?.id).toBe(sync.id);

    // A long-poll sleeps until the gap is over, then gets the write.
    const started = Date.now();
    const next = await take(ext, 5);
    expect(next?.id).toBe(second.id);
    const handedAt = Date.now();
    expect(handedAt - started).toBeLessThan(GAP_MS + 500);
    const leases = ext.received.filter((r) => r.kind === 'publish').map((r) => Date.parse(r.lease_expires_at));
    expect(leases[1]! - leases[0]!).toBeGreaterThanOrEqual(GAP_MS);
  });

  it('When the hour holds the cap of writes, then the next write waits until the first of them is an hour old', async () => {
    const { tenant, ext } = await paired();
    const writes = [];
    for (let i = 0; i < 4; i++) writes.push(await t.enqueue(tenant, { kind: 'update', payload: { vinted_item_id: String(i), changes: {} } }));
    for (let i = 0; i < 3; i++) {
      expect((await take(ext))?.id).toBe(writes[i]!.id);
      t.clock.advance(GAP_MS);
    }
    t.clock.advance(10 * 60_000);
    expect(await take(ext)).toBeNull();
    t.clock.advance(50 * 60_000 - 3 * GAP_MS - 1000);
    expect(await take(ext)).toBeNull();
    t.clock.advance(1000);
    expect((await take(ext))?.id).toBe(writes[3]!.id);
  });

  it('When a delete and a publish are both due, then the delete goes first', async () => {
    const { tenant, ext } = await paired();
    const publish = await t.enqueue(tenant, { kind: 'publish', payload: { item: { title: 'Manteau', price: 60 } } });
    const wardrobe = await t.enqueue(tenant, { kind: 'sync_wardrobe' });
    const del = await t.enqueue(tenant, { kind: 'delete', payload: { vinted_item_id: '77' } });
    const order = [];
    for (let i = 0; i < 3; i++) {
      order.push((await take(ext))?.id);
      t.clock.advance(GAP_MS);
    }
    expect(order).toEqual([del.id, publish.id, wardrobe.id]);
  });

  it("When a write was just handed out or the hour is full, then a delete still goes at once, and the deletes count among the hour's writes for the publications after them", async () => {
    const { tenant, ext } = await paired();
    for (let i = 0; i < 3; i++) {
      await t.enqueue(tenant, { kind: 'update', payload: { vinted_item_id: String(100 + i), changes: {} } });
      expect((await take(ext))?.kind).toBe('update');
      t.clock.advance(GAP_MS);
    }
    // The hour holds its cap of three writes: a publication waits, a delete does not.
    const publish = await t.enqueue(tenant, { kind: 'publish', payload: { item: { title: 'Blouson', price: 45 } } });
    expect(await take(ext)).toBeNull();
    const del = await t.enqueue(tenant, { kind: 'delete', payload: { vinted_item_id: '101' } });
    expect((await take(ext))?.id).toBe(del.id);
    const second = await t.enqueue(tenant, { kind: 'delete', payload: { vinted_item_id: '102' } });
    expect((await take(ext))?.id).toBe(second.id);
    // The deletes were writes of the hour: once the first update is an hour old the hour still
    // holds three (two updates and the deletes), so the publication waits for the second update's hour.
    t.clock.advance(60 * 60_000 - 2 * GAP_MS - 1000);
    expect(await take(ext)).toBeNull();
    t.clock.advance(GAP_MS + 1000);
    expect((await take(ext))?.id).toBe(publish.id);
  });
});
