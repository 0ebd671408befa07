/**
 * Sorts interned ASCII names (name-arena.ts) in byte order — code-unit order for ASCII — with a
 * radix sort on eight characters at a time.
 *
 * Each round packs characters `depth … depth + 7` of every name into two 28-bit keys (7 bits per
 * ASCII character, 0 past the end, so a name sorts before its extensions), sorts the run by them in
 * four stable 14-bit counting passes, and recurses into runs whose eight characters were equal. Small
 * runs use a comparator sort on the bytes. No string is made; the keys are built while reading each
 * name's bytes once per round.
 */
/** Names as bytes (an arena, or a sorted copy): the only things the sort reads. */
export interface SortableNames {
  /** The bytes of every name, back to back. */
  readonly bytes: Uint8Array;
  /** Per id: where its bytes start, and how many there are. */
  readonly off: Int32Array;
  readonly len: Uint16Array;
  /** True when every name is ASCII (byte order is then code-unit order). */
  readonly ascii: boolean;
}

/** Below this run length a comparator sort beats another radix round. */
const SMALL = 48;
const DIGIT_BITS = 14;
const BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = BUCKETS - 1;

/** Sorts `ids` (distinct ids of ASCII names) in place, ascending by their names' bytes. */
export function sortNameIds(arena: SortableNames, ids: Uint32Array): void {
  if (!arena.ascii) throw new Error('sortNameIds needs an ASCII arena');
  const n = ids.length;
  const scratch = {
    ids: new Uint32Array(n),
    hi: new Int32Array(n),
    lo: new Int32Array(n),
    hi2: new Int32Array(n),
    lo2: new Int32Array(n),
    count: new Int32Array(BUCKETS),
  };
  sortRun(arena, ids, 0, n, 0, scratch);
}

interface Scratch {
  ids: Uint32Array;
  hi: Int32Array;
  lo: Int32Array;
  hi2: Int32Array;
  lo2: Int32Array;
  count: Int32Array;
}

/** Sorts `ids[from, to)`, whose names share their first `depth` characters. */
function sortRun(
  arena: SortableNames,
  ids: Uint32Array,
  from: number,
  to: number,
  depth: number,
  s: Scratch,
): void {
  const n = to - from;
  if (n < 2) return;
  if (n < SMALL) {
    const run = ids.subarray(from, to);
    run.sort((a, b) => compareFrom(arena, a, b, depth));
    return;
  }
  const { bytes, off, len } = arena;
  const { hi, lo } = s;
  for (let k = from; k < to; k++) {
    const id = ids[k] ?? 0;
    const o = (off[id] ?? 0) + depth;
    const remaining = (len[id] ?? 0) - depth;
    let h = 0;
    let l = 0;
    for (let c = 0; c < 4; c++) h = (h << 7) | (c < remaining ? (bytes[o + c] ?? 0) : 0);
    for (let c = 4; c < 8; c++) l = (l << 7) | (c < remaining ? (bytes[o + c] ?? 0) : 0);
    hi[k] = h;
    lo[k] = l;
  }
  // Least significant digit first: each pass is stable, so four passes order by (hi, lo).
  countingPass(ids, from, to, lo, hi, lo, 0, s);
  countingPass(ids, from, to, lo, hi, lo, DIGIT_BITS, s);
  countingPass(ids, from, to, lo, hi, hi, 0, s);
  countingPass(ids, from, to, lo, hi, hi, DIGIT_BITS, s);
  // Runs whose eight characters were all equal (and not all past the end) go one round deeper.
  for (let a = from; a < to;) {
    let b = a + 1;
    while (b < to && hi[b] === hi[a] && lo[b] === lo[a]) b++;
    if (b - a > 1) sortRun(arena, ids, a, b, depth + 8, s);
    a = b;
  }
}

/** One stable counting pass over `ids[from, to)` by a 14-bit digit of `key`, moving both key columns along. */
function countingPass(
  ids: Uint32Array,
  from: number,
  to: number,
  lo: Int32Array,
  hi: Int32Array,
  key: Int32Array,
  shift: number,
  s: Scratch,
): void {
  const count = s.count;
  count.fill(0);
  for (let k = from; k < to; k++) {
    const d = ((key[k] ?? 0) >>> shift) & DIGIT_MASK;
    count[d] = (count[d] ?? 0) + 1;
  }
  // All in one bucket: this digit orders nothing.
  if (count[((key[from] ?? 0) >>> shift) & DIGIT_MASK] === to - from) return;
  let sum = from;
  for (let d = 0; d < BUCKETS; d++) {
    const c = count[d] ?? 0;
    count[d] = sum;
    sum += c;
  }
  const { ids: ids2, hi2, lo2 } = s;
  for (let k = from; k < to; k++) {
    const d = ((key[k] ?? 0) >>> shift) & DIGIT_MASK;
    const at = count[d] ?? 0;
    count[d] = at + 1;
    ids2[at] = ids[k] ?? 0;
    hi2[at] = hi[k] ?? 0;
    lo2[at] = lo[k] ?? 0;
  }
  ids.set(ids2.subarray(from, to), from);
  hi.set(hi2.subarray(from, to), from);
  lo.set(lo2.subarray(from, to), from);
}

/** Byte comparison of two names from character `depth` on. */
function compareFrom(arena: SortableNames, a: number, b: number, depth: number): number {
  const { bytes, off, len } = arena;
  const oa = off[a] ?? 0;
  const ob = off[b] ?? 0;
  const la = len[a] ?? 0;
  const lb = len[b] ?? 0;
  const n = la < lb ? la : lb;
  for (let k = depth; k < n; k++) {
    const d = (bytes[oa + k] ?? 0) - (bytes[ob + k] ?? 0);
    if (d !== 0) return d;
  }
  return la - lb;
}
