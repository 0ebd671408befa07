/**
 * A string hash table queried by *suffix*: "is `name[start..]` a key?" without slicing `name`.
 *
 * The guard asks that question for a name and each of its parents (`a.b.c`, `b.c`, `c`), a million
 * times per feed. With a `Map`, every parent is a fresh string to allocate and hash. Here the hash is
 * computed right to left, so one backwards pass over the name yields the hash of every suffix on the
 * way, and a hit is confirmed by comparing code units (no allocation).
 *
 * Keys are kept as UTF-16 code units back to back in one array, not as strings: the whole table is
 * then a handful of typed arrays, which the build-time cache (warninglist-cache.ts) stores as they
 * are and a guard copies cheaply, where 55k key strings would have to be split out of the cache and
 * copied one by one.
 */

import { SUFFIX_HASH_SEED, suffixHashStep } from '../../indicators/name-hash.js';

export { SUFFIX_HASH_SEED, suffixHashStep };

/** The suffix hash of all of `key`. */
export function suffixHash(key: string): number {
  let h = SUFFIX_HASH_SEED;
  for (let i = key.length - 1; i >= 0; i--) h = suffixHashStep(h, key.charCodeAt(i));
  return h;
}

const BLOOM_BITS = 1 << 20;
const BLOOM_MASK = BLOOM_BITS - 1;
const BLOOM_WORDS = BLOOM_BITS >>> 5;

/** A table's contents as arrays (to cache it, or to start another table from it). */
export interface SuffixTableState {
  /** The code units of every key, back to back. */
  units: Uint16Array;
  /** Per key id: where its units start in `units`; one more entry at the end (the total). */
  starts: Int32Array;
  /** Per key id: its suffix hash. */
  hashes: Int32Array;
  /** Slot → key id + 1 (0: empty); a power of two long. */
  slots: Int32Array;
  /** The Bloom filter's words. */
  bloom: Int32Array;
}

/** Keys → dense ids (0, 1, 2, … in insertion order); open addressing, linear probing. */
export class SuffixTable {
  private units: Uint16Array = new Uint16Array(1024);
  /** Key id → start in `units`, and `starts[size]` = units in use. */
  private starts: Int32Array = new Int32Array(17);
  private count = 0;
  private hashes: Int32Array = new Int32Array(16);
  /** Slot → key id + 1 (0: empty). */
  private slots = new Int32Array(16);
  private mask = 15;
  /**
   * One bit per hash (bits 11–30, 128 KiB): most suffixes of a feed's names are no key, and this
   * answers "certainly not" from L2 cache where a probe would miss into the slots and hashes.
   */
  private bloom = new Int32Array(BLOOM_WORDS);

  /** `expectedKeys`: sizes the table once for that many keys (it still grows past them). */
  constructor(expectedKeys = 0) {
    let slots = 16;
    while (slots < expectedKeys * 2) slots *= 2;
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
    this.hashes = new Int32Array(Math.max(16, expectedKeys));
    this.starts = new Int32Array(Math.max(16, expectedKeys) + 1);
    this.units = new Uint16Array(Math.max(1024, expectedKeys * 16));
  }

  /** A table holding a copy of `state` (later adds do not touch it). Throws when the arrays disagree. */
  static fromState(state: SuffixTableState): SuffixTable {
    const count = state.starts.length - 1;
    const { slots } = state;
    if (count < 0 || state.hashes.length !== count || state.bloom.length !== BLOOM_WORDS)
      throw new Error('suffix table state: the arrays disagree');
    if (slots.length === 0 || (slots.length & (slots.length - 1)) !== 0 || slots.length < 2 * count)
      throw new Error('suffix table state: the slot count is not a power of two above twice the keys');
    if ((state.starts[count] ?? 0) > state.units.length)
      throw new Error('suffix table state: the keys run past their units');
    const table = new SuffixTable();
    table.count = count;
    // Room for the few keys a guard adds (its config's names) without growing the arrays at once.
    table.units = withRoom(state.units, 4096);
    table.starts = withRoom(state.starts, 256);
    table.hashes = withRoom(state.hashes, 256);
    table.slots = slots.slice();
    table.mask = slots.length - 1;
    table.bloom = state.bloom.slice();
    return table;
  }

  /** The table's contents (views: valid until the next add). */
  state(): SuffixTableState {
    const n = this.count;
    return {
      units: this.units.subarray(0, this.starts[n] ?? 0),
      starts: this.starts.subarray(0, n + 1),
      hashes: this.hashes.subarray(0, n),
      slots: this.slots,
      bloom: this.bloom,
    };
  }

  /** False when no key has suffix hash `hash` (true: maybe; {@link find} decides). */
  mayHave(hash: number): boolean {
    const bit = (hash >>> 11) & BLOOM_MASK;
    return ((this.bloom[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  }

  /** The number of keys. */
  get size(): number {
    return this.count;
  }

  /** The length of key `id` in code units. */
  keyLength(id: number): number {
    return (this.starts[id + 1] ?? 0) - (this.starts[id] ?? 0);
  }

  /** The id of `key`, adding it when absent. */
  add(key: string): number {
    const h = suffixHash(key);
    const found = this.find(key, 0, h);
    if (found >= 0) return found;
    const id = this.count;
    if (id + 1 >= this.starts.length) this.starts = grown(this.starts, 2 * (id + 1));
    if (id >= this.hashes.length) this.hashes = grown(this.hashes, 2 * id);
    const at = this.starts[id] ?? 0;
    if (at + key.length > this.units.length) this.units = grown(this.units, 2 * (at + key.length));
    for (let i = 0; i < key.length; i++) this.units[at + i] = key.charCodeAt(i);
    this.starts[id + 1] = at + key.length;
    this.count = id + 1;
    this.hashes[id] = h;
    const bit = (h >>> 11) & BLOOM_MASK;
    this.bloom[bit >>> 5] = (this.bloom[bit >>> 5] ?? 0) | (1 << (bit & 31));
    if ((id + 1) * 2 > this.slots.length) this.grow();
    else this.place(id, h);
    return id;
  }

  /**
   * The id of the key equal to `name[start..]`, whose suffix hash is `hash`, or -1.
   * No allocation: the hash comes from the caller's backwards pass.
   */
  find(name: string, start: number, hash: number): number {
    const want = name.length - start;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const id = (this.slots[slot] ?? 0) - 1;
      if (id < 0) return -1;
      if (this.hashes[id] !== hash) continue;
      const at = this.starts[id] ?? 0;
      if ((this.starts[id + 1] ?? 0) - at !== want) continue;
      let k = 0;
      while (k < want && this.units[at + k] === name.charCodeAt(start + k)) k++;
      if (k === want) return id;
    }
  }

  /**
   * {@link find} for a name given as ASCII bytes: the id of the key equal to `b[start, end)`, or -1.
   * The same probe as `find`, kept apart on purpose: one function reading both strings and bytes
   * would be polymorphic in the guard's per-name hot loop.
   */
  findBytes(b: Uint8Array, start: number, end: number, hash: number): number {
    const want = end - start;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const id = (this.slots[slot] ?? 0) - 1;
      if (id < 0) return -1;
      if (this.hashes[id] !== hash) continue;
      const at = this.starts[id] ?? 0;
      if ((this.starts[id + 1] ?? 0) - at !== want) continue;
      let k = 0;
      while (k < want && this.units[at + k] === b[start + k]) k++;
      if (k === want) return id;
    }
  }

  private place(id: number, hash: number): void {
    let slot = hash & this.mask;
    while ((this.slots[slot] ?? 0) !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = id + 1;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 4);
    this.mask = this.slots.length - 1;
    for (let id = 0; id < this.count; id++) this.place(id, this.hashes[id] ?? 0);
  }
}

/** A copy of `a` with `extra` more elements of room. */
function withRoom<T extends Int32Array | Uint16Array>(a: T, extra: number): T {
  return grown(a, a.length + extra);
}

/** A copy of `a` with room for `size` elements. */
function grown<T extends Int32Array | Uint16Array>(a: T, size: number): T {
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a);
  return next;
}
