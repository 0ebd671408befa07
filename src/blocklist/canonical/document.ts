/**
 * Turns the aggregator's columns and the reject log into the canonical document (`canonical.ts`)
 * directly: entry lines are built in canonical order from typed arrays and hashed chunk by chunk, so a
 * million entries never become a million objects. `--out` and the digest use the byte form of the
 * same lines (document-bytes.ts).
 */
import { formatIPv4 } from '../../indicators/ip.js';
import type { Aggregated } from '../aggregate/aggregate.js';
import { ipv6EntryJson, TimeFormatter, writeEntries, writeRejected } from './document-bytes.js';
import { entryJson, rejectedJson, type BlocklistDocument } from './canonical.js';
import type { SourceSets } from '../aggregate/provenance.js';
import type { RejectLog } from '../rejects.js';
import type { RejectReason } from '../types.js';

/** Entries per chunk: big enough to make hashing and writing cheap, small enough to stay incremental. */
const CHUNK = 8192;

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
    entryChunks: () => entryChunks(agg, sets),
    rejectedChunks: () => rejectedChunks(rejects, order(), sets),
    writeEntries: (w) => writeEntries(agg, sets, w),
    entryCount: agg.domains.length + agg.v4.length + agg.v6.start.length,
    writeRejected: (w) => writeRejected(rejects, order(), sets, w),
  };
}

function* entryChunks(agg: Aggregated, sets: SourceSets): Generator<string[]> {
  const exp = new TimeFormatter();
  const seen = new TimeFormatter();
  const { domains, v4, v6 } = agg;
  let lines: string[] = [];
  for (let i = 0; i < domains.value.length; i++) {
    lines.push(
      entryJson(
        'domain',
        JSON.stringify(domains.value[i]),
        sets.jsonOf(domains.set[i] ?? 0),
        seen.iso(domains.firstSeen[i] ?? 0),
        exp.iso(domains.expiresAt[i] ?? 0) ?? null,
      ),
    );
    if (lines.length === CHUNK) {
      yield lines;
      lines = [];
    }
  }
  const v4Exp = v4.expiresAt;
  const v4Seen = v4.firstSeen;
  const plainV4 = v4Exp.data === null && v4Seen.data === null;
  for (let i = 0; i < v4.length; i++) {
    const p = v4.prefix[i] ?? 0;
    const value = p === 32 ? formatIPv4(v4.start[i] ?? 0) : `${formatIPv4(v4.start[i] ?? 0)}/${p}`;
    const sources = sets.jsonOf(v4.set[i] ?? 0);
    if (plainV4) lines.push(`{"type":"ip","value":"${value}","sources":${sources},"expiresAt":null}`);
    else
      lines.push(
        entryJson('ip', `"${value}"`, sources, seen.iso(v4Seen.get(i)), exp.iso(v4Exp.get(i)) ?? null),
      );
    if (lines.length === CHUNK) {
      yield lines;
      lines = [];
    }
  }
  for (let i = 0; i < v6.start.length; i++) {
    lines.push(ipv6EntryJson(v6, i, sets, seen, exp));
    if (lines.length === CHUNK) {
      yield lines;
      lines = [];
    }
  }
  if (lines.length > 0) yield lines;
}

function* rejectedChunks(
  rejects: RejectLog,
  order: readonly number[],
  sets: SourceSets,
): Generator<string[]> {
  // Sources, reasons and details repeat across thousands of rows: encode each once.
  const tails = new Map<string, string>();
  for (let start = 0; start < order.length; start += CHUNK) {
    yield order.slice(start, start + CHUNK).map((i) => {
      const set = rejects.set[i] ?? 0;
      const reason = rejects.reasonAt(i);
      const detail = rejects.detail[i];
      const key = `${set}\u0000${reason}\u0000${detail ?? '\u0001'}`;
      let tail = tails.get(key);
      if (tail === undefined) {
        const full = rejectedJson({
          value: '',
          source: sets.sourceName(set),
          reason,
          ...(detail === undefined ? {} : { detail }),
        });
        tail = full.slice('{"value":""'.length);
        tails.set(key, tail);
      }
      return `{"value":${JSON.stringify(rejects.valueAt(i))}${tail}`;
    });
  }
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
