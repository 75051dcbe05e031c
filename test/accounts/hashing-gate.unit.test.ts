import { boundedConcurrency } from '../../src/shared/bounded-concurrency';

/** The gate every bcrypt computation of a process goes through (src/accounts/passwords.ts). */
describe('The bounded gate', () => {
  const deferred = () => {
    let resolve!: (value: string) => void;
    const promise = new Promise<string>((r) => (resolve = r));
    return { promise, resolve };
  };
  const busy = () => new Error('busy');

  it('When more tasks arrive than run and wait, then the extra ones are refused at once, the others run first come first served, and the bound is never passed', async () => {
    const gate = boundedConcurrency({ concurrency: 2, queue: 1, refuse: busy });
    const tasks = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = tasks.map((task, i) =>
      gate.run(() => {
        started.push(i);
        return task.promise;
      }),
    );
    await expect(runs[3]).rejects.toThrow('busy');
    expect(started).toEqual([0, 1]);
    expect(gate.stats()).toMatchObject({ running: 2, waiting: 1, refused: 1 });

    tasks[1]!.resolve('one');
    expect(await runs[1]).toBe('one');
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]); // the waiting one took the freed slot
    tasks[0]!.resolve('zero');
    tasks[2]!.resolve('two');
    expect(await Promise.all([runs[0], runs[2]])).toEqual(['zero', 'two']);
    expect(gate.stats()).toEqual({ running: 0, waiting: 0, peakRunning: 2, peakWaiting: 1, refused: 1 });
  });

  it('When a task fails, then its slot is freed all the same', async () => {
    const gate = boundedConcurrency({ concurrency: 1, queue: 0, refuse: busy });
    await expect(gate.run(() => Promise.reject(new Error('bcrypt failed')))).rejects.toThrow('bcrypt failed');
    expect(await gate.run(() => Promise.resolve('next'))).toBe('next');
    expect(gate.stats()).toMatchObject({ running: 0, refused: 0 });
  });
});
