/**
 * Domain names as bytes in one growing buffer, interned through an open-addressing hash table.
 *
 * A million names as a million JS strings cost a heap object each, a garbage-collector walk, and a
 * cache miss every time a sorted pass touches one. Here a name is an offset and a length into one
 * buffer: names arrive straight from the feed's bytes (no string is ever made for an accepted name),
 * duplicates are found on arrival (while the bytes are hot), and the sort and the writer copy bytes.
 *
 * Canonical names are ASCII (IDN arrive as punycode), so byte order is code-unit order. A value with
 * other characters is stored as UTF-8 and clears {@link NameArena.ascii}; callers then sort strings.
 *
 * The hash is the guard's right-to-left suffix hash (suffix-table.ts), so one backwards pass over a
 * name also yields the hash of each of its parents: subdomain collapse looks parents up without
 * slicing anything.
 */
import { SUFFIX_HASH_SEED, suffixHashStep } from './suffix-table.js';

/** Names the hash table is sized for up front at most (see `reserve`). */
const MAX_RESERVED_TABLE_NAMES = 1 << 20;

/** Interned names: ids 0, 1, 2, … in first-arrival order. */
export class NameArena {
  /** The bytes of every name, back to back (only `[0, used)` is meaningful). */
  bytes: Buffer = Buffer.allocUnsafe(1 << 16);
  /** Bytes in use. */
  used = 0;
  /** Per id: where its bytes start. */
  off = new Int32Array(1024);
  /** Per id: its length in bytes. */
  len = new Uint16Array(1024);
  /** Per id: its suffix hash. */
  hash = new Int32Array(1024);
  /** Number of names. */
  count = 0;
  /** False once a name with a byte ≥ 0x80 was added (byte order is then not code-unit order). */
  ascii = true;
  /** Whether the last `intern*` call added a new name. */
  added = false;
  /**
   * Open addressing, two words per slot: id + 1 (0: empty) and the name's hash, side by side so a
   * probe that meets another name is rejected without a second cache miss.
   */
  private slots = new Int32Array(2 * 4096);
  private mask = 4095;

  /** Interns `src[start, end)` (a name's bytes); returns its id. */
  internBytes(src: Uint8Array, start: number, end: number): number {
    let h = SUFFIX_HASH_SEED;
    let high = 0;
    for (let i = end - 1; i >= start; i--) {
      const c = src[i] ?? 0;
      high |= c;
      h = suffixHashStep(h, c);
    }
    const found = this.find(src, start, end, h);
    if (found >= 0) {
      this.added = false;
      return found;
    }
    if (high >= 0x80) this.ascii = false;
    return this.append(src, start, end, h);
  }

  /**
   * {@link internBytes} for printable-ASCII bytes whose suffix hash the caller already computed (the
   * guard's scan did): no pass over the bytes before the lookup.
   */
  internAscii(src: Uint8Array, start: number, end: number, hash: number): number {
    const found = this.find(src, start, end, hash);
    if (found >= 0) {
      this.added = false;
      return found;
    }
    return this.append(src, start, end, hash);
  }

  /**
   * Reads the hash slots of `hashes[0, n)` ahead of interning them. A lookup's first read lands
   * anywhere in a table of megabytes; issued back to back, these reads overlap in the CPU instead of
   * stalling one by one inside the interning loop, which then finds the slots in cache.
   */
  prefetch(hashes: Int32Array, n: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let x = 0;
    for (let k = 0; k < n; k++) x ^= slots[2 * ((hashes[k] ?? 0) & mask)] ?? 0;
    this.touched = x;
  }

  /** Sink of {@link prefetch}'s reads (kept so they are not optimised away). */
  touched = 0;

  /** Interns a name given as text (UTF-8 when not ASCII); returns its id. */
  internString(name: string): number {
    const bytes = Buffer.from(name, 'utf8');
    return this.internBytes(bytes, 0, bytes.length);
  }

  /**
   * Sizes the columns and hash table for `names` names (a hint: saves the copies and rehashes of
   * growing by steps). Call before the first name.
   */
  reserve(names: number): void {
    if (this.count > 0 || names <= this.off.length) return;
    this.off = new Int32Array(names);
    this.len = new Uint16Array(names);
    this.hash = new Int32Array(names);
    // The hint counts lines, duplicates included: beyond a million names the table grows on demand
    // instead, as a table sized for the hint is touched all over (a 300 MB list of one million names
    // repeated reserved 128 MB of it).
    const tableNames = Math.min(names, MAX_RESERVED_TABLE_NAMES);
    let slots = this.mask + 1;
    while (tableNames * 2 > slots - 1) slots *= 2;
    this.mask = slots - 1;
    this.slots = new Int32Array(2 * slots);
    if (names * 16 > this.bytes.length) this.bytes = Buffer.allocUnsafe(names * 16);
  }

  /** The id of the name whose bytes are `src[start, end)` and whose suffix hash is `hash`, or -1. */
  find(src: Uint8Array, start: number, end: number, hash: number): number {
    const n = end - start;
    const bytes = this.bytes;
    const slots = this.slots;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const id = (slots[2 * slot] ?? 0) - 1;
      if (id < 0) return -1;
      if (slots[2 * slot + 1] !== hash || this.len[id] !== n) continue;
      const o = this.off[id] ?? 0;
      let k = 0;
      while (k < n && bytes[o + k] === src[start + k]) k++;
      if (k === n) return id;
    }
  }

  /** The id of `name`, or -1. */
  findString(name: string): number {
    const bytes = Buffer.from(name, 'utf8');
    let h = SUFFIX_HASH_SEED;
    for (let i = bytes.length - 1; i >= 0; i--) h = suffixHashStep(h, bytes[i] ?? 0);
    return this.find(bytes, 0, bytes.length, h);
  }

  /** The text of name `id`. */
  text(id: number): string {
    const o = this.off[id] ?? 0;
    return this.bytes.toString(this.ascii ? 'latin1' : 'utf8', o, o + (this.len[id] ?? 0));
  }

  private append(src: Uint8Array, start: number, end: number, hash: number): number {
    const n = end - start;
    if (this.used + n > this.bytes.length) {
      const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + n));
      this.bytes.copy(next, 0, 0, this.used);
      this.bytes = next;
    }
    const id = this.count;
    if (id === this.off.length) this.growColumns();
    const bytes = this.bytes;
    let p = this.used;
    for (let i = start; i < end; i++) bytes[p++] = src[i] ?? 0;
    this.off[id] = this.used;
    this.len[id] = n;
    this.hash[id] = hash;
    this.used = p;
    this.count = id + 1;
    this.added = true;
    if (this.count * 2 > this.mask) this.rehash();
    else this.place(id, hash);
    return id;
  }

  private growColumns(): void {
    const size = this.off.length * 2;
    const off = new Int32Array(size);
    off.set(this.off);
    this.off = off;
    const len = new Uint16Array(size);
    len.set(this.len);
    this.len = len;
    const hash = new Int32Array(size);
    hash.set(this.hash);
    this.hash = hash;
  }

  private place(id: number, hash: number): void {
    const slots = this.slots;
    let slot = hash & this.mask;
    while ((slots[2 * slot] ?? 0) !== 0) slot = (slot + 1) & this.mask;
    slots[2 * slot] = id + 1;
    slots[2 * slot + 1] = hash;
  }

  private rehash(): void {
    this.mask = (this.mask + 1) * 4 - 1;
    this.slots = new Int32Array(2 * (this.mask + 1));
    for (let id = 0; id < this.count; id++) this.place(id, this.hash[id] ?? 0);
  }
}
