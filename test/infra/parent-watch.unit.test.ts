import { watchParent } from '../../src/infra/parent-watch';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watchParent', () => {
  it('Given a process npm started, when its parent changes, then it is told once', async () => {
    let parent = 4242;
    let told = 0;
    watchParent(() => told++, { env: { npm_lifecycle_event: 'worker' }, everyMs: 5, parentPid: () => parent });
    await tick(30);
    expect(told).toBe(0);
    parent = 1; // adopted by init: npm is gone
    await tick(30);
    parent = 7; // and however often it changes after
    await tick(30);
    expect(told).toBe(1);
  });

  it('Given a process npm did not start, when its parent changes, then nothing happens (it may be meant to outlive it)', async () => {
    let parent = 4242;
    let told = 0;
    watchParent(() => told++, { env: {}, everyMs: 5, parentPid: () => parent });
    parent = 1;
    await tick(30);
    expect(told).toBe(0);
  });

  it('Given a process already adopted by init, then it is not watched', async () => {
    let parent = 1;
    let told = 0;
    watchParent(() => told++, { env: { npm_lifecycle_event: 'start' }, everyMs: 5, parentPid: () => parent });
    parent = 99;
    await tick(30);
    expect(told).toBe(0);
  });

  it('Given a watch, when it is cancelled, then a later change is not reported', async () => {
    let parent = 4242;
    let told = 0;
    const cancel = watchParent(() => told++, { env: { npm_lifecycle_event: 'start' }, everyMs: 5, parentPid: () => parent });
    cancel();
    parent = 1;
    await tick(30);
    expect(told).toBe(0);
  });
});
