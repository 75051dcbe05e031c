import type { RecordedEvent } from '../eventstore/types';

/**
 * One event as one line of JSON: the shape of `stoflow events` and of the events in an export.
 * Positions are JSON numbers (see format.ts).
 */
export interface EventLine {
  position: bigint | number;
  stream: string;
  version: number;
  id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: string;
}

export function eventLine(event: RecordedEvent): EventLine {
  return {
    position: event.position,
    stream: event.streamId,
    version: event.streamVersion,
    id: event.id,
    type: event.type,
    schema_version: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recorded_at: event.recordedAt.toISOString(),
  };
}
