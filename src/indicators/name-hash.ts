/**
 * The right-to-left suffix hash of host names, shared by the classifier's byte scan (name-scan.ts)
 * and the tables that look names and their parents up (blocklist/suffix-table.ts, name-arena.ts):
 * computed right to left, one pass over a name gives the hash of every parent on the way.
 */

/** One step of the right-to-left suffix hash (FNV-style multiply, kept in int32). */
export function suffixHashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

/** The seed of {@link suffixHashStep}. */
export const SUFFIX_HASH_SEED = 0x811c9dc5 | 0;
