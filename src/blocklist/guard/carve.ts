/**
 * Carving protected addresses out of a feed's network, as the allowlist does: a feed's
 * `45.33.32.0/23` holds `45.33.33.234`, a public resolver on the warninglists. Refusing the whole
 * network would drop 511 addresses the feed means to block for one it should not; blocking it whole
 * would cut users off their resolver. So the guard answers "refused, but the rest may be blocked":
 * the protected parts are listed in `rejected` with their reason, and the aggregator subtracts them
 * (like allowlisted holes) from every entry.
 *
 * Only a network whose every protected overlap lies strictly inside it is carved; a network inside a
 * protected one, one touching special-purpose space, or one holding more than
 * {@link MAX_CARVED_PARTS} protected parts is refused whole, as before.
 */
import { formatCidr4, rangeToCidrs } from '../engine/cidr.js';
import { formatCidr6, rangeToCidrs6 } from '../engine/cidr6.js';
import type { DualIndex } from '../engine/dual-index.js';
import type { LabelledInterval } from '../engine/ranges.js';
import type { CarvedPart, GuardVerdict } from './types.js';

/** More protected parts than this in one network: refuse it whole (a feed's /8 over a resolver list). */
export const MAX_CARVED_PARTS = 16;

/** One protected list the carve consults, and the reason its parts are rejected with. */
export interface CarveSource {
  index: DualIndex;
  reason: NonNullable<GuardVerdict>['reason'];
}

/** A network as the guard sees it: family and inclusive bounds. */
export type CarveNetwork =
  { family: 4; first: number; last: number } | { family: 6; first: bigint; last: bigint };

/**
 * The protected parts of `net` (canonical CIDR text, ascending, one row per value), or null when it
 * must be refused whole: something in `whole` overlaps it, a protected interval covers all of it, or
 * there are too many parts. `label` is the network's own text, named in each part's detail.
 */
export function carveParts(
  net: CarveNetwork,
  label: string,
  sources: readonly CarveSource[],
  whole: readonly DualIndex[],
): CarvedPart[] | null {
  const parts: CarvedPart[] = [];
  const seen = new Set<string>();
  for (const w of whole) if (overlapping(w, net, 0).length > 0) return null;
  for (const { index, reason } of sources) {
    const found = overlapping(index, net, MAX_CARVED_PARTS);
    if (found.length > MAX_CARVED_PARTS) return null;
    for (const it of found) {
      if (it.first <= net.first && it.last >= net.last) return null;
      for (const value of cidrsOf(net, it)) {
        if (seen.has(value)) continue;
        seen.add(value);
        parts.push({ value, reason, detail: `${it.label}; carved out of ${label}` });
        if (parts.length > MAX_CARVED_PARTS) return null;
      }
    }
  }
  return parts.length === 0 ? null : parts;
}

function overlapping(
  index: DualIndex,
  net: CarveNetwork,
  limit: number,
): readonly LabelledInterval<number | bigint>[] {
  return net.family === 4
    ? index.v4.overlapping(net.first, net.last, limit)
    : index.v6.overlapping(net.first, net.last, limit);
}

/** The canonical CIDRs of the part of `it` inside `net`. */
function cidrsOf(net: CarveNetwork, it: LabelledInterval<number | bigint>): string[] {
  const out: string[] = [];
  if (net.family === 4) {
    const first = Math.max(net.first, Number(it.first));
    const last = Math.min(net.last, Number(it.last));
    rangeToCidrs(first, last, (start, prefix) => out.push(formatCidr4(start, prefix)));
  } else {
    const first = net.first > BigInt(it.first) ? net.first : BigInt(it.first);
    const last = net.last < BigInt(it.last) ? net.last : BigInt(it.last);
    rangeToCidrs6(first, last, (start, prefix) => out.push(formatCidr6(start, prefix)));
  }
  return out;
}
