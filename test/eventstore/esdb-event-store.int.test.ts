import { randomInt } from 'node:crypto';
import { productUpcasters } from '../../src/domain/product/upcasters';
import { createEsdbEventStore } from '../../src/eventstore/esdb-event-store';
import { describeEventStoreContract } from './contract';
import { testTenancy } from '../support/db';

/**
 * The same contract against EventStoreDB / KurrentDB. Jest collects this file only when
 * EVENTSTORE_CONNECTION_STRING is set (e.g. `esdb://localhost:2113?tls=false`). The server keeps
 * its data between runs, so each test takes a tenant id nobody used before.
 */
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract('EventStoreDB', async () => {
    const store = createEsdbEventStore({ tenancy: testTenancy, connectionString, upcasters: productUpcasters, pollIntervalMs: 250 });
    return {
      store,
      tenant: async () => randomInt(1_000_000, 2 ** 47),
      close: () => store.close(),
    };
  });
} else {
  describe('EventStoreDB event store', () => {
    it('When no server is configured, then there is nothing to run against', () => {
      expect(connectionString).toBeUndefined();
    });
  });
}
