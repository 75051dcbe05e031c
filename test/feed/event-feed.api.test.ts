import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { bearerAuthenticator } from '../../src/accounts/routes';
import { eventFeedRoutes, type FeedItem } from '../../src/audit/event-feed';
import type { EventStore } from '../../src/eventstore/types';
import { createApp } from '../../src/http/app';
import type { TestApp } from '../support/app';
import { registerAccount, startAccountsApp, type Registered } from '../accounts/support';
import { openSse, type SseConnection } from './sse-client';
import { testFeedEvents } from './test-events';

interface Page {
  items: FeedItem[];
  next_after: number;
}

describe('Event feed API', () => {
  let t: TestApp;
  let seller: Registered;
  let other: Registered;
  let server: Server;
  let base: string;
  const open: SseConnection[] = [];
  /** Subscriptions the SSE routes hold open right now. */
  let watching = 0;

  const auth = (who: Registered) => ({ Authorization: `Bearer ${who.accessToken}` });

  async function append(who: Registered, stream: string, count: number, type = 'FeedTested'): Promise<void> {
    const events = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type, data: { stream, i } }));
    await t.services.eventStore.append(who.tenantId, stream, events, 'any');
  }

  async function page(who: Registered, query: string): Promise<Page> {
    const res = await request(base).get(`/api/events?${query}`).set(auth(who));
    expect(res.status).toBe(200);
    return res.body as Page;
  }

  async function sse(who: Registered, query: string, headers: Record<string, string> = {}): Promise<SseConnection> {
    const connection = await openSse(`${base}/api/events/stream?${query}`, { ...auth(who), ...headers });
    open.push(connection);
    return connection;
  }

  function countingWatchers(store: EventStore): EventStore {
    return {
      ...store,
      async watch(onWake) {
        const stop = await store.watch(onWake);
        watching++;
        return async () => {
          watching--;
          await stop();
        };
      },
    };
  }

  const head = async (who: Registered) => Number(await t.services.eventStore.head(who.tenantId));

  beforeAll(async () => {
    t = await startAccountsApp();
    seller = await registerAccount(t.app);
    other = await registerAccount(t.app);
    // The same routes with a heartbeat short enough to observe.
    const app = createApp({
      logger: t.services.logger,
      corsOrigins: [],
      trustProxyHops: 0,
      routes: eventFeedRoutes({ eventStore: countingWatchers(t.services.eventStore), heartbeatMs: 50, events: testFeedEvents }),
      authenticate: bearerAuthenticator(t.services),
      health: async () => ({ status: 'ok', checks: {} }),
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    for (const connection of open.splice(0)) connection.close();
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  describe('GET /api/events', () => {
    it('When a consumer pages with a small limit while writers keep appending, then it gets every event exactly once, in log order', async () => {
      const start = await head(seller);
      const streams = ['a', 'b', 'c', 'd'].map((s) => `feed-${s}-${randomUUID()}`);
      let writing = true;
      const writers = Promise.all(
        streams.map(async (stream, s) => {
          for (let i = 0; i < 15; i++) await append(seller, stream, 1 + ((i + s) % 3));
        }),
      ).finally(() => (writing = false));

      const seen: FeedItem[] = [];
      let after = start;
      for (;;) {
        const wasWriting = writing;
        const { items, next_after } = await page(seller, `after=${after}&limit=7`);
        seen.push(...items);
        after = next_after;
        // Caught up only counts once the writers had finished before the read began.
        if (items.length === 0 && !wasWriting) break;
      }
      await writers;

      const positions = seen.map((i) => i.position);
      expect(positions).toEqual([...positions].sort((x, y) => x - y));
      expect(new Set(positions).size).toBe(positions.length);
      const stored = await t.services.eventStore.readLog(seller.tenantId, BigInt(start), 10_000);
      expect(positions).toEqual(stored.map((e) => Number(e.position)));
      streams.forEach((stream, s) => {
        const count = Array.from({ length: 15 }, (_, i) => 1 + ((i + s) % 3)).reduce((a, b) => a + b, 0);
        expect(seen.filter((i) => i.stream === stream).map((i) => i.version)).toEqual(Array.from({ length: count }, (_, v) => v + 1));
      });
      expect(seen[0]).toEqual({ id: expect.any(String), position: expect.any(Number), stream: expect.any(String), version: 1, type: 'FeedTested', schema_version: 1, data: expect.any(Object), recorded_at: expect.any(String) });
    });

    it('When the consumer is caught up, then the page is empty and next_after stays where it was', async () => {
      const now = await head(seller);
      expect(await page(seller, `after=${now}`)).toEqual({ items: [], next_after: now });
    });

    it('When types are given, then only events of those types come back', async () => {
      const start = await head(seller);
      const stream = `feed-types-${randomUUID()}`;
      await append(seller, stream, 2, 'FeedAlpha');
      await append(seller, stream, 1, 'FeedBeta');
      await append(seller, stream, 1, 'FeedGamma');
      const one = await page(seller, `after=${start}&type=FeedBeta`);
      expect(one.items.map((i) => [i.type, i.version])).toEqual([['FeedBeta', 3]]);
      const two = await page(seller, `after=${start}&type=FeedAlpha,FeedGamma`);
      expect(two.items.map((i) => i.type)).toEqual(['FeedAlpha', 'FeedAlpha', 'FeedGamma']);
      const repeated = await page(seller, `after=${start}&type=FeedGamma&type=FeedBeta`);
      expect(repeated.items.map((i) => i.type)).toEqual(['FeedBeta', 'FeedGamma']);
    });

    it('When the query is malformed, then 400 names the parameter; without a token, 401', async () => {
      for (const [query, field] of [
        ['limit=1001', 'limit'],
        ['limit=0', 'limit'],
        ['after=-1', 'after'],
        ['after=abc', 'after'],
        ['type=no%20spaces', 'type.0'],
        ['cursor=3', 'cursor'],
      ]) {
        const res = await request(base).get(`/api/events?${query}`).set(auth(seller));
        expect(res.status).toBe(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      expect((await request(t.app).get('/api/events')).status).toBe(401);
      expect((await request(t.app).get('/api/events/stream')).status).toBe(401);
    });

    it("When another tenant writes, then its events never appear in this tenant's feed", async () => {
      const mine = `feed-mine-${randomUUID()}`;
      const theirs = `feed-theirs-${randomUUID()}`;
      await append(seller, mine, 2);
      await append(other, theirs, 3);
      const all: FeedItem[] = [];
      let after = 0;
      for (;;) {
        const { items, next_after } = await page(seller, `after=${after}&limit=1000`);
        if (items.length === 0) break;
        all.push(...items);
        after = next_after;
      }
      expect(all.some((i) => i.stream === mine)).toBe(true);
      expect(all.some((i) => i.stream === theirs)).toBe(false);
      const theirFeed = await page(other, 'after=0&limit=1000');
      expect(theirFeed.items.map((i) => i.stream)).toEqual([theirs, theirs, theirs]);
    });
  });

  describe('GET /api/events/stream', () => {
    it('When a client reconnects with Last-Event-ID, then it resumes after that event: nothing lost, nothing twice, and then follows live', async () => {
      const start = await head(seller);
      const stream = `feed-sse-${randomUUID()}`;
      await append(seller, stream, 2);

      const first = await sse(seller, `after=${start}`);
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(first.headers['x-accel-buffering']).toBe('no');
      expect(first.headers['cache-control']).toContain('no-cache');
      await append(seller, stream, 1); // arrives live
      const received = await first.waitForMessages(3);
      first.close();

      // While the client is away: more of ours, and some of another tenant's.
      await append(seller, stream, 2);
      await append(other, `feed-sse-other-${randomUUID()}`, 2);

      const lastId = received[2]!.id!;
      // The header wins over the query: a browser reconnects to the same URL with Last-Event-ID.
      const second = await sse(seller, `after=${start}`, { 'Last-Event-ID': lastId });
      await append(seller, stream, 1);
      const resumed = await second.waitForMessages(3);

      const all = [...received, ...resumed].map((m) => ({ id: m.id, event: m.event, item: JSON.parse(m.data) as FeedItem }));
      expect(all.map((m) => m.item.version)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(all.every((m) => m.item.stream === stream && m.event === 'FeedTested' && m.id === String(m.item.position))).toBe(true);
      const stored = await t.services.eventStore.readLog(seller.tenantId, BigInt(start), 100);
      expect(all.map((m) => m.item.position)).toEqual(stored.map((e) => Number(e.position)));
      // Nothing more than what was appended: no duplicate slipped in after the resume.
      await new Promise((r) => setTimeout(r, 150));
      expect(second.messages).toHaveLength(3);
    });

    it('When the stream is idle, then keep-alive comments flow at the heartbeat interval', async () => {
      const connection = await sse(seller, `after=${await head(seller)}`);
      await connection.waitForComment('keep-alive', 5000);
      expect(connection.messages).toEqual([]);
    });

    it("When another tenant appends while a client follows, then only the client's own events arrive", async () => {
      const start = await head(other);
      const connection = await sse(other, `after=${start}&type=FeedTested`);
      await append(seller, `feed-noise-${randomUUID()}`, 3);
      const stream = `feed-own-${randomUUID()}`;
      await append(other, stream, 1, 'FeedIgnored');
      await append(other, stream, 1);
      const [message] = await connection.waitForMessages(1);
      expect(JSON.parse(message!.data)).toMatchObject({ stream, version: 2, type: 'FeedTested' });
      await new Promise((r) => setTimeout(r, 150));
      expect(connection.messages).toHaveLength(1);
    });

    it('When the client disconnects, then the server stops following the log for it', async () => {
      const settled = async (count: number) => {
        const deadline = Date.now() + 5000;
        while (watching !== count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        return watching;
      };
      // Connections of earlier tests were closed in afterEach; their clean-up is asynchronous.
      expect(await settled(0)).toBe(0);
      const connection = await sse(seller, `after=${await head(seller)}`);
      await connection.waitForComment('keep-alive', 5000);
      // The heartbeat starts at once; the tenant's reader starts watching the log alongside it.
      expect(await settled(1)).toBe(1);
      connection.close();
      expect(await settled(0)).toBe(0);
    });

    it('When Last-Event-ID is not a position, then 400 before any stream starts', async () => {
      const res = await request(t.app).get('/api/events/stream').set(auth(seller)).set('Last-Event-ID', 'yesterday');
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'Last-Event-ID', message: expect.any(String) }]);
    });
  });

  it('When the OpenAPI document is read, then both feed endpoints are described', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body;
    const list = doc.paths['/api/events'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(['after', 'limit', 'type']);
    expect(Object.keys(list.responses[200].content['application/json'].schema.properties)).toEqual(['items', 'next_after']);
    const live = doc.paths['/api/events/stream'].get;
    expect(live.parameters.map((p: { name: string }) => p.name)).toEqual(['after', 'type', 'Last-Event-ID']);
    expect(Object.keys(live.responses[200].content)).toEqual(['text/event-stream']);
  });
});
