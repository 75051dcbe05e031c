import { randomInt } from 'node:crypto';
import { productUpcasters } from '../../src/domain/product/upcasters';
import { createEsdbEventStore } from '../../src/eventstore/esdb-event-store';
import { describeEventStoreContract, type StoreUnderTest } from './contract';
import { testTenancy } from '../support/db';
import { startKurrentDbDouble, type KurrentDbDouble } from '../doubles/kurrentdb/server';

/**
 * The same contract against EventStoreDB / KurrentDB, through the real adapter and client:
 * always against the protocol double (once with BatchAppend advertised, as current servers do,
 * once without, as older ones), and also against a real server when
 * EVENTSTORE_CONNECTION_STRING is set (e.g. `esdb://localhost:2113?tls=false`). A real server
 * keeps its data between runs, so each test takes a tenant id nobody used before.
 */
function storeOn(connectionString: string, stopServer: () => Promise<void> = async () => undefined): StoreUnderTest {
  const store = createEsdbEventStore({ tenancy: testTenancy, connectionString, upcasters: productUpcasters, pollIntervalMs: 250 });
  return {
    store,
    tenant: async () => randomInt(1_000_000, 2 ** 47),
    close: async () => {
      await store.close();
      await stopServer();
    },
  };
}

async function onDouble(batchAppend: boolean): Promise<StoreUnderTest> {
  const double: KurrentDbDouble = await startKurrentDbDouble({ batchAppend });
  return storeOn(double.connectionString, () => double.stop());
}

describeEventStoreContract('KurrentDB double (BatchAppend)', () => onDouble(true));
describeEventStoreContract('KurrentDB double (Append only)', () => onDouble(false));

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
if (connectionString) describeEventStoreContract('EventStoreDB server', async () => storeOn(connectionString));
