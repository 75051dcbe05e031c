import bcrypt from 'bcrypt';
import { boundedPasswordHashing, preHash } from '../../src/accounts/passwords';
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

  it('When a priority task arrives with the line full, then it waits in a line of its own and goes first', async () => {
    const gate = boundedConcurrency({ concurrency: 1, queue: 1, refuse: busy });
    const tasks = [deferred(), deferred(), deferred()];
    const order: string[] = [];
    const run = (name: string, task: { promise: Promise<string> }, priority = false) =>
      gate.run(() => {
        order.push(name);
        return task.promise;
      }, { priority });
    const running = run('running', tasks[0]!);
    const queued = run('queued', tasks[1]!);
    await expect(run('refused', deferred())).rejects.toThrow('busy');
    const first = run('first', tasks[2]!, true);
    await expect(run('second first', deferred(), true)).rejects.toThrow('busy'); // its own line is full too
    expect(gate.stats()).toMatchObject({ running: 1, waiting: 2, refused: 2 });
    tasks[0]!.resolve('a');
    tasks[2]!.resolve('c');
    tasks[1]!.resolve('b');
    expect(await Promise.all([running, first, queued])).toEqual(['a', 'c', 'b']);
    expect(order).toEqual(['running', 'first', 'queued']);
  });

  it('When asked whether it would refuse, then it says so by throwing (counted) only when that line is full, and takes no place', async () => {
    const gate = boundedConcurrency({ concurrency: 1, queue: 1, refuse: busy });
    gate.refuseIfFull();
    const task = deferred();
    const running = gate.run(() => task.promise);
    gate.refuseIfFull(); // one place left in the line
    const queued = gate.run(() => Promise.resolve('queued'));
    expect(() => gate.refuseIfFull()).toThrow('busy');
    gate.refuseIfFull({ priority: true }); // the priority line is still empty
    expect(gate.stats()).toMatchObject({ running: 1, waiting: 1, refused: 1 });
    task.resolve('done');
    expect(await Promise.all([running, queued])).toEqual(['done', 'queued']);
  });
});

describe('The password gate keeps the turn of a sign-in refused because the server was busy', () => {
  const PEPPER = 'pepper';
  let hash: string;
  beforeAll(async () => {
    hash = await bcrypt.hash(preHash('secret', PEPPER), 4);
  });
  afterEach(() => jest.restoreAllMocks());

  it('When it comes back once Retry-After has passed, then it waits ahead of first attempts; back too early, it has no turn', async () => {
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const hashing = boundedPasswordHashing(PEPPER, { concurrency: 1, queue: 1 });
    const done: string[] = [];
    const attempt = (name: string, caller?: string) => {
      const p = hashing.verify('secret', hash, caller);
      void p.then(() => done.push(name), () => undefined);
      return p;
    };
    const flood = [attempt('flood 1'), attempt('flood 2')]; // one checking, one waiting: full
    await expect(attempt('patient', 'patient@example.com')).rejects.toMatchObject({ code: 'server_busy' });
    await expect(attempt('hammer', 'hammer@example.com')).rejects.toMatchObject({ code: 'server_busy' });
    now += 500; // the hammering one comes back before its Retry-After: refused, and it starts again
    await expect(attempt('hammer', 'hammer@example.com')).rejects.toMatchObject({ code: 'server_busy' });
    now += 700; // 1.2 s after the first refusals: the patient one has waited, the other not long enough
    const patient = attempt('patient', 'patient@example.com');
    await expect(attempt('hammer', 'hammer@example.com')).rejects.toMatchObject({ code: 'server_busy' });
    await expect(attempt('newcomer', 'new@example.com')).rejects.toMatchObject({ code: 'server_busy' });
    expect(await patient).toBe(true);
    await Promise.all(flood);
    expect(done).toEqual(['flood 1', 'patient', 'flood 2']);
  });

  it('When asked first whether it would refuse, then it answers as verify would, takes nothing, and keeps the turn the same way', async () => {
    let now = 3_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const hashing = boundedPasswordHashing(PEPPER, { concurrency: 1, queue: 1 });
    expect(() => hashing.refuseIfFull('early@example.com')).not.toThrow(); // free: nothing taken
    expect(hashing.stats()).toMatchObject({ running: 0, waiting: 0, refused: 0 });
    const flood = [hashing.verify('secret', hash), hashing.verify('secret', hash)]; // full
    expect(() => hashing.refuseIfFull('patient@example.com')).toThrow(expect.objectContaining({ code: 'server_busy', retryAfterSeconds: 1 }));
    expect(() => hashing.refuseIfFull()).toThrow(expect.objectContaining({ code: 'server_busy' }));
    expect(hashing.stats()).toMatchObject({ running: 1, waiting: 1, refused: 2 });
    now += 1_200; // back after its Retry-After: its turn, kept by the early refusal, lets it wait ahead
    expect(() => hashing.refuseIfFull('patient@example.com')).not.toThrow();
    expect(() => hashing.refuseIfFull('newcomer@example.com')).toThrow(expect.objectContaining({ code: 'server_busy' }));
    expect(await hashing.verify('secret', hash, 'patient@example.com')).toBe(true);
    await Promise.all(flood);
  });

  it('When a turn is kept too long (over 30 s past its Retry-After), then it is lost', async () => {
    let now = 2_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const hashing = boundedPasswordHashing(PEPPER, { concurrency: 1, queue: 1 });
    const flood = [hashing.verify('secret', hash), hashing.verify('secret', hash)];
    await expect(hashing.verify('secret', hash, 'late@example.com')).rejects.toMatchObject({ code: 'server_busy' });
    now += 32_000;
    await expect(hashing.verify('secret', hash, 'late@example.com')).rejects.toMatchObject({ code: 'server_busy' });
    // Within the 30 s, the same would have waited its turn.
    await expect(hashing.verify('secret', hash, 'timely@example.com')).rejects.toMatchObject({ code: 'server_busy' });
    now += 1_500;
    expect(await hashing.verify('secret', hash, 'timely@example.com')).toBe(true);
    await Promise.all(flood);
  });
});
