import { clientConnectionString, createEsdbEventStore } from '../../src/eventstore/esdb-event-store';
import type { EventStore } from '../../src/eventstore/types';
import { testTenancy } from '../support/db';
import { startKurrentDbDouble, type KurrentDbDouble } from '../doubles/kurrentdb/server';
import { ev, streamId } from './contract';

/** What the EventStoreDB adapter owes beyond the shared contract, on the KurrentDB double. */
async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<'settled' | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  const outcome = await Promise.race([promise.then(() => 'settled' as const), hung]);
  clearTimeout(timer);
  return outcome;
}

describe('EventStoreDB adapter on the KurrentDB double', () => {
  let double: KurrentDbDouble;
  const opened: EventStore[] = [];
  const open = (connectionString = double.connectionString) => {
    const store = createEsdbEventStore({ tenancy: testTenancy, connectionString, pollIntervalMs: 250 });
    opened.push(store);
    return store;
  };
  beforeAll(async () => {
    double = await startKurrentDbDouble();
  });
  afterAll(async () => {
    await Promise.allSettled(opened.map((store) => store.close()));
    await double.stop();
  });

  it("When head finds the tenant's newest event before the end of a page, then closing the store still returns", async () => {
    // Arrange: each tenant's event between older and newer events of another tenant, at
    // several depths (a read left mid-way stalls only once the server has sent everything).
    const store = open();
    const heads: [bigint, bigint | undefined][] = [];
    for (const [i, older] of [10, 30, 60, 120, 250].entries()) {
      const tenant = 100 + i;
      await store.append(200 + i, streamId(), Array.from({ length: older }, () => ev('Older')), 'no_stream');
      const mine = await store.append(tenant, streamId(), [ev('Mine')], 'no_stream');
      await store.append(200 + i, streamId(), [ev('Newer'), ev('Newer'), ev('Newer')], 'no_stream');
      // Act
      heads.push([await store.head(tenant), mine.lastPosition]);
    }
    const closing = settlesWithin(store.close(), 3000);
    // Assert
    for (const [head, mine] of heads) expect(head).toBe(mine);
    expect(await closing).toBe('settled');
  });

  it('When the connection string uses a KurrentDB scheme, then the store connects as with esdb://', async () => {
    // Arrange
    const store = open(double.connectionString.replace('esdb://', 'kurrentdb://'));
    const stream = streamId();
    // Act
    await store.append(7, stream, [ev('Connected')], 'no_stream');
    const read = await store.readStream(7, stream);
    await store.close();
    // Assert
    expect(read.map((e) => e.type)).toEqual(['Connected']);
    expect(clientConnectionString('kurrentdb+discover://a:2113,b:2113?tls=true')).toBe('esdb+discover://a:2113,b:2113?tls=true');
    expect(clientConnectionString('kurrent://h:2113')).toBe('esdb://h:2113');
    expect(clientConnectionString('esdb://h:2113')).toBe('esdb://h:2113');
  });

  it('When the guard of a multi-stream append is refused, then nothing of the append is written', async () => {
    // Arrange: the guard stream (listed after the stream it guards) is already taken.
    const store = open();
    const guarded = streamId('product');
    const guard = streamId('sku');
    await store.append(8, guard, [ev('SkuReserved')], 'no_stream');
    const before = double.log.all.length;
    // Act
    const attempt = store.appendMany(8, [
      { stream: guarded, events: [ev('ProductCreated')], expected: 'no_stream' },
      { stream: guard, events: [ev('SkuReserved')], expected: 'no_stream' },
    ]);
    // Assert
    await expect(attempt).rejects.toMatchObject({ stream: guard, actual: 1 });
    expect(double.log.all.length).toBe(before);
    expect(await store.readStream(8, guarded)).toEqual([]);
  });
});
