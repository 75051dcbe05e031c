import { registerAccount } from '../accounts/support';
import { pairExtension, type VintedExtensionSimulator } from '../doubles/vinted-extension';
import { startPluginApp, type PluginApp } from './support';

describe('What the extension observes on Vinted', () => {
  let t: PluginApp;
  beforeAll(async () => {
    t = await startPluginApp();
  });
  afterAll(async () => t.close());

  async function paired(): Promise<{ tenant: number; ext: VintedExtensionSimulator }> {
    const who = await registerAccount(t.app);
    return { tenant: who.tenantId, ext: await pairExtension(t.baseUrl, who.accessToken) };
  }

  const stored = async (tenant: number) =>
    (await t.services.pool.query(`select kind, vinted_item_id, order_id, data, device_id, observed_at from ${t.services.tenancy.table(tenant, 'vinted_observations')} order by id`)).rows;

  it('When sales, removals and the wardrobe are reported, then each is stored raw once (202), and seen again adds nothing', async () => {
    const { tenant, ext } = await paired();
    const item = ext.wardrobe.publish({ title: 'Blouson cuir', price: '80.00' });
    const other = ext.wardrobe.publish({ title: 'Bottes', price: '45.00' });
    const { sale, answer } = await ext.sell(item.vinted_item_id);
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });
    const batch = {
      observed_at: '2025-03-01T10:00:00.000Z',
      sold: [sale],
      removed: [{ vinted_item_id: '123' }],
      wardrobe: [{ vinted_item_id: other.vinted_item_id, title: 'Bottes', price: '45.00', status: 'active' }],
    };
    expect((await ext.observe(batch)).body).toEqual({ accepted: 2, duplicates: 1 });
    expect((await ext.observe(batch)).body).toEqual({ accepted: 0, duplicates: 3 });
    // The wardrobe item changed: that is a new fact.
    const cheaper = { ...batch, sold: [], removed: [], wardrobe: [{ ...batch.wardrobe[0]!, price: 39 }] };
    expect((await ext.observe(cheaper)).body).toEqual({ accepted: 1, duplicates: 0 });

    const rows = await stored(tenant);
    expect(rows.map((r) => [r.kind, r.vinted_item_id, r.order_id])).toEqual([
      ['sold', item.vinted_item_id, sale.order_id],
      ['removed', '123', null],
      ['wardrobe', other.vinted_item_id, null],
      ['wardrobe', other.vinted_item_id, null],
    ]);
    expect(rows[0]).toMatchObject({ data: { vinted_item_id: item.vinted_item_id, order_id: sale.order_id, price: '80.00', currency: 'EUR' }, device_id: ext.device.id });
    expect(rows[1].observed_at.toISOString()).toBe('2025-03-01T10:00:00.000Z');
    expect(rows[3].data.price).toBe(39);
  });

  it('When an observation is malformed or too large, then 400 names the fields and nothing is stored', async () => {
    const { tenant, ext } = await paired();
    const bad = await ext.request('POST', '/api/plugin/observations', {
      observed_at: 'yesterday',
      sold: [{ vinted_item_id: '1 OR 1=1', order_id: '', price: -1, currency: 'euro' }],
      removed: [{}],
      extra: true,
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual([
      'extra',
      'observed_at',
      'removed.0.vinted_item_id',
      'sold.0.currency',
      'sold.0.order_id',
      'sold.0.price',
      'sold.0.vinted_item_id',
    ]);
    const tooMany = await ext.observe({ removed: Array.from({ length: 501 }, (_, i) => ({ vinted_item_id: String(i) })) });
    expect(tooMany.status).toBe(400);
    expect((tooMany.body as { errors: { field: string }[] }).errors[0]!.field).toBe('removed');
    expect(await stored(tenant)).toEqual([]);
  });

  it('When what Vinted shows holds a NUL or an unpaired surrogate, then it is stored with U+FFFD in their place, and the rest of the report with it', async () => {
    const { tenant, ext } = await paired();
    const answer = await ext.observe({ wardrobe: [{ vinted_item_id: '5', title: 'Robe\u0000 en lin \ud800', price: 3, status: 'active' }], removed: [{ vinted_item_id: '6' }] });
    expect(answer.status).toBe(202);
    const rows = (await stored(tenant)) as { kind: string; data: { title?: string } }[];
    expect(rows.map((r) => r.kind).sort()).toEqual(['removed', 'wardrobe']);
    expect(rows.find((r) => r.kind === 'wardrobe')!.data.title).toBe('Robe\uFFFD en lin \uFFFD');
  });
});
