/**
 * Turns the aggregator's columns and the reject log into the canonical document (`canonical.ts`)
 * directly: the lines are written in canonical order from typed arrays as bytes (document-bytes.ts),
 * so a million entries never become a million objects or strings.
 */
import type { Aggregated } from '../aggregate/aggregate.js';
import { writeEntries, writeRejected } from './document-bytes.js';
import type { BlocklistDocument } from './canonical.js';
import type { SourceSets } from '../aggregate/provenance.js';
import type { RejectLog } from '../rejects.js';
import type { RejectReason } from '../types.js';

/** Counts of a compiled blocklist, for summaries and logs. */
export interface DocumentCounts {
  domains: number;
  ipv4: number;
  ipv6: number;
  rejected: Record<RejectReason, number>;
}

/** Builds the canonical document of an aggregation (entries are already in canonical order). */
export function buildDocument(
  agg: Aggregated,
  rejects: RejectLog,
  sets: SourceSets,
  generatedAt: string,
): BlocklistDocument {
  let rejectedOrder: number[] | undefined;
  const order = (): number[] => (rejectedOrder ??= rejects.canonicalOrder(sets));
  return {
    generatedAt,
    writeEntries: (w) => writeEntries(agg, sets, w),
    entryCount: agg.domains.length + agg.v4.length + agg.v6.start.length,
    writeRejected: (w) => writeRejected(rejects, order(), sets, w),
  };
}

/** Counts of an aggregation and reject log. */
export function countsOf(agg: Aggregated, rejects: RejectLog): DocumentCounts {
  return {
    domains: agg.domains.length,
    ipv4: agg.v4.length,
    ipv6: agg.v6.start.length,
    rejected: rejects.countByReason(),
  };
}
