/**
 * The rejected-values log of a compile, in columns (a feed full of RFC 1918 addresses rejects
 * hundreds of thousands of values; they should cost a few numbers each, not an object or a string).
 *
 * IPv4 values rejected on the fast path are kept as numbers (network start and prefix) and only
 * become text when written; canonical order is still code-unit order of the text, which for dotted
 * quads is the order of their octets' decimal strings (`ipv4TextKey`), so they sort as numbers.
 */
import { formatIPv4 } from '../indicators/ip.js';
import { REJECT_REASONS, type RejectReason } from './types.js';
import { compareCodeUnits, type SourceSets } from './aggregate/provenance.js';
import { ipv4TextKey, sortByTextKey } from './engine/ipv4-text-order.js';
import { sortStringsTied } from './engine/sort-strings64.js';

const REASON_INDEX = new Map<string, number>(REJECT_REASONS.map((r, i) => [r, i]));

/** Rows held before exact duplicates are folded (and the bound applied): a few tens of MB at most. */
const COMPACT_AT = 1 << 18;

/**
 * Distinct rejected values a compile lists. A feed of millions of distinct junk tokens would otherwise
 * hold every one in memory and in the file; past this the first ones in canonical order are listed
 * and the rest counted, in one summary row per source and reason (see {@link RejectLog.summarise}).
 */
export const MAX_REJECTED_ROWS = 100_000;

/** Every value not in `entries`, with its one reason and source. */
export class RejectLog {
  /** The value's text; undefined for an IPv4 row (see `ipStart`). */
  private text: (string | undefined)[] = [];
  /** IPv4 rows: the network start (unsigned); -1 for a text row. */
  private ipStart: number[] = [];
  /** IPv4 rows: the prefix length (32: a single address, written without `/32`). */
  private ipPrefix: number[] = [];
  set: number[] = [];
  reason: number[] = [];
  detail: (string | undefined)[] = [];
  /** Per reason index: exact duplicate rows folded away (see `compact`), still counted. */
  private readonly folded: number[] = REJECT_REASONS.map(() => 0);
  /** Rows held before exact duplicates are folded. */
  private compactAt: number;
  /** Distinct rows kept; see {@link MAX_REJECTED_ROWS}. */
  private readonly maxRows: number;
  /** Rows past `maxRows` dropped, by `set * 32 + reason index`. */
  private readonly omitted = new Map<number, number>();
  /**
   * Once the bound has been applied: the greatest value still listed. Only the first `maxRows` values
   * in value order are listed, so a later text value after it is counted at once, never held.
   */
  private cutoff: string | undefined;

  /** `compactAt`: see {@link COMPACT_AT}; `maxRows`: see {@link MAX_REJECTED_ROWS} (tests set them low). */
  constructor(options: { compactAt?: number; maxRows?: number } = {}) {
    this.compactAt = options.compactAt ?? COMPACT_AT;
    this.maxRows = options.maxRows ?? MAX_REJECTED_ROWS;
  }

  /** Rejected values counted but not listed (past the bound). */
  get omittedCount(): number {
    let n = this.summarised;
    for (const c of this.omitted.values()) n += c;
    return n;
  }

  /** Omitted values already turned into summary rows by {@link summarise}. */
  private summarised = 0;

  /** The rows listed, in canonical order, once {@link summarise} has run. */
  private listed: number[] | undefined;

  /**
   * Ends the log: enforces the bound on distinct rows and adds, per source and reason with values
   * past it, one row `(N more)` saying how many were counted but not listed. Call once, after the
   * last value is recorded and before the document is written; counts are unchanged by the summary
   * rows. The rows are ordered once, here: {@link canonicalOrder} then answers from that order.
   */
  summarise(sets: SourceSets): void {
    const order = this.canonicalOrder(sets);
    // Past the bound, the first rows in canonical order are listed; the rest are counted per source
    // and reason (they stay in the columns, where `countByReason` and `total` still count them).
    for (let k = this.maxRows; k < order.length; k++) {
      const i = order[k] ?? 0;
      const key = (this.set[i] ?? 0) * 32 + (this.reason[i] ?? 0);
      this.omitted.set(key, (this.omitted.get(key) ?? 0) + 1);
    }
    const listed = order.length > this.maxRows ? order.slice(0, this.maxRows) : order;
    const rest = this.canonicalTieBreak(sets);
    const compare = (a: number, b: number): number =>
      compareCodeUnits(this.valueAt(a), this.valueAt(b)) || rest(a, b);
    for (const [key, n] of [...this.omitted].sort((a, b) => a[0] - b[0])) {
      const r = key % 32;
      const detail = `not listed: a compile lists the first ${this.maxRows} distinct rejected values`;
      const row = this.text.length;
      this.text.push(`(${n} more)`);
      this.ipStart.push(-1);
      this.ipPrefix.push(0);
      this.set.push((key - r) / 32);
      this.reason.push(r);
      this.detail.push(detail);
      this.folded[r] = (this.folded[r] ?? 0) - 1;
      this.summarised += n;
      // Into the listed order by binary search: a few summary rows among up to `maxRows`.
      let lo = 0;
      let hi = listed.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(listed[mid] ?? 0, row) < 0) lo = mid + 1;
        else hi = mid;
      }
      listed.splice(lo, 0, row);
    }
    this.omitted.clear();
    this.listed = listed;
  }

  /** Records one rejected value from source set `set` (a single source). */
  add(value: string, set: number, reason: RejectReason, detail?: string): void {
    // A feed repeating one bad line: fold it on arrival instead of holding a row per repeat.
    const last = this.text.length - 1;
    if (
      last >= 0 &&
      this.text[last] === value &&
      this.set[last] === set &&
      this.reason[last] === REASON_INDEX.get(reason) &&
      this.detail[last] === detail
    ) {
      const r = this.reason[last] ?? 0;
      this.folded[r] = (this.folded[r] ?? 0) + 1;
      return;
    }
    if (this.cutoff !== undefined && compareCodeUnits(value, this.cutoff) > 0) {
      const r = REASON_INDEX.get(reason) ?? 0;
      const key = set * 32 + r;
      this.omitted.set(key, (this.omitted.get(key) ?? 0) + 1);
      this.folded[r] = (this.folded[r] ?? 0) + 1;
      return;
    }
    this.text.push(value);
    this.ipStart.push(-1);
    this.ipPrefix.push(0);
    this.push(set, reason, detail);
  }

  /** Records a rejected IPv4 network `start/prefix` (host bits clear) without making its text. */
  addIPv4(start: number, prefix: number, set: number, reason: RejectReason, detail?: string): void {
    this.text.push(undefined);
    this.ipStart.push(start);
    this.ipPrefix.push(prefix);
    this.push(set, reason, detail);
  }

  private push(set: number, reason: RejectReason, detail: string | undefined): void {
    this.set.push(set);
    this.reason.push(REASON_INDEX.get(reason) ?? 0);
    this.detail.push(detail);
    if (this.text.length >= this.compactAt) this.compact();
  }

  /** Number of rows (rejected values, less the exact duplicates folded away). */
  get length(): number {
    return this.text.length;
  }

  /** Number of rejected values recorded, duplicates included. */
  get total(): number {
    return this.folded.reduce((a, b) => a + b, this.text.length);
  }

  /**
   * Drops exact duplicate rows (value, source set, reason and detail all equal): the document lists
   * each once anyway, and a feed that repeats its rejected values then costs their distinct count.
   * `countByReason` and `total` still count every row recorded.
   */
  private compact(): void {
    const keep = new Uint8Array(this.text.length);
    const distinct = this.orderedRows(
      (a, b) =>
        (this.set[a] ?? 0) - (this.set[b] ?? 0) ||
        (this.reason[a] ?? 0) - (this.reason[b] ?? 0) ||
        compareCodeUnits(this.detail[a] ?? '', this.detail[b] ?? ''),
    );
    // Past the bound, the first rows in value order are kept; the rest are counted per source and reason.
    if (distinct.length > this.maxRows) this.cutoff = this.valueAt(distinct[this.maxRows - 1] ?? 0);
    for (let k = 0; k < distinct.length; k++) {
      const i = distinct[k] ?? 0;
      if (k < this.maxRows) keep[i] = 1;
      else {
        const key = (this.set[i] ?? 0) * 32 + (this.reason[i] ?? 0);
        this.omitted.set(key, (this.omitted.get(key) ?? 0) + 1);
      }
    }
    keep.forEach((k, i) => {
      const r = this.reason[i] ?? 0;
      if (k === 0) this.folded[r] = (this.folded[r] ?? 0) + 1;
    });
    const kept = <T>(column: T[]): T[] => column.filter((_, i) => keep[i] === 1);
    // A kept value or detail may be a slice of a whole chunk of the feed's text, which would stay
    // alive with it: keep copies of their own.
    keep.forEach((k, i) => {
      if (k === 0) return;
      this.text[i] = detach(this.text[i]);
      this.detail[i] = detach(this.detail[i]);
    });
    this.text = kept(this.text);
    this.ipStart = kept(this.ipStart);
    this.ipPrefix = kept(this.ipPrefix);
    this.set = kept(this.set);
    this.reason = kept(this.reason);
    this.detail = kept(this.detail);
    // Mostly distinct rows: wait until the log has doubled again.
    this.compactAt = Math.max(this.compactAt, 2 * this.text.length);
  }

  /** The text of rejected value `i`. */
  valueAt(i: number): string {
    const t = this.text[i];
    if (t !== undefined) return t;
    const prefix = this.ipPrefix[i] ?? 32;
    const address = formatIPv4(this.ipStart[i] ?? 0);
    return prefix === 32 ? address : `${address}/${prefix}`;
  }

  /** The network start of IPv4 row `i`, or -1 for a text row; its prefix is {@link ipv4PrefixAt}. */
  ipv4StartAt(i: number): number {
    return this.ipStart[i] ?? -1;
  }

  /** The prefix length of IPv4 row `i`. */
  ipv4PrefixAt(i: number): number {
    return this.ipPrefix[i] ?? 32;
  }

  /** The reason of rejected value `i`. */
  reasonAt(i: number): RejectReason {
    return REJECT_REASONS[this.reason[i] ?? 0] ?? 'invalid';
  }

  /** Counts by reason (every reason present, zero when none). */
  countByReason(): Record<RejectReason, number> {
    const out = Object.fromEntries(REJECT_REASONS.map((r, i) => [r, this.folded[i] ?? 0])) as Record<
      RejectReason,
      number
    >;
    for (const r of this.reason) {
      const name = REJECT_REASONS[r];
      if (name) out[name]++;
    }
    return out;
  }

  /**
   * Indices in canonical order (value, source, reason, detail; code units) with exact duplicates
   * removed; after {@link summarise}, the rows it listed (its bound applied, summary rows included).
   */
  canonicalOrder(sets: SourceSets): number[] {
    return this.listed ?? this.orderedRows(this.canonicalTieBreak(sets));
  }

  /** Orders two rows of one value by source name, reason and detail (0: an exact duplicate). */
  private canonicalTieBreak(sets: SourceSets): (a: number, b: number) => number {
    return (a, b) =>
      compareCodeUnits(sets.sourceName(this.set[a] ?? 0), sets.sourceName(this.set[b] ?? 0)) ||
      compareCodeUnits(this.reasonAt(a), this.reasonAt(b)) ||
      compareCodeUnits(this.detail[a] ?? '', this.detail[b] ?? '');
  }

  /**
   * Indices ascending by value (code units), rows of one value ordered by `rest`, rows equal in value
   * and by `rest` listed once.
   */
  private orderedRows(rest: (a: number, b: number) => number): number[] {
    const textRuns = this.textRuns();
    const ip = this.ipOrder();
    const out: number[] = [];
    const emit = (run: number[]): void => {
      if (run.length > 1) run.sort(rest);
      let prev = -1;
      for (const i of run) {
        if (prev < 0 || rest(prev, i) !== 0) out.push(i);
        prev = i;
      }
    };
    /** The end of the run of equal IPv4 values that starts at position `k`. */
    const runEnd = (k: number): number => {
      let e = k + 1;
      while (e < ip.rows.length && ip.keys[e] === ip.keys[k]) e++;
      return e;
    };
    /** Emits the IPv4 rows at positions `[k, to)`, run by run (a single row needs no sorting). */
    const emitIp = (from: number, to: number): void => {
      for (let k = from; k < to;) {
        const e = runEnd(k);
        if (e === k + 1) out.push(ip.rows[k] ?? 0);
        else emit(Array.from(ip.rows.subarray(k, e)));
        k = e;
      }
    };
    // Merge the text runs into the IPv4 order; an IPv4 value's text is made only where it is compared.
    let k = 0;
    for (const run of textRuns) {
      const value = this.valueAt(run[0] ?? 0);
      let lo = k;
      let hi = ip.rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareCodeUnits(this.valueAt(ip.rows[mid] ?? 0), value) < 0) lo = mid + 1;
        else hi = mid;
      }
      emitIp(k, lo);
      k = lo;
      // The same text listed once as text and once as numbers: one run.
      if (k < ip.rows.length && this.valueAt(ip.rows[k] ?? 0) === value) {
        const e = runEnd(k);
        emit([...run, ...ip.rows.subarray(k, e)]);
        k = e;
      } else emit(run);
    }
    emitIp(k, ip.rows.length);
    return out;
  }

  /** Text rows grouped by equal value, ascending. */
  private textRuns(): number[][] {
    const rows: number[] = [];
    const values: string[] = [];
    this.text.forEach((t, i) => {
      if (t !== undefined) {
        rows.push(i);
        values.push(t);
      }
    });
    const { order, tied } = sortStringsTied(values);
    const runs: number[][] = [];
    for (let k = 0; k < order.length; k++) {
      const i = rows[order[k] ?? 0] ?? 0;
      const last = runs[runs.length - 1];
      // `tied` 0: the sort's keys already told the neighbours apart, no string comparison needed.
      if (last !== undefined && tied[k] === 1 && values[order[k] ?? 0] === values[order[k - 1] ?? 0])
        last.push(i);
      else runs.push([i]);
    }
    return runs;
  }

  /**
   * IPv4 rows ascending by text (sorted as numbers, see `ipv4TextKey`), with their keys: rows of
   * one value are neighbours with equal keys.
   */
  private ipOrder(): { rows: Int32Array; keys: Float64Array } {
    let n = 0;
    for (let i = 0; i < this.ipStart.length; i++) if ((this.ipStart[i] ?? -1) >= 0) n++;
    const rows = new Int32Array(n);
    const keys = new Float64Array(n);
    for (let i = 0, k = 0; i < this.ipStart.length; i++) {
      const start = this.ipStart[i] ?? -1;
      if (start < 0) continue;
      rows[k] = i;
      keys[k++] = ipv4TextKey(start, this.ipPrefix[i] ?? 32);
    }
    const order = sortByTextKey(keys);
    const sortedRows = new Int32Array(n);
    const sortedKeys = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const at = order[k] ?? 0;
      sortedRows[k] = rows[at] ?? 0;
      sortedKeys[k] = keys[at] ?? 0;
    }
    return { rows: sortedRows, keys: sortedKeys };
  }
}

/** A flat copy of `s` that references no other string (V8 keeps substrings as views of their parent). */
function detach(s: string | undefined): string | undefined {
  return s === undefined || s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
