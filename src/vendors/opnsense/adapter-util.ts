/**
 * Small helpers shared by the read, apply and DNS parts of the OPNsense adapter (no device calls).
 */

/** Entries of a newline- or comma-separated field: trimmed, lower-cased, non-empty. */
export function splitEntries(value: string, sep: '\n' | ','): string[] {
  return value
    .split(sep)
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '');
}

/** Sorted unique values and the values seen more than once. */
export function dedupe(values: string[]): { entries: string[]; duplicates: string[] } {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return { entries: [...seen].sort(), duplicates: [...dup].sort() };
}
