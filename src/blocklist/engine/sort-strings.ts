/**
 * Sorting a million strings in code-unit order without a million comparator calls.
 *
 * Each string gets a numeric key: its first four code units (7 bits each; end of string = 0; anything
 * above 127 saturates the rest of the key to the maximum, which keeps the key monotone) times 2^23, plus
 * its index. A native `Float64Array` sort orders the keys; only runs sharing the same four-unit prefix
 * are then compared as strings. The result is identical to a stable comparator sort.
 */

const INDEX_BITS = 2 ** 23;
const PREFIX_UNITS = 4;
/** Below this run length a comparator sort is cheaper than another key pass. */
const SMALL = 48;

/**
 * The key of `s` at `offset`: four code units, 7 bits each. Returns -1 when the key cannot decide
 * further (the string ended or holds a unit above 127 inside the window): finish such runs by comparison.
 */
function prefixKey(s: string, offset: number): number {
  let key = 0;
  let exact = true;
  let saturated = false;
  for (let p = offset; p < offset + PREFIX_UNITS; p++) {
    let c = 0;
    if (saturated) c = 127;
    else if (p < s.length) {
      c = s.charCodeAt(p);
      if (c > 127) {
        c = 127;
        saturated = true;
        exact = false;
      }
    } else exact = false;
    key = key * 128 + c;
  }
  return exact ? key : -1 - key;
}

/** Code-unit comparison, ties broken by index (stable). */
function compareAt(values: readonly string[], a: number, b: number): number {
  const x = values[a] ?? '';
  const y = values[b] ?? '';
  return x < y ? -1 : x > y ? 1 : a - b;
}

/** Sorts `run` (indices into `values` sharing their first `offset` code units) in place. */
function sortRun(values: readonly string[], run: Uint32Array, offset: number): void {
  const n = run.length;
  if (n < SMALL || n >= INDEX_BITS) {
    run.sort((a, b) => compareAt(values, a, b));
    return;
  }
  const keys = new Float64Array(n);
  let anyInexact = false;
  for (let k = 0; k < n; k++) {
    let key = prefixKey(values[run[k] ?? 0] ?? '', offset);
    if (key < 0) {
      key = -1 - key;
      anyInexact = true;
    }
    keys[k] = key * INDEX_BITS + k;
  }
  keys.sort();
  const copy = run.slice();
  const prefix = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const key = keys[k] ?? 0;
    const local = key % INDEX_BITS;
    run[k] = copy[local] ?? 0;
    prefix[k] = (key - local) / INDEX_BITS;
  }
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && prefix[end] === prefix[start]) end++;
    if (end - start > 1) {
      const sub = run.subarray(start, end);
      // Strings that ended (or saturated) inside this window cannot be split by a further key.
      if (anyInexact && sub.some((i) => prefixKey(values[i] ?? '', offset) < 0))
        sub.sort((a, b) => compareAt(values, a, b));
      else sortRun(values, sub, offset + PREFIX_UNITS);
    }
    start = end;
  }
}

/**
 * The indices `subset` (default: all of `values`) ordered by `values[i]` in code-unit order, stable
 * (equal strings keep ascending index order).
 */
export function sortIndicesByString(values: readonly string[], subset?: ArrayLike<number>): Uint32Array {
  const n = subset ? subset.length : values.length;
  const out = new Uint32Array(n);
  for (let k = 0; k < n; k++) out[k] = subset ? (subset[k] ?? 0) : k;
  // Stable order inside equal runs needs ascending indices first.
  if (subset) out.sort();
  sortRun(values, out, 0);
  return out;
}
