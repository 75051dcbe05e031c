/**
 * Failures a test can ask of the double: the next appends to streams matching a pattern fail,
 * writing nothing.
 * - `error`: a server error (INTERNAL on Append; an `event_store.client.Unknown` status on
 *   BatchAppend), as a write lost to a crashing node would look to the client.
 * - `timeout`: the server gave up before the write committed (DEADLINE_EXCEEDED on Append; an
 *   `event_store.client.Timeout` status on BatchAppend), as a node too busy to answer in time.
 */
export type AppendFaultKind = 'error' | 'timeout';

export class AppendFaults {
  private readonly pending: { pattern: RegExp; left: number; kind: AppendFaultKind }[] = [];

  failNext(pattern: RegExp, times = 1, kind: AppendFaultKind = 'error'): void {
    this.pending.push({ pattern, left: times, kind });
  }

  /** How this append to `stream` must fail, if it must (and counts it). */
  take(stream: string): AppendFaultKind | null {
    const fault = this.pending.find((f) => f.left > 0 && f.pattern.test(stream));
    if (!fault) return null;
    fault.left -= 1;
    return fault.kind;
  }
}
