/**
 * The union of many IPv4 intervals, merged into disjoint sorted runs with a /16 bucket table, so
 * "does this address or network touch anything?" is one read of a 64 KB table for most addresses,
 * and a search among the few runs of one /16 for the rest. This is the guard's fast path for
 * million-line IPv4 feeds.
 *
 * Building the union of the shipped warninglists (67k intervals) runs once per process, in code the
 * JIT has not compiled yet: it cost more than a tenth of a second. So a union also exists as plain
 * arrays ({@link IPv4UnionState}), which the build-time warninglist cache stores and a process
 * reads back without a loop of its own.
 */
import type { IPv4ColumnsView } from './ranges.js';

/** A union's arrays, as {@link IPv4Union.state} gives them and the constructor takes them back. */
export interface IPv4UnionState {
  /** The runs' first and last addresses, ascending and disjoint (not even adjacent). */
  starts: Uint32Array;
  ends: Uint32Array;
  /** 65,537 entries: `bucket[b]` is the index of the first run starting at or after `b × 65536`. */
  bucket: Uint32Array;
  /** 65,536 entries: per /16, 0 when no run touches it, 1 when one run covers all of it, 2 otherwise. */
  state: Uint8Array;
}

const BUCKETS = 65536;

/** See the module comment. */
export class IPv4Union {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly bucket: Uint32Array;
  /**
   * Most lookups of a million-line feed end in this 64 KB table, without reading the runs
   * themselves (random reads over them are TLB misses, which cost most on a virtual machine).
   */
  private readonly table: Uint8Array;

  /**
   * Merges the intervals (any order, overlapping or not): objects, then more in columns. Given the
   * arrays {@link state} gave (the warninglist cache's), takes them back as they are, checked for
   * shape only: the cache that holds them is digested and fingerprinted, so they are the build's own.
   */
  constructor(
    intervals: Iterable<{ first: number; last: number }> | IPv4UnionState,
    columns: readonly Pick<IPv4ColumnsView, 'first' | 'last'>[] = [],
  ) {
    if (isState(intervals)) {
      checkShape(intervals);
      this.starts = Float64Array.from(intervals.starts);
      this.ends = Float64Array.from(intervals.ends);
      this.bucket = intervals.bucket;
      this.table = intervals.state;
      return;
    }
    const { starts, ends } = mergeRuns(intervals, columns);
    this.starts = starts;
    this.ends = ends;
    // Filled run by run with native fills: a loop over 65,536 buckets in code the JIT has not
    // compiled yet costs tens of milliseconds, and a guard builds this union at every start.
    this.bucket = new Uint32Array(BUCKETS + 1);
    this.table = new Uint8Array(BUCKETS);
    let from = 0;
    for (let r = 0; r < starts.length; r++) {
      const first = starts[r] ?? 0;
      const last = ends[r] ?? 0;
      const bf = Math.floor(first / BUCKETS);
      const bl = Math.floor(last / BUCKETS);
      // Buckets after the previous run's start, up to this run's start, begin at run r.
      this.bucket.fill(r, from, bf + 1);
      from = bf + 1;
      // Runs are disjoint: a /16 one run covers whole is touched by no other.
      const wholeFirst = first === bf * BUCKETS && (bl > bf || last === bf * BUCKETS + 65535);
      this.table[bf] = wholeFirst ? 1 : 2;
      if (bl > bf) {
        this.table.fill(1, bf + 1, bl);
        this.table[bl] = last === bl * BUCKETS + 65535 ? 1 : 2;
      }
    }
    this.bucket.fill(starts.length, from);
  }

  /** The union's arrays (copies), for the warninglist cache. */
  state(): IPv4UnionState {
    return {
      starts: Uint32Array.from(this.starts),
      ends: Uint32Array.from(this.ends),
      bucket: new Uint32Array(this.bucket),
      state: new Uint8Array(this.table),
    };
  }

  /**
   * One test against several unions, as if they were one: a merged per-/16 table answers most
   * lookups with one read. In a /16 some union touches in part, a bitmap of the /24s any run touches
   * answers next (built once `bitmapAfter` lookups have needed it: 2 MiB that a short feed never
   * asks for), and only an address in a touched /24 is searched union by union. (Merging a few
   * configured ranges into the warninglists' 62k runs at every start would cost more than the
   * search; reading two tables per address costs a million-line feed more still.)
   */
  static anyOf(
    unions: readonly IPv4Union[],
    { bitmapAfter = 4096 }: { bitmapAfter?: number } = {},
  ): { overlaps(lo: number, hi: number): boolean } {
    const table = new Uint8Array(BUCKETS);
    for (const union of unions) {
      const own = union.table;
      for (let b = 0; b < BUCKETS; b++) {
        const state = own[b] ?? 0;
        // 1 (covered whole) wins; 2 (touched in part) marks the /16 for a closer look; 0 changes nothing.
        if (state === 1) table[b] = 1;
        else if (state === 2 && table[b] === 0) table[b] = 2;
      }
    }
    let bits: Int32Array | undefined;
    let closer = 0;
    return {
      overlaps(lo: number, hi: number): boolean {
        // Addresses are unsigned 32-bit: shifts, not floating-point division (a lookup per line).
        const b = hi >>> 16;
        if (lo >>> 16 === b) {
          const state = table[b] ?? 2;
          if (state !== 2) return state === 1;
          if (bits === undefined && ++closer > bitmapAfter) bits = touched24(unions);
          const s24 = hi >>> 8;
          if (bits !== undefined && lo >>> 8 === s24 && ((bits[s24 >>> 5] ?? -1) & (1 << (s24 & 31))) === 0)
            return false;
        }
        for (const union of unions) if (union.overlaps(lo, hi)) return true;
        return false;
      },
    };
  }

  /** The runs' first and last addresses (the arrays themselves: read only). */
  runArrays(): { starts: Float64Array; ends: Float64Array } {
    return { starts: this.starts, ends: this.ends };
  }

  /** The number of merged runs. */
  get runs(): number {
    return this.starts.length;
  }

  /** True when `[lo, hi]` touches any interval of the union. */
  overlaps(lo: number, hi: number): boolean {
    const b = hi >>> 16;
    if (lo >>> 16 === b) {
      const state = this.table[b] ?? 2;
      if (state !== 2) return state === 1;
    }
    // The last run starting at or below hi lies in hi's bucket, or is the last run before it.
    let left = this.bucket[b] ?? 0;
    let right = (this.bucket[b + 1] ?? 0) - 1;
    let ans = left - 1;
    while (left <= right) {
      const mid = (left + right) >>> 1;
      if ((this.starts[mid] ?? Infinity) <= hi) {
        ans = mid;
        left = mid + 1;
      } else {
        right = mid - 1;
      }
    }
    return ans >= 0 && (this.ends[ans] ?? -1) >= lo;
  }
}

/** One bit per /24 (2^24 bits): set when a run of any of the unions touches that /24. */
function touched24(unions: readonly IPv4Union[]): Int32Array {
  const bits = new Int32Array(1 << 19);
  for (const union of unions) {
    const { starts, ends } = union.runArrays();
    for (let r = 0; r < starts.length; r++) {
      const from = Math.floor((starts[r] ?? 0) / 256);
      const to = Math.floor((ends[r] ?? 0) / 256);
      // Whole words at once in the middle of a wide run, single bits at its edges.
      let k = from;
      for (; k <= to && (k & 31) !== 0; k++) bits[k >>> 5] = (bits[k >>> 5] ?? 0) | (1 << (k & 31));
      if (to - k >= 31) {
        const words = (to + 1 - k) >>> 5;
        bits.fill(-1, k >>> 5, (k >>> 5) + words);
        k += words * 32;
      }
      for (; k <= to; k++) bits[k >>> 5] = (bits[k >>> 5] ?? 0) | (1 << (k & 31));
    }
  }
  return bits;
}

function isState(x: Iterable<{ first: number; last: number }> | IPv4UnionState): x is IPv4UnionState {
  return 'bucket' in x && x.bucket instanceof Uint32Array;
}

function checkShape(s: IPv4UnionState): void {
  if (
    s.starts.length !== s.ends.length ||
    s.bucket.length !== BUCKETS + 1 ||
    s.state.length !== BUCKETS ||
    s.bucket[BUCKETS] !== s.starts.length
  ) {
    throw new RangeError('an IPv4 union state of the wrong shape');
  }
}

/** The intervals merged into ascending disjoint runs (touching ones joined). */
function mergeRuns(
  intervals: Iterable<{ first: number; last: number }>,
  columns: readonly Pick<IPv4ColumnsView, 'first' | 'last'>[],
): { starts: Float64Array; ends: Float64Array } {
  const firsts: number[] = [];
  const lasts: number[] = [];
  for (const { first, last } of intervals) {
    firsts.push(first);
    lasts.push(last);
  }
  for (const c of columns) {
    for (let i = 0; i < c.first.length; i++) {
      firsts.push(c.first[i] ?? 0);
      lasts.push(c.last[i] ?? 0);
    }
  }
  const sorted = sortIndicesByFirst(firsts);
  const starts: number[] = [];
  const ends: number[] = [];
  for (let k = 0; k < sorted.length; k++) {
    const i = sorted[k] ?? 0;
    const first = firsts[i] ?? 0;
    const last = lasts[i] ?? 0;
    const n = ends.length;
    const prevEnd = n > 0 ? (ends[n - 1] ?? -1) : -2;
    if (first <= prevEnd + 1) ends[n - 1] = Math.max(prevEnd, last);
    else {
      starts.push(first);
      ends.push(last);
    }
  }
  return { starts: Float64Array.from(starts), ends: Float64Array.from(ends) };
}

/** Indices of `firsts` in ascending order of value (stable), by a native sort of packed keys. */
function sortIndicesByFirst(firsts: readonly number[]): number[] {
  const n = firsts.length;
  if (n >= 1 << 20)
    return firsts.map((_, i) => i).sort((a, b) => (firsts[a] ?? 0) - (firsts[b] ?? 0) || a - b);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (firsts[i] ?? 0) * 1048576 + i;
  keys.sort();
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) out[k] = (keys[k] ?? 0) % 1048576;
  return out;
}
