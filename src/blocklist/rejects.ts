/**
 * The rejected-values log of a compile, in columns (a feed full of RFC 1918 addresses rejects
 * hundreds of thousands of values; they should cost a few references each, not an object).
 */
import { REJECT_REASONS, type RejectReason } from './types.js';
import { compareCodeUnits, type SourceSets } from './provenance.js';
import { sortStringsTied } from './sort-strings64.js';

const REASON_INDEX = new Map<string, number>(REJECT_REASONS.map((r, i) => [r, i]));

/** Every value not in `entries`, with its one reason and source. */
export class RejectLog {
  readonly value: string[] = [];
  readonly set: number[] = [];
  readonly reason: number[] = [];
  readonly detail: (string | undefined)[] = [];

  /** Records one rejected value from source set `set` (a single source). */
  add(value: string, set: number, reason: RejectReason, detail?: string): void {
    this.value.push(value);
    this.set.push(set);
    this.reason.push(REASON_INDEX.get(reason) ?? 0);
    this.detail.push(detail);
  }

  /** Number of rejected values. */
  get length(): number {
    return this.value.length;
  }

  /** The reason of rejected value `i`. */
  reasonAt(i: number): RejectReason {
    return REJECT_REASONS[this.reason[i] ?? 0] ?? 'invalid';
  }

  /** Drops everything from `length` on (a source rolled back). */
  truncate(length: number): void {
    this.value.length = Math.min(this.value.length, length);
    this.set.length = this.value.length;
    this.reason.length = this.value.length;
    this.detail.length = this.value.length;
  }

  /** Counts by reason (every reason present, zero when none). */
  countByReason(): Record<RejectReason, number> {
    const out = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
    for (const r of this.reason) {
      const name = REJECT_REASONS[r];
      if (name) out[name]++;
    }
    return out;
  }

  /** Indices in canonical order (value, source, reason, detail; code units) with exact duplicates removed. */
  canonicalOrder(sets: SourceSets): number[] {
    const v = this.value;
    const { order: byValue, tied } = sortStringsTied(v);
    const rest = (a: number, b: number): number =>
      compareCodeUnits(sets.sourceName(this.set[a] ?? 0), sets.sourceName(this.set[b] ?? 0)) ||
      compareCodeUnits(this.reasonAt(a), this.reasonAt(b)) ||
      compareCodeUnits(this.detail[a] ?? '', this.detail[b] ?? '');
    const out: number[] = [];
    for (let start = 0; start < byValue.length;) {
      let end = start + 1;
      // `tied` 0: the sort's keys already told the neighbours apart, no string comparison needed.
      while (end < byValue.length && tied[end] === 1 && v[byValue[end] ?? 0] === v[byValue[start] ?? 0])
        end++;
      const run = end - start > 1 ? [...byValue.subarray(start, end)].sort(rest) : [byValue[start] ?? 0];
      let prev = -1;
      for (const i of run) {
        if (prev < 0 || rest(prev, i) !== 0) out.push(i);
        prev = i;
      }
      start = end;
    }
    return out;
  }
}
