/*
 * Turns events stored under older schema versions into the current shape on every read path,
 * so deciders and projections only ever see the latest version of each event type. The log
 * itself is never rewritten: history stays as it was recorded.
 */
import type { RecordedEvent, Upcaster } from './types';

export interface UpcasterRegistry {
  upcast<E extends RecordedEvent>(event: E): E;
  /**
   * The schema version readers get for a type (1 when no upcaster is registered). Appends that
   * name no version are stored under it: current-shape data stored as v1 would be upcast again.
   */
  currentVersion(type: string): number;
}

export function createUpcasterRegistry(upcasters: readonly Upcaster[]): UpcasterRegistry {
  const byKey = new Map<string, Upcaster>();
  const latest = new Map<string, number>();
  for (const upcaster of upcasters) {
    const key = `${upcaster.type}@${upcaster.fromVersion}`;
    // Two upcasters for one step would make the result depend on registration order.
    if (byKey.has(key)) throw new Error(`Two upcasters for ${upcaster.type} v${upcaster.fromVersion}`);
    byKey.set(key, upcaster);
    latest.set(upcaster.type, Math.max(latest.get(upcaster.type) ?? 1, upcaster.fromVersion + 1));
  }

  return {
    upcast<E extends RecordedEvent>(event: E): E {
      let data = event.data;
      let version = event.schemaVersion;
      // Chains v1 → v2 → v3: each step knows only its neighbour.
      for (let step = byKey.get(`${event.type}@${version}`); step; step = byKey.get(`${event.type}@${version}`)) {
        data = step.upcast(data);
        version += 1;
      }
      return version === event.schemaVersion ? event : { ...event, data, schemaVersion: version };
    },
    currentVersion: (type) => latest.get(type) ?? 1,
  };
}

