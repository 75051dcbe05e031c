/**
 * ServerFeatures.GetSupportedMethods: the client asks once per connection and uses BatchAppend
 * only when the server lists it (KurrentDB and EventStoreDB since 21.10 do), Append otherwise.
 * Names are lower case, as the server sends them.
 */
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Empty } from '@eventstore/db-client/generated/shared_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';

export const DOUBLE_SERVER_VERSION = '24.10.0';

const STREAMS = 'event_store.client.streams.streams';

export function supportedMethodsHandler(batchAppend: boolean) {
  const methods = [
    ['event_store.client.server_features.serverfeatures', 'getsupportedmethods'],
    [STREAMS, 'read'],
    [STREAMS, 'append'],
    ...(batchAppend ? [[STREAMS, 'batchappend']] : []),
  ];
  return (_call: ServerUnaryCall<Empty, SupportedMethods>, callback: sendUnaryData<SupportedMethods>): void => {
    const supported = new SupportedMethods().setEventStoreServerVersion(DOUBLE_SERVER_VERSION);
    for (const [service, method] of methods) supported.addMethods(new SupportedMethod().setServiceName(service!).setMethodName(method!));
    callback(null, supported);
  };
}
