/**
 * Streams.Append (client streaming: the options, then each proposed message) and
 * Streams.BatchAppend (bidirectional: chunks of proposed messages per correlation id, the
 * options on the first, `is_final` on the last), both onto the same log.
 *
 * Assumed server behaviour:
 * - a refused expected revision is an answer, not a gRPC error, on Append (`wrong_expected_version`
 *   naming the current revision or no stream, and what was expected) and a `google.rpc.Status`
 *   carrying an `event_store.client.WrongExpectedVersion` on BatchAppend;
 * - success names the stream's revision after the write and the position of its last event;
 *   a recognised retry (see KurrentLog.append) answers `no_position`;
 * - BatchAppend's per-request deadline is not enforced.
 */
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { status, type sendUnaryData, type ServerDuplexStream, type ServerReadableStream } from '@grpc/grpc-js';
import { AllStreamPosition, Empty, Timeout, Unknown, UUID, WrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import { expectedOfAppend, expectedOfBatch, proposedEvent, streamIdentifier, streamNameOf, uuidOf } from './messages';
import type { AppendFaults } from './faults';
import type { AppendOutcome, ExpectedRevision, KurrentLog, ProposedEvent } from './store';

function appendResponse(outcome: AppendOutcome, expected: ExpectedRevision): AppendResp {
  if (outcome.ok) {
    const success = new AppendResp.Success();
    if (outcome.currentRevision < 0n) success.setNoStream(new Empty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    if (outcome.position === null) success.setNoPosition(new Empty());
    else success.setPosition(new AppendResp.Position().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()));
    return new AppendResp().setSuccess(success);
  }
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision === null) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(outcome.currentRevision.toString());
  if (expected.kind === 'exact') wrong.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  return new AppendResp().setWrongExpectedVersion(wrong);
}

export function appendHandler(log: KurrentLog, faults: AppendFaults) {
  return (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void => {
    let options: AppendReq.Options | undefined;
    const proposed: ProposedEvent[] = [];
    call.on('data', (request: AppendReq) => {
      if (request.hasOptions()) options = request.getOptions();
      else if (request.hasProposedMessage()) proposed.push(proposedEvent(request.getProposedMessage()!));
    });
    call.on('end', () => {
      if (!options) return callback({ code: status.INVALID_ARGUMENT, details: 'Append without options' });
      const expected = expectedOfAppend(options);
      const stream = streamNameOf(options.getStreamIdentifier());
      const fault = faults.take(stream);
      if (fault === 'error') return callback({ code: status.INTERNAL, details: `Append to ${stream} failed (injected)` });
      if (fault === 'timeout') return callback({ code: status.DEADLINE_EXCEEDED, details: `Append to ${stream} timed out (injected)` });
      callback(null, appendResponse(log.append(stream, expected, proposed), expected));
    });
  };
}

function wrongExpectedStatus(outcome: AppendOutcome, expected: ExpectedRevision, stream: string): Status {
  const details = new WrongExpectedVersion();
  if (outcome.currentRevision === null) details.setCurrentNoStream(new ProtobufEmpty());
  else details.setCurrentStreamRevision(outcome.currentRevision.toString());
  if (expected.kind === 'exact') details.setExpectedStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') details.setExpectedNoStream(new ProtobufEmpty());
  else if (expected.kind === 'stream_exists') details.setExpectedStreamExists(new ProtobufEmpty());
  else details.setExpectedAny(new ProtobufEmpty());
  const packed = new Any();
  packed.pack(details.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  return new Status().setCode(Code.FAILED_PRECONDITION).setMessage(`Append failed due to WrongExpectedVersion. Stream: ${stream}`).setDetails(packed);
}

function batchResponse(correlation: string, stream: string, expected: ExpectedRevision, outcome: AppendOutcome): BatchAppendResp {
  const response = new BatchAppendResp().setCorrelationId(new UUID().setString(correlation)).setStreamIdentifier(streamIdentifier(stream));
  if (expected.kind === 'exact') response.setStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') response.setNoStream(new ProtobufEmpty());
  else if (expected.kind === 'stream_exists') response.setStreamExists(new ProtobufEmpty());
  else response.setAny(new ProtobufEmpty());
  if (!outcome.ok) return response.setError(wrongExpectedStatus(outcome, expected, stream));
  const success = new BatchAppendResp.Success();
  if (outcome.currentRevision < 0n) success.setNoStream(new ProtobufEmpty());
  else success.setCurrentRevision(outcome.currentRevision.toString());
  if (outcome.position === null) success.setNoPosition(new ProtobufEmpty());
  else success.setPosition(new AllStreamPosition().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()));
  return response.setSuccess(success);
}

function unknownStatus(stream: string): Status {
  const packed = new Any();
  packed.pack(new Unknown().serializeBinary(), 'event_store.client.Unknown');
  return new Status().setCode(Code.UNKNOWN).setMessage(`Append to ${stream} failed (injected)`).setDetails(packed);
}

function timeoutStatus(stream: string): Status {
  const packed = new Any();
  packed.pack(new Timeout().serializeBinary(), 'event_store.client.Timeout');
  return new Status().setCode(Code.DEADLINE_EXCEEDED).setMessage(`Append to ${stream} timed out (injected)`).setDetails(packed);
}

export function batchAppendHandler(log: KurrentLog, faults: AppendFaults) {
  return (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void => {
    const pending = new Map<string, { options: BatchAppendReq.Options; proposed: ProposedEvent[] }>();
    call.on('data', (request: BatchAppendReq) => {
      const correlation = uuidOf(request.getCorrelationId());
      const entry = pending.get(correlation) ?? { options: request.getOptions() ?? new BatchAppendReq.Options(), proposed: [] };
      entry.proposed.push(...request.getProposedMessagesList().map(proposedEvent));
      pending.set(correlation, entry);
      if (!request.getIsFinal()) return;
      pending.delete(correlation);
      const stream = streamNameOf(entry.options.getStreamIdentifier());
      const expected = expectedOfBatch(entry.options);
      const fault = faults.take(stream);
      if (fault) {
        const failed = new BatchAppendResp().setCorrelationId(new UUID().setString(correlation)).setStreamIdentifier(streamIdentifier(stream));
        call.write(failed.setError(fault === 'timeout' ? timeoutStatus(stream) : unknownStatus(stream)));
        return;
      }
      call.write(batchResponse(correlation, stream, expected, log.append(stream, expected, entry.proposed)));
    });
    call.on('end', () => call.end());
  };
}
