/**
 * Failures a test can ask of the double: the next appends to streams matching a pattern fail
 * with a server error (INTERNAL on Append; an `event_store.client.Unknown` status on BatchAppend),
 * writing nothing, as a write lost to a crashing node would look to the client.
 */
export class AppendFaults {
  private readonly pending: { pattern: RegExp; left: number }[] = [];

  failNext(pattern: RegExp, times = 1): void {
    this.pending.push({ pattern, left: times });
  }

  /** Whether this append to `stream` must fail (and counts it). */
  take(stream: string): boolean {
    const fault = this.pending.find((f) => f.left > 0 && f.pattern.test(stream));
    if (!fault) return false;
    fault.left -= 1;
    return true;
  }
}
