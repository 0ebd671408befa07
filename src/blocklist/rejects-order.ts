/**
 * The canonical order of a reject log's rows: ascending by value in code units, rows of one value by
 * a caller's rule, exact duplicates once. IPv4 rows are numbers, sorted by {@link ipv4TextKey}; the
 * text of an address is made only where a text row has to be compared with it.
 */
import { compareCodeUnits } from './aggregate/provenance.js';
import { ipv4TextKey, sortByTextKey } from './engine/ipv4-text-order.js';
import { sortStringsTied } from './engine/sort-strings64.js';

/** What ordering needs of a log's rows. */
export interface RejectRows {
  /** Number of rows. */
  readonly length: number;
  /** The text of a text row; undefined for an IPv4 row. */
  textAt(i: number): string | undefined;
  /** The network start of an IPv4 row; -1 for a text row. */
  ipv4StartAt(i: number): number;
  /** The prefix length of an IPv4 row. */
  ipv4PrefixAt(i: number): number;
  /** The text of any row. */
  valueAt(i: number): string;
}

/**
 * Indices ascending by value (code units), rows of one value ordered by `rest`, rows equal in value
 * and by `rest` listed once.
 */
export function orderRejectRows(rows: RejectRows, rest: (a: number, b: number) => number): number[] {
  const runs = textRuns(rows);
  const ip = ipOrder(rows);
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
  for (const run of runs) {
    const value = rows.valueAt(run[0] ?? 0);
    // An IPv4 text starts with a digit: a text that does not goes before or after all of them.
    const first = value.charCodeAt(0);
    let lo = first > 0x39 ? ip.rows.length : k;
    let hi = first < 0x30 ? k : ip.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareCodeUnits(rows.valueAt(ip.rows[mid] ?? 0), value) < 0) lo = mid + 1;
      else hi = mid;
    }
    emitIp(k, lo);
    k = lo;
    // The same text listed once as text and once as numbers: one run.
    if (k < ip.rows.length && rows.valueAt(ip.rows[k] ?? 0) === value) {
      const e = runEnd(k);
      emit([...run, ...ip.rows.subarray(k, e)]);
      k = e;
    } else emit(run);
  }
  emitIp(k, ip.rows.length);
  return out;
}

/** Text rows grouped by equal value, ascending. */
function textRuns(rows: RejectRows): number[][] {
  const at: number[] = [];
  const values: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const t = rows.textAt(i);
    if (t !== undefined) {
      at.push(i);
      values.push(t);
    }
  }
  const { order, tied } = sortStringsTied(values);
  const runs: number[][] = [];
  for (let k = 0; k < order.length; k++) {
    const i = at[order[k] ?? 0] ?? 0;
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
function ipOrder(rows: RejectRows): { rows: Int32Array; keys: Float64Array } {
  let n = 0;
  for (let i = 0; i < rows.length; i++) if (rows.ipv4StartAt(i) >= 0) n++;
  const at = new Int32Array(n);
  const keys = new Float64Array(n);
  for (let i = 0, k = 0; i < rows.length; i++) {
    const start = rows.ipv4StartAt(i);
    if (start < 0) continue;
    at[k] = i;
    keys[k++] = ipv4TextKey(start, rows.ipv4PrefixAt(i));
  }
  const order = sortByTextKey(keys);
  const sortedRows = new Int32Array(n);
  const sortedKeys = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const o = order[k] ?? 0;
    sortedRows[k] = at[o] ?? 0;
    sortedKeys[k] = keys[o] ?? 0;
  }
  return { rows: sortedRows, keys: sortedKeys };
}
