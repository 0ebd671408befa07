/**
 * A fast IPv4 interval set on typed arrays: the hot path of `compile` for million-line IP feeds.
 *
 * Addresses are unsigned 32-bit values kept in `Uint32Array`s (arithmetic happens in doubles, so
 * `end + 1` never wraps). Sorting is an LSD radix sort of an index permutation (two 16-bit passes),
 * merging joins overlapping *and adjacent* intervals, and emission produces the minimal CIDR list
 * (the same result as FireHOL `iprange` and cidr-tools `mergeCidr`). No per-address objects exist.
 */
import { formatIPv4, ipv4BlockSize, parseIPv4At } from '../../indicators/ip.js';

/** A list of inclusive IPv4 intervals `[start[i], end[i]]` for `i < length`. */
export interface Intervals4 {
  start: Uint32Array;
  end: Uint32Array;
  length: number;
}

/** Intervals after merging, with the group of input positions each merged interval came from. */
export interface MergedIntervals4 extends Intervals4 {
  /** The input indices in ascending start order (the permutation the merge walked). */
  order: Uint32Array;
  /** `order[groupFirst[g] .. groupFirst[g + 1])` are the inputs of merged interval `g` (length + 1 entries). */
  groupFirst: Uint32Array;
}

/** Below this many items the built-in sort beats the radix passes' fixed cost. */
const RADIX_MIN = 256;
/** Digit width of the radix passes: 11 + 11 + 10 bits. */
const DIGIT_BITS = 11;
const DIGITS = 1 << DIGIT_BITS;
const PASSES = 3;

/** Every pass's bucket starts: digit counts in one read of the keys, then their running sums. */
function digitStarts(keys: Uint32Array, n: number): Uint32Array {
  const counts = new Uint32Array(DIGITS * PASSES);
  for (let i = 0; i < n; i++) {
    const k = keys[i] ?? 0;
    const d0 = k & (DIGITS - 1);
    const d1 = DIGITS + ((k >>> DIGIT_BITS) & (DIGITS - 1));
    const d2 = 2 * DIGITS + (k >>> (2 * DIGIT_BITS));
    counts[d0] = (counts[d0] ?? 0) + 1;
    counts[d1] = (counts[d1] ?? 0) + 1;
    counts[d2] = (counts[d2] ?? 0) + 1;
  }
  for (let p = 0; p < PASSES; p++) {
    let sum = 0;
    for (let b = p * DIGITS; b < (p + 1) * DIGITS; b++) {
      const c = counts[b] ?? 0;
      counts[b] = sum;
      sum += c;
    }
  }
  return counts;
}

/**
 * The permutation of `0..n-1` that orders `keys` ascending (stable): an LSD radix sort in three
 * passes of 11 bits that carries each key with its index. Carrying the keys makes every pass read
 * sequentially, and 2,048 buckets keep the scattered writes within few enough pages for the TLB;
 * two 16-bit passes that looked keys up through the permutation measured twice as slow on a
 * virtual machine, where every TLB miss costs a nested page walk.
 */
export function sortOrder4(keys: Uint32Array, n: number): Uint32Array {
  return sortKeys4(keys, n).order;
}

/**
 * {@link sortOrder4}, with the keys in that order (`sorted[k] === keys[order[k]]`) and, when given,
 * `values` carried along (`carried[k] === values[order[k]]`): read in order later, not gathered
 * through the permutation.
 */
export function sortKeys4(
  keys: Uint32Array,
  n: number,
  values?: Uint32Array,
): { order: Uint32Array; sorted: Uint32Array; carried: Uint32Array } {
  if (n < RADIX_MIN) {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || a - b);
    return {
      order,
      sorted: order.map((i) => keys[i] ?? 0),
      carried: values ? order.map((i) => values[i] ?? 0) : new Uint32Array(0),
    };
  }
  const counts = digitStarts(keys, n);
  // Ping-pong between two key/index(/value) buffers: keys → A, A → B, B → A.
  const m = values ? n : 0;
  const a = { keys: new Uint32Array(n), idx: new Uint32Array(n), values: new Uint32Array(m) };
  const b = { keys: new Uint32Array(n), idx: new Uint32Array(n), values: new Uint32Array(m) };
  for (let p = 0; p < PASSES; p++) {
    const shift = p * DIGIT_BITS;
    const base = p * DIGITS;
    const src = p === 0 ? undefined : p % 2 === 0 ? b : a;
    const dst = p % 2 === 0 ? a : b;
    const srcKeys = src?.keys ?? keys;
    const srcValues = src?.values ?? values;
    for (let i = 0; i < n; i++) {
      const k = srcKeys[i] ?? 0;
      const digit = base + ((k >>> shift) & (DIGITS - 1));
      const at = counts[digit] ?? 0;
      counts[digit] = at + 1;
      dst.keys[at] = k;
      dst.idx[at] = src === undefined ? i : (src.idx[i] ?? 0);
      if (srcValues !== undefined) dst.values[at] = srcValues[i] ?? 0;
    }
  }
  const last = (PASSES - 1) % 2 === 0 ? a : b;
  return { order: last.idx, sorted: last.keys, carried: last.values };
}

/**
 * {@link sortKeys4} without the permutation: the keys ascending with `values` carried along. A third
 * fewer bytes move in every pass, for callers that never look back at the inputs (a one-source list
 * needs no provenance).
 */
export function sortPairs4(
  keys: Uint32Array,
  n: number,
  values: Uint32Array,
): { sorted: Uint32Array; carried: Uint32Array } {
  if (n < RADIX_MIN) {
    const { sorted, carried } = sortKeys4(keys, n, values);
    return { sorted, carried };
  }
  const counts = digitStarts(keys, n);
  // Ping-pong between two key/value buffers: keys → A, A → B, B → A.
  const a = { keys: new Uint32Array(n), values: new Uint32Array(n) };
  const b = { keys: new Uint32Array(n), values: new Uint32Array(n) };
  for (let p = 0; p < PASSES; p++) {
    const shift = p * DIGIT_BITS;
    const base = p * DIGITS;
    const src = p === 0 ? { keys, values } : p % 2 === 0 ? b : a;
    const dst = p % 2 === 0 ? a : b;
    const srcKeys = src.keys;
    const srcValues = src.values;
    const dstKeys = dst.keys;
    const dstValues = dst.values;
    for (let i = 0; i < n; i++) {
      const k = srcKeys[i] ?? 0;
      const digit = base + ((k >>> shift) & (DIGITS - 1));
      const at = counts[digit] ?? 0;
      counts[digit] = at + 1;
      dstKeys[at] = k;
      dstValues[at] = srcValues[i] ?? 0;
    }
  }
  const last = (PASSES - 1) % 2 === 0 ? a : b;
  return { sorted: last.keys, carried: last.values };
}

/**
 * Sorts and merges overlapping and adjacent intervals. The result keeps, per merged interval, which
 * inputs it absorbed, so callers can compute provenance without per-address objects; with
 * `groups: false` it does not (`order` and `groupFirst` are empty) and the sort moves less.
 */
export function mergeIntervals4(input: Intervals4, options: { groups?: boolean } = {}): MergedIntervals4 {
  const n = input.length;
  const groups = options.groups ?? true;
  // The starts come sorted (with the permutation when asked) and the ends carried along: both read in order.
  const { order, sorted, carried } = groups
    ? sortKeys4(input.start, n, input.end)
    : { order: new Uint32Array(0), ...sortPairs4(input.start, n, input.end) };
  const start = new Uint32Array(n);
  const end = new Uint32Array(n);
  const groupFirst = new Uint32Array(groups ? n + 1 : 0);
  let m = 0;
  let curStart = 0;
  let curEnd = -2;
  for (let k = 0; k < n; k++) {
    const s = sorted[k] ?? 0;
    const e = carried[k] ?? 0;
    if (s <= curEnd + 1) {
      if (e > curEnd) curEnd = e;
      continue;
    }
    if (curEnd >= 0) {
      start[m] = curStart;
      end[m] = curEnd;
      m++;
    }
    if (groups) groupFirst[m] = k;
    curStart = s;
    curEnd = e;
  }
  if (curEnd >= 0) {
    start[m] = curStart;
    end[m] = curEnd;
    m++;
  }
  if (groups) groupFirst[m] = n;
  return { start, end, length: m, order, groupFirst: groupFirst.subarray(0, groups ? m + 1 : 0) };
}

/**
 * Calls `piece(start, end, i)` for each part of `base` (sorted and disjoint, as `mergeIntervals4`
 * returns it) that lies outside `holes` (likewise), ascending; `i` names the base interval the part
 * was cut from. Nothing is materialised: a caller that turns pieces into blocks needs no copy of a
 * million intervals to cut out a few holes.
 */
export function forEachPiece4(
  base: Intervals4,
  holes: Intervals4,
  piece: (start: number, end: number, i: number) => void,
): void {
  let h = 0;
  for (let i = 0; i < base.length; i++) {
    let s = base.start[i] ?? 0;
    const e = base.end[i] ?? 0;
    while (h < holes.length && (holes.end[h] ?? 0) < s) h++;
    let j = h;
    while (j < holes.length && (holes.start[j] ?? 0) <= e && s <= e) {
      const hs = holes.start[j] ?? 0;
      const he = holes.end[j] ?? 0;
      if (hs > s) piece(s, hs - 1, i);
      s = he + 1;
      if (he > e) break;
      j++;
    }
    if (s <= e) piece(s, e, i);
  }
}

/**
 * Subtracts `holes` (sorted and disjoint, as `mergeIntervals4` returns them) from `base` (sorted and
 * disjoint). `parent[i]` of the result names the base interval piece `i` was cut from.
 */
export function subtractIntervals4(
  base: Intervals4,
  holes: Intervals4,
): Intervals4 & { parent: Uint32Array } {
  const cap = base.length + holes.length;
  const start = new Uint32Array(cap);
  const end = new Uint32Array(cap);
  const parent = new Uint32Array(cap);
  let n = 0;
  forEachPiece4(base, holes, (s, e, i) => {
    start[n] = s;
    end[n] = e;
    parent[n++] = i;
  });
  return { start: start.subarray(0, n), end: end.subarray(0, n), parent: parent.subarray(0, n), length: n };
}

/** Lowest set bit of `n` as a power of two (2^32 for 0), using doubles. */
function alignment(n: number): number {
  if (n === 0) return 4294967296;
  // Halves of an unsigned 32-bit value by masks and shifts (once per output block: no float remainder).
  const low = n & 0xffff;
  if (low !== 0) return low & -low;
  const high = n >>> 16;
  return (high & -high) * 65536;
}

/**
 * Calls `emit(start, prefix)` for each block of the minimal CIDR cover of `[first, last]`, ascending.
 * Returns the number of blocks.
 */
export function rangeToCidrs(
  first: number,
  last: number,
  emit: (start: number, prefix: number) => void,
): number {
  let s = first;
  let count = 0;
  while (s <= last) {
    const size = largestBlock(s, last);
    emit(s, prefixOfSize(size));
    s += size;
    count++;
  }
  return count;
}

/** The size of the largest CIDR block that starts at `s` and ends at or before `last`. */
export function largestBlock(s: number, last: number): number {
  let size = alignment(s);
  const remaining = last - s + 1;
  while (size > remaining) size /= 2;
  return size;
}

/** The prefix length of an IPv4 block of `size` addresses (a power of two). */
export function prefixOfSize(size: number): number {
  // clz32 of a power of two below 2^32 is 31 - log2(size); 2^32 itself (the whole space) is /0.
  return size >= 4294967296 ? 0 : Math.clz32(size) + 1;
}

/** Canonical text of one block: a plain address for a /32, else `a.b.c.d/len`. */
export function formatCidr4(start: number, prefix: number): string {
  return prefix === 32 ? formatIPv4(start) : `${formatIPv4(start)}/${prefix}`;
}

/**
 * Parses a canonical IPv4 value (`a.b.c.d` or `a.b.c.d/len`, strict) into `out[0..1]` as the inclusive
 * interval of its network (host bits ignored). Returns false when it is not one. One charCode pass, no
 * slicing: this runs once per accepted record.
 */
export function parseCidr4Into(text: string, out: Float64Array | number[]): boolean {
  const len = text.length;
  let slash = text.indexOf('/');
  if (slash < 0) slash = len;
  const addr = parseIPv4At(text, 0, slash);
  if (addr < 0) return false;
  let prefix = 32;
  if (slash < len) {
    const digits = len - slash - 1;
    if (digits < 1 || digits > 2) return false;
    const d0 = text.charCodeAt(slash + 1) - 48;
    const d1 = digits === 2 ? text.charCodeAt(slash + 2) - 48 : 0;
    if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9 || (digits === 2 && d0 === 0)) return false;
    prefix = digits === 2 ? d0 * 10 + d1 : d0;
    if (prefix > 32) return false;
  }
  const size = ipv4BlockSize(prefix);
  const first = Math.floor(addr / size) * size;
  out[0] = first;
  out[1] = first + size - 1;
  return true;
}

/** A growable list of IPv4 intervals (the builder `Intervals4` values come from). */
export class IntervalList4 implements Intervals4 {
  start = new Uint32Array(1024);
  end = new Uint32Array(1024);
  length = 0;

  /** Makes room for `capacity` intervals in all (a size hint: fewer copies while growing). */
  reserve(capacity: number): void {
    if (capacity > this.start.length) this.resize(capacity);
  }

  /** Appends `[s, e]`; returns its index. */
  push(s: number, e: number): number {
    if (this.length === this.start.length) this.resize(this.length * 2);
    this.start[this.length] = s;
    this.end[this.length] = e;
    return this.length++;
  }

  private resize(cap: number): void {
    const ns = new Uint32Array(cap);
    ns.set(this.start);
    const ne = new Uint32Array(cap);
    ne.set(this.end);
    this.start = ns;
    this.end = ne;
  }

  /** Appends a canonical value (`a.b.c.d[/len]`); false when it does not parse. */
  pushCidr(text: string): boolean {
    const out = [0, 0];
    if (!parseCidr4Into(text, out)) return false;
    this.push(out[0] ?? 0, out[1] ?? 0);
    return true;
  }

  /** Drops everything from index `length` on (used to roll a source back). */
  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }
}

/** The minimal CIDR list (canonical text) covering the union of `cidrs`. */
export function mergeCidrs4(cidrs: readonly string[]): string[] {
  const list = new IntervalList4();
  for (const c of cidrs) if (!list.pushCidr(c)) throw new RangeError(`not an IPv4 address or CIDR: ${c}`);
  const merged = mergeIntervals4(list);
  const out: string[] = [];
  for (let g = 0; g < merged.length; g++) {
    rangeToCidrs(merged.start[g] ?? 0, merged.end[g] ?? 0, (s, p) => out.push(formatCidr4(s, p)));
  }
  return out;
}

/** The minimal CIDR list covering `cidrs` minus `holes` (e.g. a /24 minus a /32 is 8 blocks). */
export function excludeCidrs4(cidrs: readonly string[], holes: readonly string[]): string[] {
  const base = new IntervalList4();
  for (const c of cidrs) if (!base.pushCidr(c)) throw new RangeError(`not an IPv4 address or CIDR: ${c}`);
  const hl = new IntervalList4();
  for (const c of holes) if (!hl.pushCidr(c)) throw new RangeError(`not an IPv4 address or CIDR: ${c}`);
  const rest = subtractIntervals4(mergeIntervals4(base), mergeIntervals4(hl));
  const out: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    rangeToCidrs(rest.start[i] ?? 0, rest.end[i] ?? 0, (s, p) => out.push(formatCidr4(s, p)));
  }
  return out;
}
