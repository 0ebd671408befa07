/**
 * The domain half of aggregation: names are interned as bytes on arrival (name-arena.ts), so
 * duplicates merge at once — sources united, the earliest expiry and first sighting kept — and the
 * sort, subdomain collapse and writer work on bytes. No string is made for a name that came in as
 * bytes, and a million names cost about 30 bytes each besides their text.
 *
 * A name whose source set is -1 is removed (a data error) or folded into a blocked ancestor.
 */
import { LazyTimeColumn } from '../engine/columns.js';
import { NameArena } from '../engine/name-arena.js';
import type { SourceSets } from './provenance.js';
import { SortedNames, type NameBytes } from '../engine/sorted-names.js';
import { sortIndicesByString } from '../engine/sort-strings.js';
import { SUFFIX_HASH_SEED, suffixHashStep } from '../engine/suffix-table.js';

/** Names interned per batch by `addBytes`. */
const PENDING = 1024;

/** Characters `JSON.stringify` escapes, and anything outside printable ASCII. */
const NOT_PLAIN = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/;

/** Aggregated domain entries, ascending by value (code units). Times are ms, `Infinity` for none. */
export interface DomainEntries {
  /** The number of entries. */
  readonly length: number;
  /** Entry `k` is name `ids[k]` of `names` (its bytes: `names.bytes`, `names.off`, `names.len`). */
  readonly names: NameBytes;
  readonly ids: Uint32Array;
  /** The entries' values as strings (made on first access: the writer uses the bytes instead). */
  readonly value: readonly string[];
  set: Int32Array;
  expiresAt: Float64Array;
  firstSeen: Float64Array;
  /** True when every value is printable ASCII without `"` or `\` (its JSON is itself in quotes). */
  plain: boolean;
}

/** Collects domains (see the module comment). */
export class DomainSet {
  private readonly names = new NameArena();
  /** Per name id: 1 for a name of three labels or more (it may fold into a parent). */
  private deep = new Uint8Array(1024);
  private anyDeep = false;
  /** Per name id: its source set (-1: removed or folded). */
  private set = new Int32Array(1024);
  private readonly exp = new LazyTimeColumn();
  private readonly first = new LazyTimeColumn();
  /** False once a value that would need JSON escapes was added (the writer then encodes each one). */
  private plain = true;
  /** The sorted ids, until the next add. */
  private sorted: NameOrder | undefined;

  constructor(private readonly sets: SourceSets) {}

  /** Adds a domain listed by source set `set` (`ldh`: known to need no JSON escapes). */
  add(value: string, set: number, expiresAt: number, firstSeen: number, ldh = false): void {
    this.flushPending();
    this.applyHint();
    if (!ldh && this.plain && NOT_PLAIN.test(value)) this.plain = false;
    const dot = value.indexOf('.');
    const deep = dot >= 0 && value.includes('.', dot + 1);
    this.store(this.names.internString(value), set, expiresAt, firstSeen, deep);
  }

  /**
   * Adds the domain whose canonical bytes are `src[start, end)` — lowercase LDH, checked by the
   * caller (so no JSON escape can be needed) — with its suffix hash `hash`, without making a string.
   * Names are interned in batches (see `flushPending`); every reader flushes first.
   */
  addBytes(src: Uint8Array, start: number, end: number, set: number, hash: number): void {
    const p = this.pending;
    const n = end - start;
    if (p.count === PENDING || p.used + n > p.bytes.length) this.flushPending();
    const k = p.count++;
    let at = p.used;
    p.start[k] = at;
    // Counting dots while copying: a name of three labels or more may fold into a parent.
    let dots = 0;
    for (let i = start; i < end; i++) {
      const c = src[i] ?? 0;
      p.bytes[at++] = c;
      dots += c === 46 ? 1 : 0;
    }
    p.used = at;
    p.end[k] = at;
    p.hash[k] = hash;
    p.set[k] = set;
    p.deep[k] = dots >= 2 ? 1 : 0;
  }

  /** Names added as bytes, not yet interned. */
  private readonly pending = {
    bytes: Buffer.allocUnsafe(PENDING * 64),
    used: 0,
    count: 0,
    start: new Int32Array(PENDING),
    end: new Int32Array(PENDING),
    hash: new Int32Array(PENDING),
    set: new Int32Array(PENDING),
    deep: new Uint8Array(PENDING),
  };

  /**
   * Interns the pending names, in arrival order. The batch's hash slots are read first, all at once
   * (`NameArena.prefetch`): one by one, each new name's lookup would wait on a cache miss.
   */
  private flushPending(): void {
    const p = this.pending;
    if (p.count === 0) return;
    this.applyHint();
    this.names.prefetch(p.hash, p.count);
    for (let k = 0; k < p.count; k++) {
      const id = this.names.internAscii(p.bytes, p.start[k] ?? 0, p.end[k] ?? 0, p.hash[k] ?? 0);
      this.store(id, p.set[k] ?? 0, Infinity, Infinity, p.deep[k] === 1);
    }
    p.count = 0;
    p.used = 0;
  }

  private store(id: number, set: number, expiresAt: number, firstSeen: number, deep: boolean): void {
    this.sorted = undefined;
    if (!this.names.added) {
      const was = this.set[id] ?? 0;
      // A removed (-1) entry stays removed.
      if (was >= 0 && set >= 0) this.set[id] = this.sets.union(was, set);
      this.exp.min(id, expiresAt);
      this.first.min(id, firstSeen);
      return;
    }
    if (id === this.set.length) this.grow();
    if (deep) {
      this.deep[id] = 1;
      this.anyDeep = true;
    }
    this.set[id] = set;
    this.exp.push(expiresAt);
    this.first.push(firstSeen);
  }

  private grow(): void {
    this.resizeColumns(this.set.length * 2);
  }

  private resizeColumns(size: number): void {
    const set = new Int32Array(size);
    set.set(this.set);
    this.set = set;
    const deep = new Uint8Array(size);
    deep.set(this.deep);
    this.deep = deep;
  }

  /** Applies the size hint before the first name is interned. */
  private applyHint(): void {
    if (this.expected === 0) return;
    this.reserve(this.expected);
    this.expected = 0;
  }

  private reserve(names: number): void {
    if (names > this.set.length) this.resizeColumns(names);
    this.names.reserve(names);
  }

  /** A size hint (see `Aggregator.expect`), applied when the first name arrives. */
  expect(names: number): void {
    this.expected = names;
  }

  private expected = 0;

  /** The number of names added (distinct once interned; pending ones counted as added). */
  get size(): number {
    return this.names.count + this.pending.count;
  }

  /** True when no value needs a JSON escape (every value is printable ASCII without `"` or `\`). */
  get allPlain(): boolean {
    return this.plain;
  }

  /**
   * Every distinct name in ascending order: `names` holds their bytes and `ids` index it in order;
   * `arenaId` maps such an index back to the name's id here (for its set and times).
   */
  private order(): NameOrder {
    this.flushPending();
    if (this.sorted !== undefined) return this.sorted;
    const n = this.names.count;
    let order: NameOrder;
    if (this.names.ascii) {
      // A sorted copy, so the passes in sorted order (sort rounds, writer) read nearby memory.
      const sorted = SortedNames.of(this.names);
      order = { names: sorted, ids: sorted.order, arenaId: sorted.arenaId };
    } else {
      // Non-ASCII values (never canonical, but the API takes any string): sort their text.
      const ids = new Uint32Array(n);
      for (let i = 0; i < n; i++) ids[i] = i;
      const texts = Array.from(ids, (id) => this.names.text(id));
      ids.set(sortIndicesByString(texts));
      order = { names: this.names, ids, arenaId: ids.map((_, i) => i) };
    }
    this.sorted = order;
    return order;
  }

  /** The sorted, deduplicated values and their source sets (-1: removed or collapsed). */
  view(): { value: readonly string[]; set: readonly number[] } {
    const { names, ids, arenaId } = this.order();
    return {
      value: Array.from(ids, (k) => names.text(k)),
      set: Array.from(ids, (k) => this.set[arenaId[k] ?? 0] ?? 0),
    };
  }

  /** The name id of `name` when present and not removed. */
  idOf(name: string): number | undefined {
    this.flushPending();
    const id = this.names.findString(name);
    return id >= 0 && (this.set[id] ?? 0) >= 0 ? id : undefined;
  }

  /** Removes a domain (a data error found late); returns its source set, or undefined. */
  remove(name: string): number | undefined {
    const id = this.idOf(name);
    if (id === undefined) return undefined;
    const s = this.set[id] ?? 0;
    this.set[id] = -1;
    return s;
  }

  /**
   * Folds every domain under a blocked ancestor into the topmost such ancestor (sources united, times
   * the earliest). Returns how many were folded.
   */
  collapse(): number {
    this.flushPending();
    if (!this.anyDeep) return 0;
    const { bytes, off, len } = this.names;
    const set = this.set;
    const deep = this.deep;
    let collapsed = 0;
    for (let id = 0; id < this.names.count; id++) {
      if (deep[id] !== 1 || (set[id] ?? 0) < 0) continue;
      const start = off[id] ?? 0;
      const end = start + (len[id] ?? 0);
      // Right to left: the first parent found (of two labels or more) is the shortest, the topmost.
      // A removed parent (a data error) is no ancestor; a parent folded away has a shorter blocked
      // ancestor of its own, which is also this name's and is met first.
      let top = -1;
      let dots = 0;
      let h = SUFFIX_HASH_SEED;
      for (let i = end - 1; i > start; i--) {
        const c = bytes[i] ?? 0;
        if (c === 46 && ++dots >= 2) {
          const p = this.names.find(bytes, i + 1, end, h);
          if (p >= 0 && (set[p] ?? 0) >= 0) {
            top = p;
            break;
          }
        }
        h = suffixHashStep(h, c);
      }
      if (top < 0) continue;
      set[top] = this.sets.union(set[top] ?? 0, set[id] ?? 0);
      this.exp.min(top, this.exp.get(id));
      this.first.min(top, this.first.get(id));
      set[id] = -1;
      collapsed++;
    }
    return collapsed;
  }

  /** The remaining entries in canonical order. */
  entries(): DomainEntries {
    const { names, ids: all, arenaId } = this.order();
    const n = all.length;
    // Gathered in one tight loop (the reads are random but independent, so the CPU overlaps them).
    const sortedSet = new Int32Array(n);
    for (let k = 0; k < n; k++) sortedSet[k] = this.set[arenaId[all[k] ?? 0] ?? 0] ?? 0;
    let kept = 0;
    for (let k = 0; k < n; k++) if ((sortedSet[k] ?? 0) >= 0) kept++;
    const timed = this.exp.data !== null || this.first.data !== null;
    // Plain lists share one all-`Infinity` column for both times (8 MB per million saved).
    const none = timed ? undefined : new Float64Array(kept).fill(Infinity);
    const expiresAt = none ?? new Float64Array(kept);
    const firstSeen = none ?? new Float64Array(kept);
    let ids = all;
    let outSet = sortedSet;
    if (kept !== n) {
      ids = new Uint32Array(kept);
      outSet = new Int32Array(kept);
      for (let k = 0, j = 0; k < n; k++) {
        const s = sortedSet[k] ?? 0;
        if (s < 0) continue;
        ids[j] = all[k] ?? 0;
        outSet[j++] = s;
      }
    }
    if (timed) {
      for (let k = 0; k < kept; k++) {
        const id = arenaId[ids[k] ?? 0] ?? 0;
        expiresAt[k] = this.exp.get(id);
        firstSeen[k] = this.first.get(id);
      }
    }
    let value: string[] | undefined;
    return {
      length: kept,
      names,
      ids,
      get value(): readonly string[] {
        value ??= Array.from(ids, (id) => names.text(id));
        return value;
      },
      set: outSet,
      expiresAt,
      firstSeen,
      plain: this.plain,
    };
  }
}

/** Names in ascending order (see `DomainSet.order`). */
interface NameOrder {
  names: NameBytes;
  ids: Uint32Array;
  arenaId: Uint32Array;
}
