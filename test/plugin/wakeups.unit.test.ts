import { taskWakeups, type QueueWatcher } from '../../src/commands/vinted/wakeups';

function fakeWatcher() {
  let onWake: ((tenant: number | null) => void) | null = null;
  let unwatched = 0;
  const watcher: QueueWatcher = {
    async watch(fn) {
      onWake = fn;
      return async () => void unwatched++;
    },
  };
  return { watcher, wake: (tenant: number | null) => onWake?.(tenant), unwatched: () => unwatched };
}

const never = new AbortController().signal;

describe('Wake-ups of devices waiting for tasks', () => {
  it("When the tenant's queue moves, then its waits end at once and other tenants' waits go on", async () => {
    const w = fakeWatcher();
    const wakeups = taskWakeups(w.watcher);
    const ended: number[] = [];
    const seven = wakeups.wait(7, wakeups.mark(7), 10_000, never).then(() => ended.push(7));
    const eight = wakeups.wait(8, wakeups.mark(8), 200, never).then(() => ended.push(8));
    expect(wakeups.waiting()).toBe(2);
    w.wake(7);
    await seven;
    expect(ended).toEqual([7]);
    await eight;
    expect(ended).toEqual([7, 8]);
    expect(wakeups.waiting()).toBe(0);
  });

  it('When a wake lands between the look at the queue and the wait, then the wait does not start', async () => {
    const w = fakeWatcher();
    const wakeups = taskWakeups(w.watcher);
    await wakeups.wait(7, wakeups.mark(7), 1, never); // starts listening
    const mark = wakeups.mark(7);
    w.wake(7);
    const started = Date.now();
    expect(await wakeups.wait(7, mark, 10_000, never)).toBe(true);
    expect(Date.now() - started).toBeLessThan(100);
    // A wake of everyone counts for every tenant.
    const other = wakeups.mark(9);
    w.wake(null);
    expect(await wakeups.wait(9, other, 10_000, never)).toBe(true);
  });

  it('When the request is aborted, then its wait ends; when the wake-ups close, then every wait ends and says so', async () => {
    const w = fakeWatcher();
    const wakeups = taskWakeups(w.watcher);
    const aborted = new AbortController();
    const waiting = wakeups.wait(3, wakeups.mark(3), 10_000, aborted.signal);
    aborted.abort();
    expect(await waiting).toBe(true);
    const pending = wakeups.wait(3, wakeups.mark(3), 10_000, never);
    await wakeups.close();
    expect(await pending).toBe(false);
    expect(await wakeups.wait(3, wakeups.mark(3), 10_000, never)).toBe(false);
    expect(w.unwatched()).toBe(1);
  });
});
