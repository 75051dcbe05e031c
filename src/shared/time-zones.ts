/*
 * The IANA time zones a shop may count its days in: those the runtime knows
 * (`Intl.supportedValuesOf('timeZone')`), and UTC, which that list leaves out. Matched in any case
 * and answered in the list's own spelling, so `america/new_york` is stored as `America/New_York`.
 */
let canonical: Map<string, string> | undefined;

function zones(): Map<string, string> {
  canonical ??= new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((z) => [z.toLowerCase(), z]));
  return canonical;
}

/** The zone's canonical spelling, or null when it is no zone the runtime knows. */
export function canonicalTimeZone(name: string): string | null {
  return zones().get(name.trim().toLowerCase()) ?? null;
}
