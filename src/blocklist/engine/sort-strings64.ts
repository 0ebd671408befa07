/**
 * Sorting a million domain names in code-unit order, touching each string as few times as possible.
 *
 * On a shared VM the cost of sorting 1M names is memory latency: after the first pass every access
 * to a string lands somewhere random in the parsed input. So the first pass (in arrival order, which
 * is sequential) reads six code units per string into a 64-bit key — 6 × 7 bits of prefix plus a
 * 22-bit index — written through a `Uint32Array` view of a `BigUint64Array` (no BigInt is ever
 * created) and sorted natively. Random names are fully ordered by that one pass; only groups sharing
 * a six-unit prefix go deeper. The sort also reports which neighbours were never told apart by a key
 * (`tied`), so deduplication compares strings only there.
 */
import { sortIndicesByString } from './sort-strings.js';

const UNITS = 6;
const INDEX_BITS = 22;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
/** The key halves are written as [low word, high word]: true on every platform Node ships for today. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this group size a comparator sort is cheaper than another key pass. */
const SMALL = 32;

/** The stable order of `values` (code units) and, per sorted position, whether it may equal the previous. */
export interface SortedStrings {
  order: Uint32Array;
  /** `tied[k]` is 1 when `values[order[k]]` may equal `values[order[k - 1]]` (0: certainly different). */
  tied: Uint8Array;
}

/** Sorts all of `values` (see the module comment); identical order to `sortIndicesByString`. */
export function sortStringsTied(values: readonly string[]): SortedStrings {
  const n = values.length;
  const tied = new Uint8Array(n);
  if (n > INDEX_MASK || !LITTLE_ENDIAN) {
    tied.fill(1);
    return { order: sortIndicesByString(values), tied };
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  sortGroup(values, order, tied, 0);
  return { order, tied };
}

function compareAt(values: readonly string[], a: number, b: number): number {
  const x = values[a] ?? '';
  const y = values[b] ?? '';
  return x < y ? -1 : x > y ? 1 : a - b;
}

/** Comparator sort of a small group; every neighbour stays "tied" (not told apart by a key). */
function smallSort(values: readonly string[], run: Uint32Array, tied: Uint8Array): void {
  run.sort((a, b) => compareAt(values, a, b));
  tied.fill(1, 1);
}

/**
 * Sorts `run` (indices whose strings share their first `offset` code units, ascending) in place and
 * sets `tied` for positions 1.. of the run (position 0 belongs to the caller).
 */
function sortGroup(values: readonly string[], run: Uint32Array, tied: Uint8Array, offset: number): void {
  const n = run.length;
  if (n < 2) return;
  if (n < SMALL) {
    smallSort(values, run, tied);
    return;
  }
  const keys = new BigUint64Array(n);
  const halves = new Uint32Array(keys.buffer);
  const exact = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const s = values[run[k] ?? 0] ?? '';
    let hi = 0;
    let lo = 0;
    let ok = 1;
    let sat = false;
    for (let u = 0; u < UNITS; u++) {
      const p = offset + u;
      let c = 0;
      if (sat) c = 127;
      else if (p < s.length) {
        c = s.charCodeAt(p);
        // A unit above 127 saturates the rest of the key (still monotone); the group then needs
        // comparisons, like a string that ended inside the window.
        if (c > 127) {
          c = 127;
          sat = true;
          ok = 0;
        }
      } else ok = 0;
      // 42 prefix bits: the first 32 in `hi`, the last 10 at the top of `lo`.
      if (u < 4) hi = hi * 128 + c;
      else if (u === 4) {
        hi = hi * 16 + (c >>> 3);
        lo = c & 7;
      } else lo = lo * 128 + c;
    }
    exact[k] = ok;
    halves[2 * k] = (lo * 2 ** INDEX_BITS + k) >>> 0;
    halves[2 * k + 1] = hi >>> 0;
  }
  keys.sort();
  const copy = run.slice();
  const exactCopy = exact.slice();
  for (let k = 0; k < n; k++) {
    const local = (halves[2 * k] ?? 0) & INDEX_MASK;
    run[k] = copy[local] ?? 0;
    exact[k] = exactCopy[local] ?? 0;
  }
  for (let start = 0; start < n;) {
    const hi = halves[2 * start + 1];
    const lo = (halves[2 * start] ?? 0) >>> INDEX_BITS;
    let end = start + 1;
    let allExact = exact[start] === 1;
    while (end < n && halves[2 * end + 1] === hi && (halves[2 * end] ?? 0) >>> INDEX_BITS === lo) {
      if (exact[end] !== 1) allExact = false;
      end++;
    }
    if (start > 0) tied[start] = 0;
    if (end - start > 1) {
      const sub = run.subarray(start, end);
      const subTied = tied.subarray(start, end);
      // Strings that ended (or saturated) inside the window cannot be split by a further key.
      if (allExact) sortGroup(values, sub, subTied, offset + UNITS);
      else smallSort(values, sub, subTied);
    }
    start = end;
  }
}
