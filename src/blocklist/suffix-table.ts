/**
 * A string hash table queried by *suffix*: "is `name[start..]` a key?" without slicing `name`.
 *
 * The guard asks that question for a name and each of its parents (`a.b.c`, `b.c`, `c`), a million
 * times per feed. With a `Map`, every parent is a fresh string to allocate and hash. Here the hash is
 * computed right to left, so one backwards pass over the name yields the hash of every suffix on the
 * way, and a hit is confirmed with `startsWith(key, start)` (native, no allocation).
 */

import { SUFFIX_HASH_SEED, suffixHashStep } from '../indicators/name-hash.js';

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

/** Keys → dense ids (0, 1, 2, … in insertion order); open addressing, linear probing. */
export class SuffixTable {
  private readonly keys: string[] = [];
  private hashes = new Int32Array(0);
  /** Slot → key id + 1 (0: empty). */
  private slots = new Int32Array(16);
  private mask = 15;
  /**
   * One bit per hash (bits 11–30, 128 KiB): most suffixes of a feed's names are no key, and this
   * answers "certainly not" from L2 cache where a probe would miss into the slots and hashes.
   */
  private readonly bloom = new Int32Array(BLOOM_WORDS);

  /** `expectedKeys`: sizes the table once for that many keys (it still grows past them). */
  constructor(expectedKeys = 0) {
    let slots = 16;
    while (slots < expectedKeys * 2) slots *= 2;
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
    this.hashes = new Int32Array(Math.max(16, expectedKeys));
  }

  /** False when no key has suffix hash `hash` (true: maybe; {@link find} decides). */
  mayHave(hash: number): boolean {
    const bit = (hash >>> 11) & BLOOM_MASK;
    return ((this.bloom[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  }

  /** The number of keys. */
  get size(): number {
    return this.keys.length;
  }

  /** The key of id `id`. */
  keyOf(id: number): string {
    return this.keys[id] ?? '';
  }

  /** The id of `key`, adding it when absent. */
  add(key: string): number {
    const h = suffixHash(key);
    const found = this.find(key, 0, h);
    if (found >= 0) return found;
    const id = this.keys.length;
    this.keys.push(key);
    if (id >= this.hashes.length) {
      const next = new Int32Array(Math.max(16, id * 2));
      next.set(this.hashes);
      this.hashes = next;
    }
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
      if (this.hashes[id] === hash) {
        const key = this.keys[id] ?? '';
        if (key.length === want && name.startsWith(key, start)) return id;
      }
    }
  }

  /** {@link find} for a name given as ASCII bytes: the id of the key equal to `b[start, end)`, or -1. */
  findBytes(b: Uint8Array, start: number, end: number, hash: number): number {
    const want = end - start;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const id = (this.slots[slot] ?? 0) - 1;
      if (id < 0) return -1;
      if (this.hashes[id] !== hash) continue;
      const key = this.keys[id] ?? '';
      if (key.length !== want) continue;
      let k = 0;
      while (k < want && key.charCodeAt(k) === b[start + k]) k++;
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
    for (let id = 0; id < this.keys.length; id++) this.place(id, this.hashes[id] ?? 0);
  }
}
