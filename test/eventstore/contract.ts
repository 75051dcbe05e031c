import { randomUUID } from 'node:crypto';
import type { EventStore, ExpectedVersion, NewEvent } from '../../src/eventstore/types';
import { subscribe } from '../../src/eventstore/subscribe';
import { ConcurrencyError } from '../../src/shared/errors';

/**
 * The behaviour every event store adapter owes its callers. Each test makes its own tenant.
 * `makeStore` must build the store with `productUpcasters` (the upcasting tests rely on them).
 */
export interface StoreUnderTest {
  store: EventStore;
  tenant(): Promise<number>;
  close(): Promise<void>;
}

export const ev = (type = 'ThingHappened', data: unknown = { n: 1 }, extra: Partial<NewEvent> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  ...extra,
});

export const streamId = (category = 'thing') => `${category}-${randomUUID()}`;

async function versionConflict(promise: Promise<unknown>): Promise<ConcurrencyError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ConcurrencyError);
  return error as ConcurrencyError;
}

export function describeEventStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`${name} event store contract`, () => {
    let sut: StoreUnderTest;
    let store: EventStore;
    let tenant: number;

    beforeAll(async () => {
      sut = await makeStore();
      store = sut.store;
    });
    afterAll(async () => {
      await sut.close();
    });
    beforeEach(async () => {
      tenant = await sut.tenant();
    });

    describe('append and read', () => {
      it('When events are appended to a new stream, then they read back with the whole envelope', async () => {
        // Arrange
        const stream = streamId();
        const metadata = { actor: randomUUID(), correlation_id: randomUUID(), causation_id: randomUUID(), request_id: 'req-1' };
        const first = ev('ThingCreated', { name: 'lamp' }, { metadata });
        const second = ev('ThingRenamed', { name: 'desk lamp' }, { metadata, schemaVersion: 3 });
        // Act
        const result = await store.append(tenant, stream, [first, second], 'no_stream');
        const read = await store.readStream(tenant, stream);
        // Assert
        expect(result).toEqual({ nextExpectedVersion: 2, firstPosition: read[0]?.position, lastPosition: read[1]?.position, duplicate: false });
        expect(read.map((e) => [e.id, e.type, e.streamVersion, e.schemaVersion])).toEqual([
          [first.id, 'ThingCreated', 1, 1],
          [second.id, 'ThingRenamed', 2, 3],
        ]);
        expect(read[0]).toMatchObject({ streamId: stream, data: { name: 'lamp' }, metadata });
        expect(typeof read[0]?.position).toBe('bigint');
        expect(read[0]?.recordedAt).toBeInstanceOf(Date);
        expect(read[1]!.position).toBeGreaterThan(read[0]!.position);
      });

      it('When a stream is read with from, direction and limit, then the matching slice comes back in that order', async () => {
        const stream = streamId();
        await store.append(tenant, stream, [1, 2, 3, 4, 5].map((n) => ev('Counted', { n })), 'no_stream');

        const forwards = await store.readStream(tenant, stream, { from: 2, limit: 2 });
        const backwards = await store.readStream(tenant, stream, { direction: 'backwards', limit: 2 });
        const backFrom = await store.readStream(tenant, stream, { direction: 'backwards', from: 2 });
        const absent = await store.readStream(tenant, streamId());

        expect(forwards.map((e) => e.streamVersion)).toEqual([2, 3]);
        expect(backwards.map((e) => e.streamVersion)).toEqual([5, 4]);
        expect(backFrom.map((e) => e.streamVersion)).toEqual([2, 1]);
        expect(absent).toEqual([]);
      });

      it('When several streams are appended, then the log returns every event once in position order', async () => {
        const a = streamId();
        const b = streamId();
        await store.append(tenant, a, [ev('A1')], 'no_stream');
        await store.append(tenant, b, [ev('B1'), ev('B2')], 'no_stream');
        await store.append(tenant, a, [ev('A2')], 1);

        const log = await store.readLog(tenant, 0n, 100);
        const afterFirst = await store.readLog(tenant, log[0]!.position, 2);
        const onlyB = await store.readLog(tenant, 0n, 100, ['B1', 'B2']);

        expect(log.map((e) => e.type)).toEqual(['A1', 'B1', 'B2', 'A2']);
        for (let i = 1; i < log.length; i++) expect(log[i]!.position).toBeGreaterThan(log[i - 1]!.position);
        expect(afterFirst.map((e) => e.type)).toEqual(['B1', 'B2']);
        expect(onlyB.map((e) => e.type)).toEqual(['B1', 'B2']);
        expect(await store.head(tenant)).toBe(log[3]!.position);
      });

      it('When two tenants use the same stream id, then each reads only its own events', async () => {
        const other = await sut.tenant();
        const stream = streamId();
        await store.append(tenant, stream, [ev('Mine')], 'no_stream');
        await store.append(other, stream, [ev('Theirs'), ev('Theirs')], 'no_stream');

        expect((await store.readStream(tenant, stream)).map((e) => e.type)).toEqual(['Mine']);
        expect((await store.readLog(tenant, 0n, 10)).map((e) => e.type)).toEqual(['Mine']);
        expect((await store.readLog(other, 0n, 10)).map((e) => e.type)).toEqual(['Theirs', 'Theirs']);
      });

      it('When consumers are behind, then backlog counts the events of their types past each position, up to the cap', async () => {
        const a = streamId();
        await store.append(tenant, a, [ev('A1'), ev('B1'), ev('A2')], 'no_stream');
        await store.append(tenant, streamId(), [ev('A3')], 'no_stream');
        const log = await store.readLog(tenant, 0n, 100);
        const head = await store.head(tenant);

        const counts = await store.backlog(
          tenant,
          [
            { after: 0n, types: ['A1', 'A2', 'A3'] },
            { after: log[1]!.position, types: ['A1', 'A2', 'A3'] },
            { after: 0n, types: ['B1'] },
            { after: head, types: ['A1', 'A2', 'A3', 'B1'] },
            { after: 0n, types: [] },
            { after: 0n, types: ['Other'] },
          ],
          100,
        );
        const capped = await store.backlog(tenant, [{ after: 0n, types: ['A1', 'A2', 'A3'] }], 2);

        expect(counts).toEqual([3, 2, 1, 0, 0, 0]);
        expect(capped).toEqual([2]);
        expect(await store.backlog(tenant, [], 100)).toEqual([]);
      });

      it('When the log is empty, then head is 0', async () => {
        expect(await store.head(tenant)).toBe(0n);
        expect(await store.readLog(tenant, 0n, 10)).toEqual([]);
      });
    });

    describe('expected version', () => {
      const cases: { name: string; existing: number; expected: ExpectedVersion; ok: boolean }[] = [
        { name: 'an exact version that matches', existing: 2, expected: 2, ok: true },
        { name: 'an exact version behind the stream', existing: 2, expected: 1, ok: false },
        { name: 'an exact version ahead of the stream', existing: 2, expected: 3, ok: false },
        { name: 'exact 0 on a new stream', existing: 0, expected: 0, ok: true },
        { name: 'exact 0 on an existing stream', existing: 1, expected: 0, ok: false },
        { name: 'no_stream on a new stream', existing: 0, expected: 'no_stream', ok: true },
        { name: 'no_stream on an existing stream', existing: 2, expected: 'no_stream', ok: false },
        { name: 'stream_exists on an existing stream', existing: 1, expected: 'stream_exists', ok: true },
        { name: 'stream_exists on a new stream', existing: 0, expected: 'stream_exists', ok: false },
        { name: 'any on a new stream', existing: 0, expected: 'any', ok: true },
        { name: 'any on an existing stream', existing: 3, expected: 'any', ok: true },
      ];
      it.each(cases)('When appending with $name, then it succeeds only if the stream agrees', async ({ existing, expected, ok }) => {
        // Arrange
        const stream = streamId();
        if (existing > 0) await store.append(tenant, stream, Array.from({ length: existing }, () => ev()), 'no_stream');
        // Act
        const attempt = store.append(tenant, stream, [ev('Next')], expected);
        // Assert
        if (ok) {
          await expect(attempt).resolves.toMatchObject({ nextExpectedVersion: existing + 1, duplicate: false });
        } else {
          const error = await versionConflict(attempt);
          expect(error.actual).toBe(existing);
          expect(error.expected).toBe(expected);
          expect((await store.readStream(tenant, stream)).length).toBe(existing);
        }
      });

      it('When ten writers append at the same expected version, then exactly one wins and the rest learn the actual version', async () => {
        const stream = streamId();
        await store.append(tenant, stream, [ev()], 'no_stream');

        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => store.append(tenant, stream, [ev()], 1)));

        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(9);
        for (const error of lost) expect(error).toMatchObject({ actual: 2 });
        expect((await store.readStream(tenant, stream)).map((e) => e.streamVersion)).toEqual([1, 2]);
      });
    });

    describe('idempotent retries', () => {
      it('When the same events are appended again, then the original result returns and nothing is written', async () => {
        const stream = streamId();
        const events = [ev('One'), ev('Two')];
        const original = await store.append(tenant, stream, events, 'no_stream');
        const headBefore = await store.head(tenant);

        const retry = await store.append(tenant, stream, events, 'no_stream');

        expect(retry).toEqual({ ...original, duplicate: true });
        expect(await store.readStream(tenant, stream)).toHaveLength(2);
        expect(await store.head(tenant)).toBe(headBefore);
      });

      it('When a retry arrives after the stream moved on, then it still answers with the original result', async () => {
        const stream = streamId();
        await store.append(tenant, stream, [ev()], 'no_stream');
        const events = [ev('Retried')];
        const original = await store.append(tenant, stream, events, 1);
        await store.append(tenant, stream, [ev('Later')], 2);

        const retry = await store.append(tenant, stream, events, 1);

        expect(retry).toEqual({ ...original, duplicate: true });
        expect((await store.readStream(tenant, stream)).map((e) => e.type)).toEqual(['ThingHappened', 'Retried', 'Later']);
      });
    });

    describe('atomic multi-event appends', () => {
      it('When a multi-event append conflicts, then none of its events is stored', async () => {
        const stream = streamId();
        await store.append(tenant, stream, [ev()], 'no_stream');
        const headBefore = await store.head(tenant);

        await versionConflict(store.append(tenant, stream, [ev('X'), ev('Y'), ev('Z')], 'no_stream'));

        expect(await store.readStream(tenant, stream)).toHaveLength(1);
        expect(await store.head(tenant)).toBe(headBefore);
      });

      it('When multi-event appends race with a reader, then the reader sees each append whole or not at all', async () => {
        const streams = Array.from({ length: 6 }, () => streamId());
        const observations: number[][] = [];
        let writing = true;
        const reader = (async () => {
          while (writing) {
            const log = await store.readLog(tenant, 0n, 10_000);
            observations.push(streams.map((s) => log.filter((e) => e.streamId === s).length));
          }
        })();

        await Promise.all(streams.map(async (s) => {
          for (let round = 0; round < 4; round++) await store.append(tenant, s, Array.from({ length: 5 }, () => ev()), round * 5);
        }));
        writing = false;
        await reader;

        const final = await store.readLog(tenant, 0n, 10_000);
        expect(final).toHaveLength(120);
        for (const counts of observations) for (const count of counts) expect(count % 5).toBe(0);
        // Each append is one block of the log: nothing from another append lands inside it.
        final.forEach((event, i) => {
          if (event.streamVersion % 5 !== 1) expect(final[i - 1]).toMatchObject({ streamId: event.streamId, streamVersion: event.streamVersion - 1 });
        });
      });
    });

    describe('schema versions', () => {
      it('When a v1 ProductCreated is read, then it arrives upcast to v2 with prices in cents on every read path', async () => {
        const stream = streamId('product');
        const v1 = ev('ProductCreated', { title: 'Levi 501', price: 19.9, cost_price: 7.5, brand: 'Levi' }, { schemaVersion: 1 });
        await store.append(tenant, stream, [v1], 'no_stream');

        const [fromStream] = await store.readStream(tenant, stream);
        const [fromLog] = await store.readLog(tenant, 0n, 10);

        for (const read of [fromStream, fromLog]) {
          expect(read?.schemaVersion).toBe(2);
          expect(read?.data).toEqual({ title: 'Levi 501', price_cents: 1990, cost_price_cents: 750, brand: 'Levi' });
        }
      });

      it('When an event is appended without a schema version, then it is stored as the current one and not upcast again', async () => {
        const stream = streamId('product');
        await store.append(tenant, stream, [ev('ProductCreated', { title: 'Mug', price_cents: 500 })], 'no_stream');

        const [read] = await store.readStream(tenant, stream);

        expect(read).toMatchObject({ schemaVersion: 2, data: { title: 'Mug', price_cents: 500 } });
      });
    });

    describe('following the log', () => {
      it('When events are appended, then a watcher is woken for that tenant', async () => {
        const woken: (number | null)[] = [];
        let resolveWake!: () => void;
        const wokenForTenant = new Promise<void>((resolve) => (resolveWake = resolve));
        const stop = await store.watch((t) => {
          woken.push(t);
          if (t === tenant) resolveWake();
        });
        try {
          await store.append(tenant, streamId(), [ev()], 'no_stream');
          await wokenForTenant;
        } finally {
          await stop();
        }
        expect(woken).toContain(tenant);
      });

      it('When a subscriber starts behind the head, then it catches up and follows new events in log order', async () => {
        const stream = streamId();
        await store.append(tenant, stream, [ev('Old1'), ev('Old2')], 'no_stream');
        const seen: string[] = [];
        let resolveAll!: () => void;
        const allSeen = new Promise<void>((resolve) => (resolveAll = resolve));
        const subscription = await subscribe(store, tenant, 0n, (event) => {
          seen.push(event.type);
          if (seen.length === 4) resolveAll();
        }, { batchSize: 1 });
        try {
          await store.append(tenant, stream, [ev('New1'), ev('New2')], 2);
          await allSeen;
        } finally {
          await subscription.stop();
        }
        expect(seen).toEqual(['Old1', 'Old2', 'New1', 'New2']);
        expect(subscription.position(tenant)).toBe(await store.head(tenant));
      });
    });
  });
}
