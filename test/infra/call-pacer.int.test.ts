import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createCallPacer } from '../../src/infra/call-pacer';
import { createLogger } from '../../src/infra/logger';
import { redisCircuit, type RedisCircuit } from '../../src/infra/redis';

const logger = createLogger({ level: 'silent' });

/** A pacer that records the waits it is told instead of sleeping them, as a process of its own would. */
function processPacer(circuit: RedisCircuit | undefined, prefix: string, perSecond = 5, burst = 1) {
  const waits: number[] = [];
  const pacer = createCallPacer({ perSecond, burst, prefix, circuit, sleep: async (ms) => void waits.push(ms) });
  return { pacer, waits };
}

describe('The pace of marketplace calls, shared through Redis', () => {
  const clients: Redis[] = [];
  const circuits: RedisCircuit[] = [];
  const circuit = () => {
    const client = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 0 });
    clients.push(client);
    const c = redisCircuit(client, logger);
    circuits.push(c);
    return c;
  };
  beforeAll(async () => {
    await Promise.all([circuit(), circuit()].map((c) => c.client.ping()));
  });
  afterAll(() => {
    for (const c of circuits) c.close();
    for (const c of clients) c.disconnect();
  });

  it('When two processes call for the same shop, then their calls are spaced together, one interval apart; another shop has its own pace', async () => {
    const prefix = `pace:test:${randomUUID()}`;
    const told: number[] = [];
    const pacers = [0, 1].map((n) => createCallPacer({ perSecond: 5, prefix, circuit: circuits[n], sleep: async (ms) => void told.push(ms) }));
    for (let i = 0; i < 6; i++) {
      const before = told.length;
      await pacers[i % 2]!.acquire('shop-1');
      if (told.length === before) told.push(0);
    }
    // Turns reserved 200 ms apart from the first; each wait is its turn less the time already gone.
    expect(told[0]).toBe(0);
    told.slice(1).forEach((wait, i) => {
      expect(wait).toBeLessThanOrEqual(200 * (i + 1));
      expect(wait).toBeGreaterThan(200 * (i + 1) - 150);
    });

    const c = processPacer(circuits[1], prefix);
    await c.pacer.acquire('shop-2');
    expect(c.waits).toEqual([]);
  });

  it('When a burst is allowed, then that many calls go at once and the next waits its interval', async () => {
    const prefix = `pace:test:${randomUUID()}`;
    const a = processPacer(circuits[0], prefix, 5, 3);
    for (let i = 0; i < 4; i++) await a.pacer.acquire('shop');
    expect(a.waits).toHaveLength(1);
    expect(a.waits[0]).toBeGreaterThan(50);
    expect(a.waits[0]).toBeLessThanOrEqual(200);
  });

  it('When one process is told to wait (429 Retry-After), then no process calls that shop before the time is up', async () => {
    const prefix = `pace:test:${randomUUID()}`;
    const [a, b] = [processPacer(circuits[0], prefix), processPacer(circuits[1], prefix)];
    await a.pacer.holdOff('shop', 3000);
    await b.pacer.acquire('shop');
    expect(b.waits).toHaveLength(1);
    expect(b.waits[0]).toBeGreaterThan(2800);
    expect(b.waits[0]).toBeLessThanOrEqual(3000);
    expect(await circuits[0]!.client.pttl(`${prefix}:shop`)).toBeGreaterThan(3000);
  });

  it("When one process hears the marketplace's daily budget is under its reserve, then no process gives a normal call a turn, and urgent calls still get theirs", async () => {
    const prefix = `pace:test:${randomUUID()}`;
    const [a, b] = [processPacer(circuits[0], prefix), processPacer(circuits[1], prefix)];
    expect(await b.pacer.acquire('shop')).toEqual({ granted: true });
    await a.pacer.observe('shop', { remainingToday: 99, reserve: 500 });
    expect(await b.pacer.acquire('shop')).toEqual({ granted: false, remainingToday: 99, reserve: 500 });
    expect(await b.pacer.acquire('shop', 'urgent')).toEqual({ granted: true });
    expect(await b.pacer.acquire('other-shop')).toEqual({ granted: true });
    await a.pacer.observe('shop', { remainingToday: 600 });
    expect(await b.pacer.acquire('shop')).toEqual({ granted: true });
    expect(await circuits[0]!.client.pttl(`${prefix}:shop:stated`)).toBeGreaterThan(4 * 60_000);
  });

  it("When the marketplace states a per-second limit lower than the pace, then every process spaces its calls by the marketplace's figure, one at a time", async () => {
    const prefix = `pace:test:${randomUUID()}`;
    const [a, b] = [processPacer(circuits[0], prefix, 10, 10), processPacer(circuits[1], prefix, 10, 10)];
    await a.pacer.acquire('shop');
    await a.pacer.observe('shop', { perSecond: 2 });
    await b.pacer.acquire('shop');
    expect(b.waits).toHaveLength(1);
    expect(b.waits[0]).toBeGreaterThan(350);
    expect(b.waits[0]).toBeLessThanOrEqual(500);
  });

  it('When Redis is not reachable, then each process keeps the pace in its own memory', async () => {
    const down = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    down.on('error', () => undefined);
    const offline = redisCircuit(down, logger);
    try {
      const [a, b] = [processPacer(offline, 'pace:offline'), processPacer(offline, 'pace:offline')];
      await a.pacer.acquire('shop');
      await a.pacer.acquire('shop');
      await b.pacer.acquire('shop');
      expect(a.waits).toHaveLength(1);
      expect(a.waits[0]).toBeGreaterThan(150);
      expect(b.waits).toEqual([]);
      await a.pacer.holdOff('shop', 2000);
      await a.pacer.acquire('shop');
      expect(a.waits[1]).toBeGreaterThan(1900);
      // What the marketplace said is kept in memory too.
      await a.pacer.observe('shop', { remainingToday: 10, reserve: 50, perSecond: 1 });
      expect(await a.pacer.acquire('shop')).toMatchObject({ granted: false, remainingToday: 10 });
      expect(await a.pacer.acquire('shop', 'urgent')).toEqual({ granted: true });
      expect(await b.pacer.acquire('shop')).toEqual({ granted: true });
    } finally {
      offline.close();
      down.disconnect();
    }
  });

  it('When publications are waiting their turns, then an urgent call (a delist) goes at once and they move back one turn; after a 429, it waits out the hold-off like the rest', async () => {
    for (const shared of [true, false]) {
      const prefix = `pace:test:${randomUUID()}`;
      const a = processPacer(shared ? circuits[0] : undefined, prefix);
      for (let i = 0; i < 5; i++) await a.pacer.acquire('account', 'normal');
      // Four turns queued behind the first: the last told to wait about 800 ms.
      expect(a.waits.at(-1)).toBeGreaterThan(600);
      const before = a.waits.length;
      expect(await a.pacer.acquire('account', 'urgent')).toEqual({ granted: true });
      expect(a.waits.slice(before)).toEqual([]);
      // The next publication's turn comes after the delist's.
      await a.pacer.acquire('account', 'normal');
      expect(a.waits.at(-1)).toBeGreaterThan(900);

      await a.pacer.holdOff('account', 3000);
      const held = a.waits.length;
      await a.pacer.acquire('account', 'urgent');
      expect(a.waits.slice(held)).toHaveLength(1);
      expect(a.waits.at(-1)).toBeGreaterThan(2500);
      expect(a.waits.at(-1)).toBeLessThanOrEqual(3000);
    }
  });
});
