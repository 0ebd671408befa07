/**
 * Numeric interval indexes for the guard, and the built-in special-purpose address ranges.
 *
 * An index holds inclusive intervals `[first, last]` sorted by start, with a running maximum of the
 * ends, so "does `[lo, hi]` overlap anything, and which label?" is one binary search plus a short
 * backwards scan (O(log n + k)) whether or not the intervals nest. IPv4 uses numbers in typed
 * arrays, IPv6 bigints.
 */
import { parseIpInterval, type IpInterval } from '../indicators/ip.js';
import { parseCidr4Into } from './cidr.js';

/** One labelled interval. */
export interface LabelledInterval<T extends number | bigint> {
  first: T;
  last: T;
  label: string;
}

/** Queries shared by the IPv4 and IPv6 indexes. */
export interface IntervalQueries<T extends number | bigint> {
  /** The number of intervals. */
  readonly size: number;
  /** The intervals, sorted by start. */
  entries(): readonly LabelledInterval<T>[];
  /** True when some interval overlaps `[lo, hi]`. */
  overlaps(lo: T, hi: T): boolean;
  /** The label of an interval overlapping `[lo, hi]` (the one starting last), or null. */
  find(lo: T, hi: T): string | null;
  /** The label of an interval that contains all of `[lo, hi]`, or null. */
  findContaining(lo: T, hi: T): string | null;
}

/**
 * Labelled IPv4 intervals in columns, in insertion order: `buildDualIndex` collects the warninglists'
 * 62k single addresses this way, with no object per address (start-up of every IPv4 compile).
 */
export interface IPv4Columns {
  first: number[];
  last: number[];
  /** Index into `labels`. */
  label: number[];
  labels: string[];
}

/** The columns of `items` (same order). */
function columnsOf(items: readonly LabelledInterval<number>[]): IPv4Columns {
  const cols: IPv4Columns = { first: [], last: [], label: [], labels: [] };
  const ids = new Map<string, number>();
  for (const item of items) {
    let id = ids.get(item.label);
    if (id === undefined) {
      id = cols.labels.length;
      ids.set(item.label, id);
      cols.labels.push(item.label);
    }
    cols.first.push(item.first);
    cols.last.push(item.last);
    cols.label.push(id);
  }
  return cols;
}

/**
 * IPv4 intervals over typed arrays: monomorphic number comparisons, so one lookup in the union of
 * every guarded IPv4 range stays a few dozen nanoseconds (the 1M-line fast path). Single addresses
 * (62k public resolvers) are kept apart in a natively sorted Float64Array, which builds in a few
 * milliseconds; networks use sorted starts with a running maximum of their ends.
 */
export class IPv4Index implements IntervalQueries<number> {
  private readonly cols: IPv4Columns;
  /** The intervals as objects (given, or built by the first `entries()` call). */
  private items: readonly LabelledInterval<number>[] | undefined;
  private readonly points: Float64Array;
  /** The label of each point, unless every item has the same label (`soleLabel`). */
  private readonly pointLabels: Map<number, string> | undefined;
  private readonly soleLabel: string | undefined;
  private readonly nets: LabelledInterval<number>[];
  private readonly starts: Float64Array;
  private readonly lasts: Float64Array;
  private readonly maxLast: Float64Array;

  /** Builds the index from objects or columns; the input is not modified. */
  constructor(items: readonly LabelledInterval<number>[] | IPv4Columns) {
    let cols: IPv4Columns;
    if (Array.isArray(items)) {
      this.items = items;
      cols = columnsOf(items);
    } else cols = items as IPv4Columns;
    this.cols = cols;
    const { first, last, label, labels } = cols;
    const count = first.length;
    // One pass per job over the columns: no intermediate arrays, sets or objects per address.
    const label0 = label[0];
    let sole = count > 0;
    let pointCount = 0;
    const nets: LabelledInterval<number>[] = [];
    for (let i = 0; i < count; i++) {
      const f = first[i] ?? 0;
      const l = last[i] ?? 0;
      if (label[i] !== label0) sole = false;
      if (f === l) pointCount++;
      else nets.push({ first: f, last: l, label: labels[label[i] ?? 0] ?? '' });
    }
    this.soleLabel = sole ? labels[label0 ?? 0] : undefined;
    const points = new Float64Array(pointCount);
    let k = 0;
    for (let i = 0; i < count; i++) if (first[i] === last[i]) points[k++] = first[i] ?? 0;
    if (!sole) {
      const byPoint = new Map<number, string>();
      for (let i = 0; i < count; i++) {
        const f = first[i] ?? 0;
        if (f === last[i] && !byPoint.has(f)) byPoint.set(f, labels[label[i] ?? 0] ?? '');
      }
      this.pointLabels = byPoint;
    }
    this.points = points.sort();
    this.nets = sortByFirst(nets);
    const n = this.nets.length;
    this.starts = new Float64Array(n);
    this.lasts = new Float64Array(n);
    this.maxLast = new Float64Array(n);
    let max = -1;
    for (let i = 0; i < n; i++) {
      const item = this.nets[i] as LabelledInterval<number>;
      this.starts[i] = item.first;
      this.lasts[i] = item.last;
      max = Math.max(max, item.last);
      this.maxLast[i] = max;
    }
  }

  get size(): number {
    return this.cols.first.length;
  }

  entries(): readonly LabelledInterval<number>[] {
    if (this.items === undefined) {
      const { first, last, label, labels } = this.cols;
      this.items = first.map((f, i) => ({
        first: f,
        last: last[i] ?? 0,
        label: labels[label[i] ?? 0] ?? '',
      }));
    }
    return this.items;
  }

  /** The intervals' starts and ends in columns (no objects; same order as `entries()`). */
  columns(): Pick<IPv4Columns, 'first' | 'last'> {
    return this.cols;
  }

  overlaps(lo: number, hi: number): boolean {
    const p = firstAtOrAbove(this.points, lo);
    if (p < this.points.length && (this.points[p] ?? Infinity) <= hi) return true;
    const i = lastAtOrBelow(this.starts, hi);
    return i >= 0 && (this.maxLast[i] ?? -1) >= lo;
  }

  find(lo: number, hi: number): string | null {
    for (let j = lastAtOrBelow(this.starts, hi); j >= 0 && (this.maxLast[j] ?? -1) >= lo; j--) {
      if ((this.lasts[j] ?? -1) >= lo) return this.nets[j]?.label ?? null;
    }
    const point = this.points[firstAtOrAbove(this.points, lo)];
    return point !== undefined && point <= hi ? this.pointLabel(point) : null;
  }

  findContaining(lo: number, hi: number): string | null {
    for (let j = lastAtOrBelow(this.starts, lo); j >= 0 && (this.maxLast[j] ?? -1) >= hi; j--) {
      if ((this.lasts[j] ?? -1) >= hi) return this.nets[j]?.label ?? null;
    }
    if (lo !== hi) return null;
    const point = this.points[firstAtOrAbove(this.points, lo)];
    return point === lo ? this.pointLabel(point) : null;
  }

  private pointLabel(point: number): string | null {
    return this.soleLabel ?? this.pointLabels?.get(point) ?? null;
  }
}

/** Index of the last element ≤ v in a sorted array, or -1. */
function lastAtOrBelow(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? Infinity) <= v) {
      ans = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return ans;
}

/** Index of the first element ≥ v in a sorted array (the length when none). */
function firstAtOrAbove(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? Infinity) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The union of many IPv4 intervals, merged into disjoint sorted runs with a /16 bucket table, so
 * "does this address or network touch anything guarded?" is a bucket read plus a search among the
 * few runs of one /16. This is the guard's fast path for million-line IPv4 feeds.
 */
export class IPv4Union {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  /** bucket[b] = index of the first run starting at or after b × 65536. */
  private readonly bucket: Int32Array;

  /** Merges the intervals (any order, overlapping or not): objects, then more in columns. */
  constructor(
    intervals: Iterable<{ first: number; last: number }>,
    columns: readonly Pick<IPv4Columns, 'first' | 'last'>[] = [],
  ) {
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
    this.starts = Float64Array.from(starts);
    this.ends = Float64Array.from(ends);
    this.bucket = new Int32Array(65537);
    let i = 0;
    for (let b = 0; b <= 65536; b++) {
      while (i < starts.length && (starts[i] ?? Infinity) < b * 65536) i++;
      this.bucket[b] = i;
    }
  }

  /** The number of merged runs. */
  get runs(): number {
    return this.starts.length;
  }

  /** True when `[lo, hi]` touches any interval of the union. */
  overlaps(lo: number, hi: number): boolean {
    const b = Math.floor(hi / 65536);
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

/**
 * Intervals sorted by start. A native Float64Array sort of `first × 2^20 + index` keys (exact below
 * 2^53) replaces a comparator sort of 60k+ objects, a noticeable part of a small compile's start-up.
 */
function sortByFirst<T extends { first: number }>(items: T[]): T[] {
  const n = items.length;
  if (n >= 1 << 20) return items.sort((a, b) => a.first - b.first);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (items[i]?.first ?? 0) * 1048576 + i;
  keys.sort();
  const out: T[] = [];
  for (let k = 0; k < n; k++) {
    const item = items[(keys[k] ?? 0) % 1048576];
    if (item !== undefined) out.push(item);
  }
  return out;
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

/** IPv6 intervals over bigints (feeds carry few IPv6 values; clarity over speed). */
export class IPv6Index implements IntervalQueries<bigint> {
  private readonly items: LabelledInterval<bigint>[];
  private readonly maxLast: bigint[] = [];

  /** Builds the index; the input array is not modified. */
  constructor(items: readonly LabelledInterval<bigint>[]) {
    this.items = [...items].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    let max = -1n;
    for (const item of this.items) {
      if (item.last > max) max = item.last;
      this.maxLast.push(max);
    }
  }

  get size(): number {
    return this.items.length;
  }

  entries(): readonly LabelledInterval<bigint>[] {
    return this.items;
  }

  overlaps(lo: bigint, hi: bigint): boolean {
    return this.find(lo, hi) !== null;
  }

  find(lo: bigint, hi: bigint): string | null {
    for (let j = this.lastStartAtOrBelow(hi); j >= 0 && (this.maxLast[j] ?? -1n) >= lo; j--) {
      const item = this.items[j];
      if (item !== undefined && item.last >= lo) return item.label;
    }
    return null;
  }

  findContaining(lo: bigint, hi: bigint): string | null {
    for (let j = this.lastStartAtOrBelow(lo); j >= 0 && (this.maxLast[j] ?? -1n) >= hi; j--) {
      const item = this.items[j];
      if (item !== undefined && item.last >= hi) return item.label;
    }
    return null;
  }

  private lastStartAtOrBelow(v: bigint): number {
    let lo = 0;
    let hi = this.items.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const item = this.items[mid];
      if (item !== undefined && item.first <= v) {
        ans = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return ans;
  }
}

/** IPv4 and IPv6 indexes built from the same list of labelled networks. */
export interface DualIndex {
  v4: IPv4Index;
  v6: IPv6Index;
}

/** Builds a v4 + v6 index from `[network, label]` pairs; a malformed network is returned in `bad`. */
export function buildDualIndex(entries: Iterable<readonly [string, string]>): DualIndex & { bad: string[] } {
  const v4: IPv4Columns = { first: [], last: [], label: [], labels: [] };
  const labelIds = new Map<string, number>();
  const v6: LabelledInterval<bigint>[] = [];
  const bad: string[] = [];
  const scratch = [0, 0];
  const push4 = (first: number, last: number, label: string): void => {
    let id = labelIds.get(label);
    if (id === undefined) {
      id = v4.labels.length;
      labelIds.set(label, id);
      v4.labels.push(label);
    }
    v4.first.push(first);
    v4.last.push(last);
    v4.label.push(id);
  };
  for (const [network, label] of entries) {
    // Most entries (62k public resolvers) are plain IPv4: the allocation-free parser first.
    if (parseCidr4Into(network, scratch)) {
      push4(scratch[0] ?? 0, scratch[1] ?? 0, label);
      continue;
    }
    const iv = parseIpInterval(network.toLowerCase());
    if (iv === null) bad.push(network);
    else if (iv.family === 4) push4(iv.first, iv.last, label);
    else v6.push({ first: iv.first, last: iv.last, label });
  }
  return { v4: new IPv4Index(v4), v6: new IPv6Index(v6), bad };
}

/** Finds an overlapping label in a dual index for a parsed interval. */
export function findOverlap(index: DualIndex, iv: IpInterval): string | null {
  return iv.family === 4 ? index.v4.find(iv.first, iv.last) : index.v6.find(iv.first, iv.last);
}

/** Finds the label of a network that contains the whole parsed interval. */
export function findContaining(index: DualIndex, iv: IpInterval): string | null {
  return iv.family === 4
    ? index.v4.findContaining(iv.first, iv.last)
    : index.v6.findContaining(iv.first, iv.last);
}

/**
 * Special-purpose ranges refused regardless of configuration (IANA IPv4/IPv6 Special-Purpose
 * Address Registries, RFC 6890 and successors). A feed entry overlapping any of them is `guarded`.
 */
export const SPECIAL_PURPOSE_RANGES: readonly (readonly [string, string])[] = [
  ['0.0.0.0/8', '0.0.0.0/8 "this network" (RFC 791, RFC 5735)'],
  ['10.0.0.0/8', '10.0.0.0/8 private (RFC 1918)'],
  ['100.64.0.0/10', '100.64.0.0/10 shared address space / CGN (RFC 6598)'],
  ['127.0.0.0/8', '127.0.0.0/8 loopback (RFC 1122)'],
  ['169.254.0.0/16', '169.254.0.0/16 link-local (RFC 3927)'],
  ['172.16.0.0/12', '172.16.0.0/12 private (RFC 1918)'],
  ['192.0.0.0/24', '192.0.0.0/24 IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0/24', '192.0.2.0/24 documentation TEST-NET-1 (RFC 5737)'],
  ['192.31.196.0/24', '192.31.196.0/24 AS112-v4 (RFC 7535)'],
  ['192.52.193.0/24', '192.52.193.0/24 AMT (RFC 7450)'],
  ['192.88.99.0/24', '192.88.99.0/24 deprecated 6to4 relay anycast (RFC 7526)'],
  ['192.168.0.0/16', '192.168.0.0/16 private (RFC 1918)'],
  ['192.175.48.0/24', '192.175.48.0/24 AS112 direct delegation (RFC 7534)'],
  ['198.18.0.0/15', '198.18.0.0/15 benchmarking (RFC 2544)'],
  ['198.51.100.0/24', '198.51.100.0/24 documentation TEST-NET-2 (RFC 5737)'],
  ['203.0.113.0/24', '203.0.113.0/24 documentation TEST-NET-3 (RFC 5737)'],
  ['224.0.0.0/4', '224.0.0.0/4 multicast (RFC 5771)'],
  ['240.0.0.0/4', '240.0.0.0/4 reserved, incl. 255.255.255.255 broadcast (RFC 1112, RFC 919)'],
  ['::/128', '::/128 unspecified (RFC 4291)'],
  ['::1/128', '::1/128 loopback (RFC 4291)'],
  ['::ffff:0:0/96', '::ffff:0:0/96 IPv4-mapped (RFC 4291)'],
  ['64:ff9b::/96', '64:ff9b::/96 NAT64 well-known prefix (RFC 6052)'],
  ['64:ff9b:1::/48', '64:ff9b:1::/48 local-use NAT64 (RFC 8215)'],
  ['100::/64', '100::/64 discard-only (RFC 6666)'],
  ['2001::/23', '2001::/23 IETF protocol assignments, incl. Teredo (RFC 2928)'],
  ['2001:db8::/32', '2001:db8::/32 documentation (RFC 3849)'],
  ['3fff::/20', '3fff::/20 documentation (RFC 9637)'],
  ['5f00::/16', '5f00::/16 SRv6 SIDs (RFC 9602)'],
  ['fc00::/7', 'fc00::/7 unique local (RFC 4193)'],
  ['fe80::/10', 'fe80::/10 link-local (RFC 4291)'],
  ['fec0::/10', 'fec0::/10 deprecated site-local (RFC 3879)'],
  ['ff00::/8', 'ff00::/8 multicast (RFC 4291)'],
];

/** Special-use domain names refused as `guarded` with all their subdomains (RFC 6761, RFC 8375). */
export const SPECIAL_USE_NAMES: ReadonlySet<string> = new Set([
  'arpa',
  'home.arpa',
  'example.com',
  'example.net',
  'example.org',
]);
