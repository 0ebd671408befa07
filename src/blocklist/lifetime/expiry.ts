/**
 * Expiry of one record. Three clocks can end a value's life, and the earliest wins:
 * - the feed's own `validUntil` (STIX `valid_until`, MISP/OTX expiration);
 * - the source's `ttlDays`, counted from the value's first sighting (retention state, or the feed's own
 *   `firstSeen` when earlier, or — first time ever — now);
 * - retention: a value that left its feed stays `retentionDays` after it was last seen (`retention.ts`).
 * A record whose expiry is at or before `now` is rejected with reason `expired`. Times are ms since the
 * epoch; `Infinity` means "none".
 */

/** One day in ms. */
export const DAY_MS = 86_400_000;

/** Parses an ISO-8601 time to ms; `Infinity` when absent or unparseable (no expiry / unknown). */
export function timeMs(iso: string | undefined): number {
  if (iso === undefined || iso === '') return Infinity;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Infinity : ms;
}

/** What decides a record's expiry. */
export interface ExpiryInput {
  /** The record's `validUntil` in ms (`Infinity` for none). */
  validUntil: number;
  /** Earliest known first sighting in ms (`Infinity` for unknown: counted from now). */
  firstSeen: number;
  /** The source's `ttlDays`, if any. */
  ttlDays?: number | undefined;
  /** End of a retention grace period (`Infinity` when the value is in its feed now). */
  retainUntil?: number;
  nowMs: number;
}

/** The earliest applicable expiry of a record in ms (`Infinity` when nothing limits it). */
export function recordExpiry(x: ExpiryInput): number {
  let exp = Math.min(x.validUntil, x.retainUntil ?? Infinity);
  if (x.ttlDays !== undefined) {
    const base = x.firstSeen === Infinity ? x.nowMs : Math.min(x.firstSeen, x.nowMs);
    exp = Math.min(exp, base + x.ttlDays * DAY_MS);
  }
  return exp;
}

/** True when a value with this expiry must not be blocked at `nowMs`. */
export function isExpired(expiresAt: number, nowMs: number): boolean {
  return expiresAt <= nowMs;
}

/** The `detail` of an `expired` rejection: which clock ended it, and when. */
export function expiryDetail(x: ExpiryInput, expiresAt: number): string {
  const when = new Date(expiresAt).toISOString();
  if (expiresAt === x.validUntil) return `valid until ${when}`;
  if (x.retainUntil !== undefined && expiresAt === x.retainUntil)
    return `left its feed; retention ended ${when}`;
  return `ttl ${x.ttlDays ?? 0} days from first seen; ended ${when}`;
}
