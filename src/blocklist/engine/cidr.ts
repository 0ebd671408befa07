/**
 * A fast IPv4 interval set on typed arrays: the hot path of `compile` for million-line IP feeds.
 *
 * Addresses are unsigned 32-bit values kept in `Uint32Array`s (arithmetic happens in doubles, so
 * `end + 1` never wraps). Sorting is an LSD radix sort of an index permutation (two 16-bit passes),
 * merging joins overlapping *and adjacent* intervals, and emission produces the minimal CIDR list
 * (the same result as FireHOL `iprange` and cidr-tools `mergeCidr`). No per-address objects exist.
 */
import { formatIPv4, parseIPv4At } from '../../indicators/ip.js';

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

/** The permutation of `0..n-1` that orders `keys` ascending (stable). */
export function sortOrder4(keys: Uint32Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < RADIX_MIN) return order.sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || a - b);
  const tmp = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  // Pass 1: low 16 bits, order → tmp.
  for (let i = 0; i < n; i++) {
    const b = (keys[i] ?? 0) & 0xffff;
    counts[b] = (counts[b] ?? 0) + 1;
  }
  let sum = 0;
  for (let b = 0; b < 65536; b++) {
    const c = counts[b] ?? 0;
    counts[b] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const idx = order[i] ?? 0;
    const b = (keys[idx] ?? 0) & 0xffff;
    const at = counts[b] ?? 0;
    tmp[at] = idx;
    counts[b] = at + 1;
  }
  // Pass 2: high 16 bits, tmp → order.
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const b = (keys[i] ?? 0) >>> 16;
    counts[b] = (counts[b] ?? 0) + 1;
  }
  sum = 0;
  for (let b = 0; b < 65536; b++) {
    const c = counts[b] ?? 0;
    counts[b] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const idx = tmp[i] ?? 0;
    const b = (keys[idx] ?? 0) >>> 16;
    const at = counts[b] ?? 0;
    order[at] = idx;
    counts[b] = at + 1;
  }
  return order;
}

/**
 * Sorts and merges overlapping and adjacent intervals. The result keeps, per merged interval, which
 * inputs it absorbed, so callers can compute provenance without per-address objects.
 */
export function mergeIntervals4(input: Intervals4): MergedIntervals4 {
  const n = input.length;
  const order = sortOrder4(input.start, n);
  const start = new Uint32Array(n);
  const end = new Uint32Array(n);
  const groupFirst = new Uint32Array(n + 1);
  let m = 0;
  let curStart = 0;
  let curEnd = -2;
  for (let k = 0; k < n; k++) {
    const i = order[k] ?? 0;
    const s = input.start[i] ?? 0;
    const e = input.end[i] ?? 0;
    if (s <= curEnd + 1) {
      if (e > curEnd) curEnd = e;
      continue;
    }
    if (curEnd >= 0) {
      start[m] = curStart;
      end[m] = curEnd;
      m++;
    }
    groupFirst[m] = k;
    curStart = s;
    curEnd = e;
  }
  if (curEnd >= 0) {
    start[m] = curStart;
    end[m] = curEnd;
    m++;
  }
  groupFirst[m] = n;
  return { start, end, length: m, order, groupFirst: groupFirst.subarray(0, m + 1) };
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
  let h = 0;
  for (let i = 0; i < base.length; i++) {
    let s = base.start[i] ?? 0;
    const e = base.end[i] ?? 0;
    while (h < holes.length && (holes.end[h] ?? 0) < s) h++;
    let j = h;
    while (j < holes.length && (holes.start[j] ?? 0) <= e && s <= e) {
      const hs = holes.start[j] ?? 0;
      const he = holes.end[j] ?? 0;
      if (hs > s) {
        start[n] = s;
        end[n] = hs - 1;
        parent[n++] = i;
      }
      s = he + 1;
      if (he > e) break;
      j++;
    }
    if (s <= e) {
      start[n] = s;
      end[n] = e;
      parent[n++] = i;
    }
  }
  return { start: start.subarray(0, n), end: end.subarray(0, n), parent: parent.subarray(0, n), length: n };
}

/** Lowest set bit of `n` as a power of two (2^32 for 0), using doubles. */
function alignment(n: number): number {
  if (n === 0) return 4294967296;
  const low = n % 65536;
  if (low !== 0) return low & -low;
  const high = Math.floor(n / 65536);
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
  const size = 2 ** (32 - prefix);
  const first = addr - (addr % size);
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
