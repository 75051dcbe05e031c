import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import request from 'supertest';
import { bearerAuthenticator } from '../../src/accounts/routes';
import { eventFeedRoutes, type EventFeedDeps, type FeedItem } from '../../src/audit/event-feed';
import type { EventStore } from '../../src/eventstore/types';
import { createApp } from '../../src/http/app';
import type { TestApp } from '../support/app';
import { registerAccount, startAccountsApp, uniqueEmail, type Registered } from '../accounts/support';
import { openSse, type SseConnection, type SseMessage } from './sse-client';
import { testFeedEvents } from './test-events';

/** The feed routes on a server of their own, with the options a test needs. */
interface FeedServer {
  base: string;
  server: Server;
}

/** SSE blocks of a raw body: complete messages only (a cut-off last one is left out). */
function parseSse(text: string): SseMessage[] {
  const messages: SseMessage[] = [];
  const blocks = text.split('\n\n');
  blocks.pop();
  for (const block of blocks) {
    const message: SseMessage = { data: '' };
    let isMessage = false;
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) message.id = line.slice(4);
      else if (line.startsWith('event: ')) message.event = line.slice(7);
      else if (line.startsWith('data: ')) {
        message.data += line.slice(6);
        isMessage = true;
      }
    }
    if (isMessage) messages.push(message);
  }
  return messages;
}

describe('Live event streams', () => {
  let t: TestApp;
  const servers: FeedServer[] = [];
  const open: SseConnection[] = [];
  const raw: IncomingMessage[] = [];
  /** readLog calls per tenant that returned events, through the store the feed was given. */
  const reads = new Map<number, { all: number; nonEmpty: number }>();

  const auth = (who: Registered) => ({ Authorization: `Bearer ${who.accessToken}` });
  const head = async (who: Registered) => Number(await t.services.eventStore.head(who.tenantId));

  function countingReads(store: EventStore): EventStore {
    return {
      ...store,
      async readLog(tenant, after, limit, types) {
        const events = await store.readLog(tenant, after, limit, types);
        const count = reads.get(tenant) ?? { all: 0, nonEmpty: 0 };
        count.all++;
        if (events.length > 0) count.nonEmpty++;
        reads.set(tenant, count);
        return events;
      },
    };
  }

  async function serve(options: Partial<EventFeedDeps>): Promise<FeedServer> {
    const app = createApp({
      logger: t.services.logger,
      corsOrigins: [],
      trustProxyHops: 0,
      routes: eventFeedRoutes({ eventStore: countingReads(t.services.eventStore), heartbeatMs: 60_000, events: testFeedEvents, ...options }),
      authenticate: bearerAuthenticator(t.services),
      health: async () => ({ status: 'ok', checks: {} }),
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const feed = { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    servers.push(feed);
    return feed;
  }

  async function sse(feed: FeedServer, who: Registered, query: string, headers: Record<string, string> = {}): Promise<SseConnection> {
    const connection = await openSse(`${feed.base}/api/events/stream?${query}`, { ...auth(who), ...headers });
    open.push(connection);
    return connection;
  }

  async function append(who: Registered, stream: string, count: number, type = 'FeedTested', data: Record<string, unknown> = {}): Promise<void> {
    const events = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type, data: { stream, i, ...data } }));
    await t.services.eventStore.append(who.tenantId, stream, events, 'any');
  }

  /** Another user of the same tenant, signed in: a second consumer of its feed. */
  async function colleague(of: Registered): Promise<Registered> {
    const email = uniqueEmail('analyst');
    const { password_hash } = (await t.services.knex('public.users').where({ id: of.userId }).first('password_hash')) as { password_hash: string };
    const userId = randomUUID();
    await t.services.knex('public.users').insert({ id: userId, tenant_id: of.tenantId, email, password_hash, full_name: 'Noor Haddad', role: 'admin', created_at: new Date() });
    const res = await request(t.app).post('/api/auth/login').send({ email, password: of.password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { ...of, email, userId, accessToken: res.body.access_token, refreshToken: res.body.refresh_token };
  }

  /** Opens streams until one is 200: the server sees a close asynchronously, soon after, not at once. */
  async function eventuallyOpens(feed: FeedServer, who: Registered): Promise<number> {
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      const next = await sse(feed, who, 'after=0');
      status = next.status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    return status;
  }

  beforeAll(async () => {
    t = await startAccountsApp();
  });

  afterEach(() => {
    for (const connection of open.splice(0)) connection.close();
    for (const res of raw.splice(0)) res.destroy();
  });

  afterAll(async () => {
    for (const { server } of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await t.close();
  });

  it("When many streams follow one tenant, then each write is read from the log once, not once per stream, and each stream gets its own types", async () => {
    const seller = await registerAccount(t.app);
    const feed = await serve({ maxStreamsPerTenant: 50, maxStreamsPerConsumer: 50 });
    const STREAMS = 20;
    const WRITES = 5;
    const after = await head(seller);
    const everything = await Promise.all(Array.from({ length: STREAMS / 2 }, () => sse(feed, seller, `after=${after}`)));
    const betasOnly = await Promise.all(Array.from({ length: STREAMS / 2 }, () => sse(feed, seller, `after=${after}&type=FeedBeta`)));
    const stream = `feed-fanout-${randomUUID()}`;
    // Every stream is following live once it has the first event.
    await append(seller, stream, 1, 'FeedBeta');
    await Promise.all([...everything, ...betasOnly].map((c) => c.waitForMessages(1)));
    reads.delete(seller.tenantId);

    for (let i = 0; i < WRITES; i++) {
      await append(seller, stream, 1, i % 2 === 0 ? 'FeedAlpha' : 'FeedBeta');
      await Promise.all(everything.map((c) => c.waitForMessages(2 + i)));
    }
    await Promise.all(betasOnly.map((c) => c.waitForMessages(1 + Math.floor(WRITES / 2))));

    // Reads that found events: one per write at most (a read may pick up two), whatever the
    // number of streams. Empty ones are the periodic re-reads in case a wake-up was lost.
    expect(reads.get(seller.tenantId)?.nonEmpty ?? 0).toBeLessThanOrEqual(WRITES);
    const stored = (await t.services.eventStore.readLog(seller.tenantId, BigInt(after), 100)).map((e) => String(e.position));
    for (const c of everything) expect(c.messages.map((m) => m.id)).toEqual(stored);
    const betas = (await t.services.eventStore.readLog(seller.tenantId, BigInt(after), 100, ['FeedBeta'])).map((e) => String(e.position));
    for (const c of betasOnly) {
      expect(c.messages.map((m) => m.id)).toEqual(betas);
      expect(c.messages.every((m) => m.event === 'FeedBeta')).toBe(true);
    }
  });

  it('When a tenant has as many streams open as allowed, then one more answers 429 with Retry-After, other tenants are not affected, and closing one frees a slot', async () => {
    const seller = await registerAccount(t.app);
    const other = await registerAccount(t.app);
    const feed = await serve({ maxStreamsPerTenant: 3 });
    const held = await Promise.all([1, 2, 3].map(() => sse(feed, seller, 'after=0')));
    expect(held.map((c) => c.status)).toEqual([200, 200, 200]);

    const refused = await fetch(`${feed.base}/api/events/stream`, { headers: auth(seller) });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ status: 429, code: 'rate_limited', detail: expect.stringContaining('3 event streams'), limit: 'EVENT_STREAMS_PER_TENANT', allowed: 3 });

    const theirs = await sse(feed, other, 'after=0');
    expect(theirs.status).toBe(200);

    held[0]!.close();
    // The server sees the close asynchronously: the slot frees up soon after, not at once.
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      const next = await sse(feed, seller, 'after=0');
      status = next.status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
  });

  it("When a consumer has as many streams open as it may, then one more answers 429 naming the consumer cap, while another consumer of the same tenant still gets one, and closing one frees a slot", async () => {
    const seller = await registerAccount(t.app);
    const analyst = await colleague(seller);
    const feed = await serve({ maxStreamsPerTenant: 10, maxStreamsPerConsumer: 2 });
    const held = await Promise.all([1, 2].map(() => sse(feed, seller, 'after=0')));
    expect(held.map((c) => c.status)).toEqual([200, 200]);

    const refused = await fetch(`${feed.base}/api/events/stream`, { headers: auth(seller) });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ status: 429, code: 'rate_limited', detail: expect.stringContaining('2 event streams'), limit: 'EVENT_STREAMS_PER_CONSUMER', allowed: 2 });

    const theirs = await sse(feed, analyst, 'after=0');
    expect(theirs.status).toBe(200);
    // The other consumer's stream follows the log like any other.
    await append(seller, `feed-consumers-${randomUUID()}`, 1);
    await theirs.waitForMessages(await head(seller));

    held[0]!.close();
    expect(await eventuallyOpens(feed, seller)).toBe(200);
  });

  it('When a consumer disconnects abruptly, then its slot is freed', async () => {
    const seller = await registerAccount(t.app);
    const feed = await serve({ maxStreamsPerTenant: 10, maxStreamsPerConsumer: 1 });
    const gone = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${feed.base}/api/events/stream`, { headers: { Accept: 'text/event-stream', ...auth(seller) } }, resolve);
      req.on('error', reject);
      req.end();
    });
    expect(gone.statusCode).toBe(200);
    expect((await fetch(`${feed.base}/api/events/stream`, { headers: auth(seller) })).status).toBe(429);

    // The socket torn down, with no orderly end of the request.
    gone.socket.resetAndDestroy();
    expect(await eventuallyOpens(feed, seller)).toBe(200);
  });

  it("When the tenant's consumers together hold as many streams as the tenant may, then one more answers 429 naming the tenant cap, though none of them is at its own", async () => {
    const seller = await registerAccount(t.app);
    const analysts = [await colleague(seller), await colleague(seller)];
    const feed = await serve({ maxStreamsPerTenant: 4, maxStreamsPerConsumer: 2 });
    const held = [await sse(feed, seller, 'after=0'), await sse(feed, analysts[0]!, 'after=0'), await sse(feed, analysts[0]!, 'after=0'), await sse(feed, analysts[1]!, 'after=0')];
    expect(held.map((c) => c.status)).toEqual([200, 200, 200, 200]);

    for (const who of [seller, analysts[1]!]) {
      const refused = await fetch(`${feed.base}/api/events/stream`, { headers: auth(who) });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ status: 429, limit: 'EVENT_STREAMS_PER_TENANT', allowed: 4 });
    }

    // A slot freed by one consumer goes to whichever asks next.
    held[1]!.close();
    expect(await eventuallyOpens(feed, seller)).toBe(200);
  });

  /**
   * One consumer that stops reading (its socket paused) next to one that reads, while large
   * events are written until the server reports dropping the first. The kernel's socket buffers
   * take a few megabytes before anything waits in the server at all.
   */
  async function slowConsumerDropped() {
    const seller = await registerAccount(t.app);
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const feed = await serve({ maxStreamsPerTenant: 10, streamBufferBytes: 64 * 1024, logger });
    const after = await head(seller);

    const slow = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${feed.base}/api/events/stream?after=${after}`, { headers: { Accept: 'text/event-stream', ...auth(seller) } }, (res) => {
        res.pause();
        resolve(res);
      });
      req.on('error', reject);
      req.end();
    });
    raw.push(slow);
    expect(slow.statusCode).toBe(200);
    const reader = await sse(feed, seller, `after=${after}`);

    const stream = `feed-slow-${randomUUID()}`;
    const blob = 'x'.repeat(32 * 1024);
    let written = 0;
    const dropped = () => lines.some((l) => l.includes('does not keep up'));
    // At most ~40 MB, far beyond what socket buffers hold.
    for (let batch = 0; batch < 160 && !dropped(); batch++) {
      await append(seller, stream, 8, 'FeedTested', { blob });
      written += 8;
      await reader.waitForMessages(written, 30_000);
    }
    return { seller, feed, after, slow, reader, stream, written, dropped: dropped() };
  }

  /** Everything the paused consumer had been sent, read once it reads again, up to the end. */
  function readToEnd(res: IncomingMessage): Promise<{ messages: SseMessage[]; ended: boolean }> {
    let text = '';
    res.setEncoding('utf8');
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ messages: parseSse(text), ended: false }), 20_000);
      const finish = () => {
        clearTimeout(timer);
        resolve({ messages: parseSse(text), ended: true });
      };
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', finish);
      res.once('aborted', finish);
      res.once('error', finish);
      res.once('close', finish);
      res.resume();
    });
  }

  it('When a consumer stops reading, then it is disconnected once its buffer is over the bound, while the others keep receiving', async () => {
    const { seller, after, slow, reader, stream, written, dropped } = await slowConsumerDropped();
    expect(dropped).toBe(true);

    const got = await readToEnd(slow);
    expect(got.ended).toBe(true);
    const stored = (await t.services.eventStore.readLog(seller.tenantId, BigInt(after), 10_000)).map((e) => String(e.position));
    expect(stored).toHaveLength(written);
    // What it received before the cut is the start of the log, in order.
    expect(got.messages.length).toBeLessThan(written);
    expect(got.messages.map((m) => m.id)).toEqual(stored.slice(0, got.messages.length));

    // The reading consumer had everything, and still follows.
    expect(reader.messages.map((m) => m.id)).toEqual(stored);
    await append(seller, stream, 1);
    const last = await head(seller);
    await reader.waitForMessages(written + 1);
    expect(reader.messages[written]!.id).toBe(String(last));
  }, 180_000);

  it('When a dropped consumer reconnects with the Last-Event-ID it had, then it receives the rest: nothing lost, nothing twice', async () => {
    const { seller, feed, after, slow, stream, written, dropped } = await slowConsumerDropped();
    expect(dropped).toBe(true);
    const got = await readToEnd(slow);
    const lastId = got.messages[got.messages.length - 1]?.id ?? String(after);

    const resumed = await sse(feed, seller, `after=${after}`, { 'Last-Event-ID': lastId });
    await append(seller, stream, 2);
    const rest = await resumed.waitForMessages(written + 2 - got.messages.length, 30_000);

    const stored = (await t.services.eventStore.readLog(seller.tenantId, BigInt(after), 10_000)).map((e) => String(e.position));
    expect(stored).toHaveLength(written + 2);
    expect([...got.messages, ...rest].map((m) => m.id)).toEqual(stored);
    const items = rest.map((m) => JSON.parse(m.data) as FeedItem);
    expect(items[items.length - 1]).toMatchObject({ stream, version: written + 2 });
    await new Promise((r) => setTimeout(r, 150));
    expect(resumed.messages).toHaveLength(rest.length);
  }, 180_000);
});
