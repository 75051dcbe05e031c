import { registerAccount } from '../accounts/support';
import { pairExtension } from '../doubles/vinted-extension';
import { startPluginApp, type PluginApp } from './support';

describe('The simulated extension working the queue end to end', () => {
  let t: PluginApp;
  beforeAll(async () => {
    t = await startPluginApp({ VINTED_TASK_LEASE_SECONDS: '1' });
  });
  afterAll(async () => t.close());

  it('When tasks to publish, update and delete are queued, then the extension performs them in turn on the wardrobe and reports each, surviving a 403, a crash and a duplicate report', async () => {
    const seller = await registerAccount(t.app);
    const ext = await pairExtension(t.baseUrl, seller.accessToken);
    const publish = await t.enqueue(seller.tenantId, { kind: 'publish', payload: { item: { title: 'Veste velours', price: '35.00' } } });

    ext.crashNext();
    ext.failNext({ status: 403, retryable: true });
    const running = ext.run({ until: (e) => e.succeeded('publish').length === 1, wait: 2 });
    // The crashed lease runs out (1 s); the 403 pauses the account, which the test skips over.
    await new Promise((r) => setTimeout(r, 2500));
    expect(ext.crashed.map((c) => c.id)).toEqual([publish.id]);
    expect(ext.reports.map((r) => [r.task.attempt, (r.answer.body as { state: string }).state])).toEqual([[2, 'queued']]);
    t.clock.advance(2 * 60 * 60_000);
    await running;
    const item = ext.wardrobe.listed()[0]!;
    expect(item).toMatchObject({ title: 'Veste velours', price: '35.00', status: 'active' });
    expect(await t.taskRow(seller.tenantId, publish.id)).toMatchObject({ state: 'succeeded', attempts: 3, result: { ok: true, vinted_item_id: item.vinted_item_id, url: item.url } });

    await t.enqueue(seller.tenantId, { kind: 'update', payload: { vinted_item_id: item.vinted_item_id, changes: { price: '29.00' } } });
    const remove = await t.enqueue(seller.tenantId, { kind: 'delete', payload: { vinted_item_id: item.vinted_item_id } });
    ext.duplicateNextResult();
    await ext.run({ until: (e) => e.reports.some((r) => r.task.kind === 'update'), wait: 1 });
    // The delete went first (it matters most), so the update found nothing left to change.
    expect(ext.received.slice(-2).map((r) => r.kind)).toEqual(['delete', 'update']);
    expect(ext.reports.filter((r) => r.task.id === remove.id).map((r) => (r.answer.body as { duplicate: boolean }).duplicate)).toEqual([false, true]);
    expect(ext.wardrobe.items.get(item.vinted_item_id)?.status).toBe('deleted');
    const heard = t.heard.filter((h) => h.tenant === seller.tenantId).map((h) => [h.task.kind, h.task.state]);
    expect(heard).toEqual([
      ['publish', 'queued'],
      ['publish', 'succeeded'],
      ['delete', 'succeeded'],
      ['update', 'failed'],
    ]);
  });
});
