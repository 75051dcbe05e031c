import request from 'supertest';
import { startPluginApp, type PluginApp } from './support';

const LEASE_MS = 120_000;

describe('The Vinted task queue: the long-poll and the lease', () => {
  let t: PluginApp;
  beforeAll(async () => {
    t = await startPluginApp({ VINTED_TASK_LEASE_SECONDS: '120' });
  });
  afterAll(async () => t.close());

  it('When a task is enqueued during the wait, then the long-poll returns it within a second, leased to the device', async () => {
    const { who, extensions: [ext] } = await t.seller();
    const started = Date.now();
    const polling = ext!.poll(10);
    await new Promise((r) => setTimeout(r, 300));
    const task = await t.enqueue(who.tenantId, { kind: 'publish', payload: { item: { title: 'Veste en jean', price: '25.00' } } });
    const received = await polling;
    expect(Date.now() - started).toBeLessThan(300 + 1000);
    expect(received).toEqual({
      id: task.id,
      kind: 'publish',
      listing_id: null,
      payload: { item: { title: 'Veste en jean', price: '25.00' } },
      attempt: 1,
      not_before: expect.any(String),
      lease_expires_at: expect.any(String),
      expires_at: null,
    });
    expect(Date.parse(received!.lease_expires_at) - Date.now()).toBeGreaterThan(LEASE_MS - 5000);
    expect(await t.taskRow(who.tenantId, task.id)).toMatchObject({ state: 'leased', leased_by: ext!.device.id, attempts: 1 });
  });

  it('When nothing is due, then the poll answers 204 once the wait is over', async () => {
    const { extensions: [ext] } = await t.seller();
    const started = Date.now();
    const answer = await ext!.request('GET', '/api/plugin/tasks?wait=1');
    expect(answer.status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(2500);
    expect((await ext!.request('GET', '/api/plugin/tasks?wait=31')).status).toBe(400);
  });

  it('When the client goes away during the wait, then the request ends and a task enqueued next goes to the next poll', async () => {
    const { who, extensions: [ext] } = await t.seller();
    const controller = new AbortController();
    const gone = ext!.poll(20, controller.signal).catch((err: Error) => err.name);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.services.vintedWakeups.waiting(who.tenantId)).toBe(1);
    controller.abort();
    expect(await gone).toBe('AbortError');
    await new Promise((r) => setTimeout(r, 100));
    expect(t.services.vintedWakeups.waiting(who.tenantId)).toBe(0);
    const task = await t.enqueue(who.tenantId, { kind: 'sync_sales' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await t.taskRow(who.tenantId, task.id)).toMatchObject({ state: 'queued', leased_by: null });
    expect((await ext!.poll(0))?.id).toBe(task.id);
  });

  it('When one device holds a task, then another polling at the same time gets nothing; once the result is in, it gets the next', async () => {
    const { who, extensions: [a, b] } = await t.seller(2);
    const first = await t.enqueue(who.tenantId, { kind: 'sync_sales' });
    const second = await t.enqueue(who.tenantId, { kind: 'sync_wardrobe' });
    const [ta, tb] = await Promise.all([a!.poll(0), b!.poll(0)]);
    const winner = ta ? a! : b!;
    const loser = ta ? b! : a!;
    expect([ta, tb].filter(Boolean).map((x) => x!.id)).toEqual([first.id]);

    const waiting = loser.poll(5);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await winner.handle(winner.received[0]!);
    expect((await waiting)?.id).toBe(second.id);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('When the lease runs out, then the next poll gets the task (attempt 2), and the first device’s late result is refused', async () => {
    const { who, extensions: [a, b] } = await t.seller(2);
    const task = await t.enqueue(who.tenantId, { kind: 'publish', payload: { item: { title: 'Robe', price: 12 } } });
    a!.crashNext();
    await a!.handle((await a!.poll(0))!);
    expect(a!.crashed).toHaveLength(1);
    expect(await b!.poll(0)).toBeNull();

    t.clock.advance(LEASE_MS + 1000);
    const again = await b!.poll(0);
    expect(again).toMatchObject({ id: task.id, attempt: 2 });
    const late = await a!.report(a!.crashed[0]!, { ok: true, vinted_item_id: '1' });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'task_not_leased', state: 'leased' });
    await b!.handle(again!);
    expect(b!.reports[0]!.answer).toMatchObject({ status: 200, body: { id: task.id, state: 'succeeded', attempts: 2, duplicate: false } });
  });

  it('When a task is enqueued twice with the same key, then it is queued once; cancelling a listing’s tasks leaves the one in flight', async () => {
    const { who, extensions: [ext] } = await t.seller();
    const listingId = '0b0c5a53-2b52-4d3e-9c52-2f4c0f0e9a11';
    const input = { kind: 'publish' as const, listingId, payload: { item: { title: 'Jupe' } }, idempotencyKey: `publish-${listingId}` };
    const first = await t.services.vintedTasks.enqueue(who.tenantId, input);
    const again = await t.services.vintedTasks.enqueue(who.tenantId, { ...input, payload: { other: true } });
    expect(first.created).toBe(true);
    expect(again).toEqual({ task: expect.objectContaining({ id: first.task.id, payload: { item: { title: 'Jupe' } } }), created: false });
    expect((await ext!.poll(0))?.id).toBe(first.task.id);
    const update = await t.enqueue(who.tenantId, { kind: 'update', listingId, payload: { vinted_item_id: '1' } });
    expect(await t.services.vintedTasks.cancel(who.tenantId, listingId)).toBe(1);
    expect(await t.taskRow(who.tenantId, update.id)).toMatchObject({ state: 'cancelled' });
    expect(await t.taskRow(who.tenantId, first.task.id)).toMatchObject({ state: 'leased' });
  });

  it('When a device is revoked while it holds a task, then the task goes back to the queue for another device', async () => {
    const { who, extensions: [a, b] } = await t.seller(2);
    const task = await t.enqueue(who.tenantId, { kind: 'sync_sales' });
    expect((await a!.poll(0))?.id).toBe(task.id);
    await request(t.app).delete(`/api/plugin/devices/${a!.device.id}`).set({ Authorization: `Bearer ${who.accessToken}` }).expect(204);
    expect((await b!.poll(0))?.id).toBe(task.id);
  });
});
