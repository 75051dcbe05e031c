/**
 * A local KurrentDB for tests: a gRPC server on 127.0.0.1 (insecure, a free port) speaking the
 * Streams and ServerFeatures services as @eventstore/db-client calls them, on an in-memory log.
 * It is a single node: with `esdb://127.0.0.1:<port>?tls=false` the client connects directly and
 * never asks for gossip, so Gossip and Cluster are not served. Delete, tombstone, persistent
 * subscriptions, projections and operations are not served either (Stoflow uses none of them);
 * the client gets UNIMPLEMENTED for those.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { appendHandler, batchAppendHandler } from './append';
import { readHandler } from './read';
import { supportedMethodsHandler } from './server-features';
import { AppendFaults } from './faults';
import { KurrentLog } from './store';

export interface KurrentDbDoubleOptions {
  /** Advertise and serve Streams.BatchAppend, as every current server does (default true). */
  batchAppend?: boolean;
}

export interface KurrentDbDouble {
  /** `esdb://127.0.0.1:<port>?tls=false` */
  connectionString: string;
  port: number;
  log: KurrentLog;
  /** How many times each Streams RPC was called (`read`, `append`, `batchAppend`). */
  calls: Record<string, number>;
  faults: AppendFaults;
  stop(): Promise<void>;
}

export async function startKurrentDbDouble(options: KurrentDbDoubleOptions = {}): Promise<KurrentDbDouble> {
  const batchAppend = options.batchAppend ?? true;
  const log = new KurrentLog();
  const faults = new AppendFaults();
  const server = new Server();
  const calls: Record<string, number> = {};
  const counted = <A extends unknown[]>(name: string, handler: (...args: A) => void) => (...args: A) => {
    calls[name] = (calls[name] ?? 0) + 1;
    handler(...args);
  };
  server.addService(StreamsService, {
    read: counted('read', readHandler(log)),
    append: counted('append', appendHandler(log, faults)),
    ...(batchAppend ? { batchAppend: counted('batchAppend', batchAppendHandler(log, faults)) } : {}),
  });
  server.addService(ServerFeaturesService, { getSupportedMethods: supportedMethodsHandler(batchAppend) });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    log,
    calls,
    faults,
    // Live subscriptions never end on their own: give calls a moment, then cut them.
    stop: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 500);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
