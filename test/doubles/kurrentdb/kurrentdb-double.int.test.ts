import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Position,
} from '@eventstore/db-client';
import { startKurrentDbDouble, type KurrentDbDouble } from './server';

/** The double as @eventstore/db-client sees it: the client's own calls, answers and errors. */
const events = (...types: string[]) => types.map((type) => jsonEvent({ id: randomUUID(), type, data: { type } }));

async function collect<T>(reading: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of reading) found.push(item);
  return found;
}

describe.each([true, false])('KurrentDB double (batch append advertised: %s)', (batchAppend) => {
  let double: KurrentDbDouble;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    double = await startKurrentDbDouble({ batchAppend });
    client = EventStoreDBClient.connectionString(double.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await double.stop();
  });

  it('When events are appended, then the answer carries the revision and the last position, and positions grow across streams', async () => {
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    const first = await client.appendToStream(a, events('A1', 'A2'), { expectedRevision: NO_STREAM });
    const second = await client.appendToStream(b, events('B1'), { expectedRevision: NO_STREAM });

    const read = await collect(client.readStream(a));
    expect(first).toMatchObject({ success: true, nextExpectedRevision: 1n });
    expect(read.map((e) => [e.event?.type, e.event?.revision])).toEqual([['A1', 0n], ['A2', 1n]]);
    expect(first.position?.commit).toBe(read[1]?.event?.position?.commit);
    expect(second.position!.commit).toBeGreaterThan(first.position!.commit);
    expect(read[0]!.event!.created.getTime()).toBeGreaterThan(Date.now() - 60_000);
    // The client picks the RPC from what GetSupportedMethods lists.
    expect(double.calls[batchAppend ? 'batchAppend' : 'append']).toBeGreaterThan(0);
    expect(double.calls[batchAppend ? 'append' : 'batchAppend']).toBeUndefined();
  });

  it('When the expected revision does not hold, then the client throws WrongExpectedVersionError with the actual revision', async () => {
    const stream = `s-${randomUUID()}`;
    await client.appendToStream(stream, events('One', 'Two'), { expectedRevision: NO_STREAM });

    const behind = await client.appendToStream(stream, events('X'), { expectedRevision: 0n }).catch((err: unknown) => err);
    const missing = await client.appendToStream(`s-${randomUUID()}`, events('X'), { expectedRevision: 'stream_exists' }).catch((err: unknown) => err);

    expect(behind).toBeInstanceOf(WrongExpectedVersionError);
    expect(behind).toMatchObject({ streamName: stream, actualVersion: 1n, expectedVersion: 0n });
    expect(missing).toMatchObject({ actualVersion: NO_STREAM, expectedVersion: 'stream_exists' });
  });

  it('When the same event ids are appended again at the same expected revision, then it succeeds without a position and nothing is duplicated', async () => {
    const stream = `s-${randomUUID()}`;
    const batch = events('One', 'Two');
    await client.appendToStream(stream, batch, { expectedRevision: NO_STREAM });

    const retry = await client.appendToStream(stream, batch, { expectedRevision: NO_STREAM });

    expect(retry).toMatchObject({ success: true, nextExpectedRevision: 1n, position: undefined });
    expect(await collect(client.readStream(stream))).toHaveLength(2);
  });

  it('When the same event ids are appended again at the exact revision they were written at, then it succeeds without a position, even after the stream moved on, and nothing is duplicated', async () => {
    const stream = `s-${randomUUID()}`;
    await client.appendToStream(stream, events('E0'), { expectedRevision: NO_STREAM });
    const batch = events('One', 'Two');
    const first = await client.appendToStream(stream, batch, { expectedRevision: 0n });

    const retry = await client.appendToStream(stream, batch, { expectedRevision: 0n });
    await client.appendToStream(stream, events('Three'), { expectedRevision: 2n });
    const late = await client.appendToStream(stream, batch, { expectedRevision: 0n });

    expect(first).toMatchObject({ success: true, nextExpectedRevision: 2n });
    expect(first.position).toBeDefined();
    expect(retry).toMatchObject({ success: true, nextExpectedRevision: 2n, position: undefined });
    // The revision of the last of them, not the stream's: the retry lands where it first did.
    expect(late).toMatchObject({ success: true, nextExpectedRevision: 2n, position: undefined });
    expect((await collect(client.readStream(stream))).map((e) => e.event?.type)).toEqual(['E0', 'One', 'Two', 'Three']);
  });

  it('When only some of the ids match what follows the exact revision, then it is a wrong expected version and nothing is written', async () => {
    const stream = `s-${randomUUID()}`;
    const [one, two] = events('One', 'Two');
    await client.appendToStream(stream, [one!, two!], { expectedRevision: NO_STREAM });

    const mixed = await client.appendToStream(stream, [one!, ...events('Other')], { expectedRevision: NO_STREAM }).catch((err: unknown) => err);
    const shifted = await client.appendToStream(stream, [two!], { expectedRevision: NO_STREAM }).catch((err: unknown) => err);

    expect(mixed).toBeInstanceOf(WrongExpectedVersionError);
    expect(mixed).toMatchObject({ actualVersion: 1n });
    expect(shifted).toBeInstanceOf(WrongExpectedVersionError);
    expect(await collect(client.readStream(stream))).toHaveLength(2);
  });

  it('When the same event ids are appended again with any, then it succeeds without a position, even after the stream moved on, and nothing is duplicated', async () => {
    const stream = `s-${randomUUID()}`;
    await client.appendToStream(stream, events('E0'), { expectedRevision: ANY });
    const batch = events('One', 'Two');
    await client.appendToStream(stream, batch, { expectedRevision: ANY });

    const retry = await client.appendToStream(stream, batch, { expectedRevision: ANY });
    await client.appendToStream(stream, events('Three'), { expectedRevision: ANY });
    const late = await client.appendToStream(stream, batch, { expectedRevision: ANY });
    const fresh = await client.appendToStream(stream, events('Four'), { expectedRevision: ANY });

    expect(retry).toMatchObject({ success: true, nextExpectedRevision: 2n, position: undefined });
    expect(late).toMatchObject({ success: true, nextExpectedRevision: 2n, position: undefined });
    expect(fresh).toMatchObject({ success: true, nextExpectedRevision: 4n });
    expect(fresh.position).toBeDefined();
    expect((await collect(client.readStream(stream))).map((e) => e.event?.type)).toEqual(['E0', 'One', 'Two', 'Three', 'Four']);
  });

  it('When a stream is read, then from, direction and count hold, and an absent stream is StreamNotFoundError', async () => {
    const stream = `s-${randomUUID()}`;
    await client.appendToStream(stream, events('E0', 'E1', 'E2', 'E3'));

    const types = async (options: Parameters<EventStoreDBClient['readStream']>[1]) => (await collect(client.readStream(stream, options))).map((e) => e.event?.type);

    expect(await types({ fromRevision: 1n, maxCount: 2 })).toEqual(['E1', 'E2']);
    expect(await types({ fromRevision: END, direction: BACKWARDS, maxCount: 2 })).toEqual(['E3', 'E2']);
    expect(await types({ fromRevision: 1n, direction: BACKWARDS })).toEqual(['E1', 'E0']);
    await expect(collect(client.readStream(`s-${randomUUID()}`))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('When $all is read from a position, then forwards includes it and backwards returns what came before', async () => {
    const stream = `s-${randomUUID()}`;
    await client.appendToStream(stream, events('P0', 'P1', 'P2'));
    const mine = (await collect(client.readStream(stream))).map((e) => e.event!.position);
    const at: Position = mine[1]!;

    const forwards = await collect(client.readAll({ fromPosition: at, maxCount: 2 }));
    const backwards = await collect(client.readAll({ fromPosition: at, direction: BACKWARDS, maxCount: 1 }));

    expect(forwards.map((e) => e.event?.type)).toEqual(['P1', 'P2']);
    expect(backwards.map((e) => e.event?.type)).toEqual(['P0']);
  });

  it('When a filtered subscription to $all starts, then it catches up on matching events only, says so, and follows live ones with checkpoints', async () => {
    const prefix = `f${randomUUID().slice(0, 8)}.`;
    await client.appendToStream(`${prefix}one`, events('Old'));
    await client.appendToStream(`other-${randomUUID()}`, events('Noise'));
    const checkpoints: Position[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: START,
      filter: streamNameFilter({ prefixes: [prefix], maxSearchWindow: 1, checkpointReached: (_s, position) => void checkpoints.push(position) }),
    });
    const seen: string[] = [];
    const caughtUp = new Promise<void>((resolve) => subscription.on('caughtUp', () => resolve()));
    const live = new Promise<void>((resolve) =>
      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        seen.push(resolved.event!.type);
        if (resolved.event?.type === 'New') resolve();
      }),
    );
    try {
      await caughtUp;
      await client.appendToStream(`other-${randomUUID()}`, events('Noise'));
      await client.appendToStream(`${prefix}two`, events('New'));
      await live;
    } finally {
      await subscription.unsubscribe();
    }
    expect(seen).toEqual(['Old', 'New']);
    expect(checkpoints.length).toBeGreaterThan(0);
    for (let i = 1; i < checkpoints.length; i++) expect(checkpoints[i]!.commit).toBeGreaterThan(checkpoints[i - 1]!.commit);
  });

  it('When a subscription filters on event type by regex, then only those types arrive', async () => {
    const marker = `T${randomUUID().replace(/-/g, '').slice(0, 8)}`;
    await client.appendToStream(`s-${randomUUID()}`, events(`${marker}Created`, 'Unrelated', `${marker}Renamed`));
    const subscription = client.subscribeToAll({ fromPosition: START, filter: eventTypeFilter({ regex: `^${marker}` }) });
    const seen: string[] = [];
    subscription.on('data', (resolved: AllStreamResolvedEvent) => void seen.push(resolved.event!.type));
    await new Promise((resolve) => subscription.on('caughtUp', resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await subscription.unsubscribe();
    expect(seen).toEqual([`${marker}Created`, `${marker}Renamed`]);
  });

  it('When a stream is subscribed to from a revision, then the events after it arrive, then caught up, then live ones of that stream only', async () => {
    const stream = `s-${randomUUID()}`;
    await client.appendToStream(stream, events('R0', 'R1', 'R2'));
    const subscription = client.subscribeToStream(stream, { fromRevision: 0n });
    const seen: string[] = [];
    const caughtUp = new Promise<void>((resolve) => subscription.on('caughtUp', () => resolve()));
    const live = new Promise<void>((resolve) =>
      subscription.on('data', (resolved: { event?: { type: string } }) => {
        seen.push(resolved.event!.type);
        if (resolved.event?.type === 'R3') resolve();
      }),
    );
    try {
      await caughtUp;
      await client.appendToStream(`s-${randomUUID()}`, events('Elsewhere'));
      await client.appendToStream(stream, events('R3'));
      await live;
    } finally {
      await subscription.unsubscribe();
    }
    expect(seen).toEqual(['R1', 'R2', 'R3']);
  });
});
