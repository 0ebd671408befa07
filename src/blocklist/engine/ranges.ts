/**
 * Numeric interval indexes (the guard's address lists are built on them; the lists themselves are in
 * guard/special.ts and guard/warninglists.ts).
 *
 * An index holds inclusive intervals `[first, last]` sorted by start, with a running maximum of the
 * ends, so "does `[lo, hi]` overlap anything, and which label?" is one binary search plus a short
 * backwards scan (O(log n + k)) whether or not the intervals nest. IPv4 uses numbers in typed
 * arrays (this module), IPv6 bigints (dual-index.ts, which pairs the two for a list of networks).
 */
import { InternalError } from '../../errors.js';

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
  /**
   * The intervals overlapping `[lo, hi]`, at most `limit + 1` of them (so a caller can tell "more
   * than `limit`" without walking them all), in no particular order.
   */
  overlapping(lo: T, hi: T, limit: number): LabelledInterval<T>[];
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

/**
 * Read-only IPv4 columns: plain arrays ({@link IPv4Columns}) or typed arrays. An index restored from
 * the warninglist cache keeps views of the cache file here, so nothing is copied per address.
 */
export interface IPv4ColumnsView {
  readonly first: ArrayLike<number>;
  readonly last: ArrayLike<number>;
  /** Index into `labels`. */
  readonly label: ArrayLike<number>;
  readonly labels: readonly string[];
}

/**
 * An {@link IPv4Index} already compiled, in typed arrays only: `state()` gives it and the constructor
 * takes it back without sorting or visiting a single interval. The warninglist cache stores it
 * (warninglist-cache.ts) so the 62k public resolvers cost no parsing or sorting at start-up.
 */
export interface IPv4IndexState extends IPv4ColumnsView {
  /** Tells a compiled state from plain columns. */
  readonly compiled: true;
  /** The columns as given (insertion order): `size`, `entries()` and `columns()`. */
  readonly first: Uint32Array;
  readonly last: Uint32Array;
  readonly label: Uint32Array;
  /** The single addresses (`first === last`), ascending; equal ones in insertion order. */
  readonly points: Uint32Array;
  /** The label id of each point. */
  readonly pointLabel: Uint32Array;
  /** The other intervals' starts, ascending; equal ones in insertion order. */
  readonly netFirst: Uint32Array;
  readonly netLast: Uint32Array;
  /** Running maximum of `netLast`. */
  readonly netMaxLast: Uint32Array;
  readonly netLabel: Uint32Array;
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

/** The searchable part of an {@link IPv4Index}: the sorted points and networks. */
interface Compiled4 {
  points: Float64Array;
  /**
   * The label id of each point. Among equal points the first holds the first-inserted label, and a
   * search lands on the first: the first label given for an address wins.
   */
  pointLabel: ArrayLike<number>;
  starts: Float64Array;
  lasts: Float64Array;
  maxLast: Float64Array;
  netLabel: ArrayLike<number>;
}

/** `positions` (ascending) ordered by `first[position]`, equal values keeping their order. */
function orderByFirst(first: ArrayLike<number>, positions: Uint32Array): Uint32Array {
  const n = positions.length;
  if (n >= 1 << 20) {
    return positions.slice().sort((a, b) => (first[a] ?? 0) - (first[b] ?? 0) || a - b);
  }
  // A native Float64Array sort of `first × 2^20 + k` keys (exact below 2^53) replaces a comparator
  // sort of 60k+ entries, a noticeable part of a small compile's start-up.
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = (first[positions[k] ?? 0] ?? 0) * 1048576 + k;
  keys.sort();
  const out = new Uint32Array(n);
  for (let k = 0; k < n; k++) out[k] = positions[(keys[k] ?? 0) % 1048576] ?? 0;
  return out;
}

/** Sorts the columns into points and networks: one pass per job, no object per address. */
function compile4(cols: IPv4ColumnsView): Compiled4 {
  const { first, last, label } = cols;
  const count = first.length;
  let pointCount = 0;
  for (let i = 0; i < count; i++) if (first[i] === last[i]) pointCount++;
  const pointAt = new Uint32Array(pointCount);
  const netAt = new Uint32Array(count - pointCount);
  for (let i = 0, p = 0, q = 0; i < count; i++) {
    if (first[i] === last[i]) pointAt[p++] = i;
    else netAt[q++] = i;
  }
  const pointOrder = orderByFirst(first, pointAt);
  const points = new Float64Array(pointCount);
  const pointLabel = new Uint32Array(pointCount);
  for (let k = 0; k < pointCount; k++) {
    const i = pointOrder[k] ?? 0;
    points[k] = first[i] ?? 0;
    pointLabel[k] = label[i] ?? 0;
  }
  const netOrder = orderByFirst(first, netAt);
  const n = netOrder.length;
  const starts = new Float64Array(n);
  const lasts = new Float64Array(n);
  const maxLast = new Float64Array(n);
  const netLabel = new Uint32Array(n);
  let max = -1;
  for (let k = 0; k < n; k++) {
    const i = netOrder[k] ?? 0;
    const l = last[i] ?? 0;
    starts[k] = first[i] ?? 0;
    lasts[k] = l;
    max = Math.max(max, l);
    maxLast[k] = max;
    netLabel[k] = label[i] ?? 0;
  }
  return { points, pointLabel, starts, lasts, maxLast, netLabel };
}

/** The searchable part of a state, after checking that its lengths agree. */
function restore4(state: IPv4IndexState): Compiled4 {
  const count = state.first.length;
  const points = state.points.length;
  const nets = state.netFirst.length;
  if (
    state.last.length !== count ||
    state.label.length !== count ||
    state.pointLabel.length !== points ||
    state.netLast.length !== nets ||
    state.netMaxLast.length !== nets ||
    state.netLabel.length !== nets ||
    points + nets !== count
  ) {
    throw new InternalError('IPv4 index state: the column lengths disagree');
  }
  // Typed-array-to-typed-array copies run natively: well under a millisecond for 62k points.
  return {
    points: new Float64Array(state.points),
    pointLabel: state.pointLabel,
    starts: new Float64Array(state.netFirst),
    lasts: new Float64Array(state.netLast),
    maxLast: new Float64Array(state.netMaxLast),
    netLabel: state.netLabel,
  };
}

/**
 * IPv4 intervals over typed arrays: monomorphic number comparisons, so one lookup in the union of
 * every guarded IPv4 range is a binary search over numbers (the 1M-line fast path). Single addresses
 * (62k public resolvers) are kept apart in a natively sorted Float64Array, the cheapest structure to
 * build; networks use sorted starts with a running maximum of their ends.
 */
export class IPv4Index implements IntervalQueries<number> {
  private readonly cols: IPv4ColumnsView;
  /** The intervals as objects (given, or built by the first `entries()` call). */
  private items: readonly LabelledInterval<number>[] | undefined;
  private readonly points: Float64Array;
  private readonly pointLabel: ArrayLike<number>;
  private readonly starts: Float64Array;
  private readonly lasts: Float64Array;
  private readonly maxLast: Float64Array;
  private readonly netLabel: ArrayLike<number>;

  /**
   * Builds the index from objects or columns (the input is not modified), or restores one from its
   * `state()` (kept as given, not copied: its typed arrays must not change afterwards).
   */
  constructor(items: readonly LabelledInterval<number>[] | IPv4ColumnsView | IPv4IndexState) {
    let compiled: Compiled4;
    if (Array.isArray(items)) {
      this.items = items;
      this.cols = columnsOf(items);
      compiled = compile4(this.cols);
    } else {
      const cols = items as IPv4ColumnsView | IPv4IndexState;
      this.cols = cols;
      compiled = 'compiled' in cols ? restore4(cols) : compile4(cols);
    }
    this.points = compiled.points;
    this.pointLabel = compiled.pointLabel;
    this.starts = compiled.starts;
    this.lasts = compiled.lasts;
    this.maxLast = compiled.maxLast;
    this.netLabel = compiled.netLabel;
  }

  get size(): number {
    return this.cols.first.length;
  }

  entries(): readonly LabelledInterval<number>[] {
    if (this.items === undefined) {
      const { first, last, label, labels } = this.cols;
      this.items = Array.from({ length: first.length }, (_, i) => ({
        first: first[i] ?? 0,
        last: last[i] ?? 0,
        label: labels[label[i] ?? 0] ?? '',
      }));
    }
    return this.items;
  }

  /** The intervals' starts and ends in columns (no objects; same order as `entries()`). */
  columns(): Pick<IPv4ColumnsView, 'first' | 'last'> {
    return this.cols;
  }

  /** The compiled index in typed arrays (copies), which the constructor takes back as is. */
  state(): IPv4IndexState {
    const { first, last, label, labels } = this.cols;
    return {
      compiled: true,
      first: new Uint32Array(first),
      last: new Uint32Array(last),
      label: new Uint32Array(label),
      labels: [...labels],
      points: new Uint32Array(this.points),
      pointLabel: new Uint32Array(this.pointLabel),
      netFirst: new Uint32Array(this.starts),
      netLast: new Uint32Array(this.lasts),
      netMaxLast: new Uint32Array(this.maxLast),
      netLabel: new Uint32Array(this.netLabel),
    };
  }

  overlaps(lo: number, hi: number): boolean {
    const p = firstAtOrAbove(this.points, lo);
    if (p < this.points.length && (this.points[p] ?? Infinity) <= hi) return true;
    const i = lastAtOrBelow(this.starts, hi);
    return i >= 0 && (this.maxLast[i] ?? -1) >= lo;
  }

  find(lo: number, hi: number): string | null {
    for (let j = lastAtOrBelow(this.starts, hi); j >= 0 && (this.maxLast[j] ?? -1) >= lo; j--) {
      if ((this.lasts[j] ?? -1) >= lo) return this.labelOf(this.netLabel[j]);
    }
    const p = firstAtOrAbove(this.points, lo);
    const point = this.points[p];
    return point !== undefined && point <= hi ? this.labelOf(this.pointLabel[p]) : null;
  }

  findContaining(lo: number, hi: number): string | null {
    for (let j = lastAtOrBelow(this.starts, lo); j >= 0 && (this.maxLast[j] ?? -1) >= hi; j--) {
      if ((this.lasts[j] ?? -1) >= hi) return this.labelOf(this.netLabel[j]);
    }
    if (lo !== hi) return null;
    const p = firstAtOrAbove(this.points, lo);
    return this.points[p] === lo ? this.labelOf(this.pointLabel[p]) : null;
  }

  overlapping(lo: number, hi: number, limit: number): LabelledInterval<number>[] {
    const out: LabelledInterval<number>[] = [];
    for (let j = lastAtOrBelow(this.starts, hi); j >= 0 && (this.maxLast[j] ?? -1) >= lo; j--) {
      const last = this.lasts[j] ?? -1;
      if (last < lo) continue;
      out.push({ first: this.starts[j] ?? 0, last, label: this.labelOf(this.netLabel[j]) ?? '' });
      if (out.length > limit) return out;
    }
    for (let p = firstAtOrAbove(this.points, lo); p < this.points.length; p++) {
      const point = this.points[p] ?? Infinity;
      if (point > hi) break;
      out.push({ first: point, last: point, label: this.labelOf(this.pointLabel[p]) ?? '' });
      if (out.length > limit) return out;
    }
    return out;
  }

  private labelOf(id: number | undefined): string | null {
    return id === undefined ? null : (this.cols.labels[id] ?? '');
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
