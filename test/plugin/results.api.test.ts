import { retellVintedResults } from '../../src/commands/vinted/lease-task';
import { startPluginApp, type PluginApp } from './support';

const LEASE_MS = 120_000;

describe('The Vinted task queue: results, retries and expiry', () => {
  let t: PluginApp;
  beforeAll(async () => {
    t = await startPluginApp({ VINTED_TASK_LEASE_SECONDS: '120' });
  });
  afterAll(async () => t.close());

  it('When a result comes for an unknown task, another tenant’s task, or with an invalid body, then 404, 404 and 400 naming the fields', async () => {
    const [{ who, extensions: [mine] }, { extensions: [theirs] }] = await Promise.all([t.seller(), t.seller()]);
    const task = await t.enqueue(who.tenantId, { kind: 'sync_sales' });
    const leased = (await mine!.poll(0))!;
    expect((await theirs!.report(leased, { ok: true })).status).toBe(404);
    expect((await theirs!.poll(0))).toBeNull();
    const unknown = await mine!.report({ ...leased, id: '00000000-0000-4000-8000-000000000000' }, { ok: true });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'task_not_found' } });

    const invalid = await mine!.request('POST', `/api/plugin/tasks/${task.id}/result`, { ok: false, status: 'x', body: 'b'.repeat(4001) });
    expect(invalid.status).toBe(400);
    expect((invalid.body as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual(['body', 'retryable', 'status']);
    const unknownField = await mine!.request('POST', `/api/plugin/tasks/${task.id}/result`, { ok: true, tenant_id: 1 });
    expect((unknownField.body as { errors: { field: string }[] }).errors).toEqual([{ field: 'tenant_id', message: 'is not allowed' }]);
    expect(await t.taskRow(who.tenantId, task.id)).toMatchObject({ state: 'leased' });
  });

  it('When the extension reports, then the hook hears each result with the tenant and the task as it now is; a duplicate report is answered again and heard once', async () => {
    const { who, extensions: [ext] } = await t.seller();
    const listingId = '6f1f7b1e-9f7a-4c1e-8a52-0d5f7e0c1a01';
    const task = await t.enqueue(who.tenantId, { kind: 'publish', listingId, payload: { item: { title: 'Pull', price: '9.90' } } });
    ext!.duplicateNextResult();
    await ext!.run({ until: (e) => e.reports.length >= 2 });
    const [first, duplicate] = ext!.reports;
    expect(first!.answer.body).toMatchObject({ state: 'succeeded', duplicate: false });
    expect(duplicate!.answer).toMatchObject({ status: 200, body: { state: 'succeeded', duplicate: true } });
    const heard = t.heard.filter((h) => h.tenant === who.tenantId);
    expect(heard).toHaveLength(1);
    const item = ext!.wardrobe.listed()[0]!;
    expect(heard[0]).toEqual({
      tenant: who.tenantId,
      task: expect.objectContaining({ id: task.id, kind: 'publish', listingId, state: 'succeeded', attempts: 1, leasedBy: null }),
      result: { ok: true, vinted_item_id: item.vinted_item_id, url: item.url, observed: { status: 'active', title: 'Pull', price: '9.90' } },
    });
    expect(await t.taskRow(who.tenantId, task.id)).toMatchObject({ state: 'succeeded', reported_by: ext!.device.id, result: { ok: true, vinted_item_id: item.vinted_item_id } });
    // Another report than the one recorded is not a duplicate.
    expect((await ext!.report(first!.task, { ok: false, retryable: false })).status).toBe(409);
  });

  it('When a failure is retryable, then the task is queued again for later and not handed out before; a permanent failure fails it', async () => {
    const { who, extensions: [ext] } = await t.seller();
    const task = await t.enqueue(who.tenantId, { kind: 'update', payload: { vinted_item_id: '1', changes: { price: '8.00' } } });
    ext!.failNext({ status: 502, retryable: true, body: 'Bad gateway' });
    await ext!.handle((await ext!.poll(0))!);
    const answer = ext!.reports[0]!.answer.body as { state: string; not_before: string };
    expect(answer.state).toBe('queued');
    const delay = Date.parse(answer.not_before) - t.clock.now().getTime();
    expect(delay).toBeGreaterThan(20_000);
    expect(delay).toBeLessThan(40_000);
    expect(await ext!.poll(0)).toBeNull();
    expect(t.heard.filter((h) => h.tenant === who.tenantId).map((h) => [h.task.state, h.result])).toEqual([['queued', { ok: false, status: 502, body: 'Bad gateway', retryable: true }]]);

    t.clock.advance(40_000);
    ext!.failNext({ status: 422, retryable: false, body: '{"message":"Brand is required"}' });
    const retried = await ext!.poll(0);
    expect(retried).toMatchObject({ id: task.id, attempt: 2 });
    await ext!.handle(retried!);
    expect(ext!.reports[1]!.answer.body).toMatchObject({ state: 'failed', attempts: 2 });
    expect(await t.taskRow(who.tenantId, task.id)).toMatchObject({ state: 'failed', result: { ok: false, status: 422, retryable: false } });
    expect(t.heard.filter((h) => h.tenant === who.tenantId).map((h) => h.task.state)).toEqual(['queued', 'failed']);
  });

  it('When Vinted answers 403, then the whole account pauses: nothing is handed out until the pause ends', async () => {
    const { who, extensions: [ext] } = await t.seller();
    const blocked = await t.enqueue(who.tenantId, { kind: 'publish', payload: { item: { title: 'Sac', price: 30 } } });
    ext!.failNext({ status: 403, retryable: true, body: '<html>DataDome</html>' });
    await ext!.handle((await ext!.poll(0))!);
    const sync = await t.enqueue(who.tenantId, { kind: 'sync_sales' });
    expect(await ext!.poll(0)).toBeNull();
    const { rows } = await t.services.pool.query(`select paused_until, pause_reason from ${t.services.tenancy.table(who.tenantId, 'vinted_pace')}`);
    expect(rows[0].pause_reason).toBe('Vinted answered 403');
    expect(rows[0].paused_until.getTime() - t.clock.now().getTime()).toBeGreaterThan(59 * 60_000);
    expect(Date.parse((ext!.reports[0]!.answer.body as { not_before: string }).not_before) - t.clock.now().getTime()).toBeGreaterThanOrEqual(59 * 60_000);

    t.clock.advance(61 * 60_000);
    expect((await ext!.poll(0))?.id).toBe(sync.id);
    await ext!.handle(ext!.received[1]!);
    t.clock.advance(30 * 60_000);
    expect((await ext!.poll(0))?.id).toBe(blocked.id);
  });

  it('When a task is past its expiry, then it is never handed out: it expires, and the hook hears it', async () => {
    const { who, extensions: [ext] } = await t.seller();
    const stale = await t.enqueue(who.tenantId, { kind: 'update', payload: { vinted_item_id: '1' }, ttlMs: 5000 });
    const fresh = await t.enqueue(who.tenantId, { kind: 'sync_wardrobe' });
    t.clock.advance(6000);
    expect((await ext!.poll(0))?.id).toBe(fresh.id);
    expect(await t.taskRow(who.tenantId, stale.id)).toMatchObject({ state: 'expired' });
    expect(t.heard.filter((h) => h.tenant === who.tenantId)).toEqual([
      { tenant: who.tenantId, task: expect.objectContaining({ id: stale.id, state: 'expired' }), result: { ok: false, retryable: false, reason: 'expired', body: expect.any(String) } },
    ]);
    await ext!.handle(ext!.received[0]!);
    expect(await ext!.poll(0)).toBeNull();
  });

  it('When no result comes back from five leases, then the task fails as abandoned', async () => {
    const { who, extensions: [ext] } = await t.seller();
    const task = await t.enqueue(who.tenantId, { kind: 'sync_sales' });
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await ext!.poll(0)).toMatchObject({ id: task.id, attempt });
      t.clock.advance(LEASE_MS + 1000);
    }
    expect(await ext!.poll(0)).toBeNull();
    expect(await t.taskRow(who.tenantId, task.id)).toMatchObject({ state: 'failed', attempts: 5, result: { ok: false, reason: 'abandoned' } });
    expect(t.heard.find((h) => h.task.id === task.id)?.result).toMatchObject({ reason: 'abandoned', body: 'No result came back from 5 attempts' });
  });

  it('When a delete keeps failing (Vinted unreachable, or no result coming back), then it is never given up: it is tried again at the capped backoff', async () => {
    const { who, extensions: [ext] } = await t.seller();
    const item = ext!.wardrobe.publish({ title: 'Veste en jean', price: '30.00' });
    const task = await t.enqueue(who.tenantId, { kind: 'delete', payload: { vinted_item_id: item.vinted_item_id } });
    for (let attempt = 1; attempt <= 6; attempt++) {
      const leased = await ext!.poll(0);
      expect(leased).toMatchObject({ id: task.id, attempt });
      // One lease runs out; the others are answered 502.
      if (attempt === 3) t.clock.advance(LEASE_MS + 1000);
      else {
        ext!.failNext({ status: 502, retryable: true, body: 'Bad gateway' });
        await ext!.handle(leased!);
        expect(await t.taskRow(who.tenantId, task.id)).toMatchObject({ state: 'queued', attempts: attempt });
        t.clock.advance(31 * 60_000);
      }
    }
    const last = await ext!.poll(0);
    expect(last).toMatchObject({ id: task.id, attempt: 7 });
    await ext!.handle(last!);
    expect(await t.taskRow(who.tenantId, task.id)).toMatchObject({ state: 'succeeded', attempts: 7 });
    expect(item.status).toBe('deleted');
  });

  it('When the hook fails on an outcome, then housekeeping tells it again until it is heard, and never again after', async () => {
    const { who, extensions: [ext] } = await t.seller();
    const task = await t.enqueue(who.tenantId, { kind: 'sync_wardrobe' });
    t.failHooks(1);
    await ext!.run({ until: (e) => e.reports.length >= 1 });
    const heardOf = () => t.heard.filter((h) => h.task.id === task.id);
    expect(heardOf()).toHaveLength(1);
    const row = await t.taskRow(who.tenantId, task.id);
    expect(row).toMatchObject({ state: 'succeeded', told_at: null });

    // Too recent for housekeeping: the report may still be on its way to the listener.
    expect(await retellVintedResults(t.services.vintedQueue, who.tenantId)).toBe(0);
    expect(await retellVintedResults(t.services.vintedQueue, who.tenantId, { olderThanMs: 0 })).toBe(1);
    expect(heardOf()).toHaveLength(2);
    expect(heardOf()[1]!.task).toMatchObject({ id: task.id, state: 'succeeded' });
    expect(heardOf()[1]!.result).toMatchObject({ ok: true });
    const told = await t.taskRow(who.tenantId, task.id);
    expect((told.told_at as Date).getTime()).toBe((told.updated_at as Date).getTime());
    expect(await retellVintedResults(t.services.vintedQueue, who.tenantId, { olderThanMs: 0 })).toBe(0);
    expect(heardOf()).toHaveLength(2);
  });
});
