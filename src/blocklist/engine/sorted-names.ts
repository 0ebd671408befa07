/**
 * An arena's names in sorted order, laid out for the passes that read them in that order.
 *
 * The arena (name-arena.ts) holds names in arrival order, so reading them in sorted order — the
 * sort's own rounds, then the writer formatting a million entries — lands each read somewhere in
 * tens of megabytes: a cache and TLB miss per name, which on a virtual machine costs more than the
 * work itself (bench/RESULTS.md has the figures). So the names are first copied, in one sequential pass, into groups by their first byte, and each group (a few
 * hundred kilobytes for a million names) is sorted on its own: every later read in sorted order
 * stays within one group's memory.
 *
 * Names are ASCII here (the caller sorts other text as strings), so byte order is code-unit order.
 */
import type { NameArena } from './name-arena.js';
import { sortNameIds, type SortableNames } from './sort-names.js';

/** The bytes of a list of names (what the sort reads), and their text (for the writer's rare string path). */
export interface NameBytes extends SortableNames {
  /** The text of name `id`. */
  text(id: number): string;
}

/** Groups: one for the empty name, one per first byte. */
const GROUPS = 257;

/** A sorted copy of an arena's names (see the module comment). Ids here are positions in the copy. */
export class SortedNames implements NameBytes {
  readonly ascii = true;

  private constructor(
    readonly bytes: Buffer,
    readonly off: Int32Array,
    readonly len: Uint16Array,
    /** Per copy id: the id of the same name in the arena. */
    readonly arenaId: Uint32Array,
    /** Copy ids in ascending byte order. */
    readonly order: Uint32Array,
  ) {}

  /** Every name of the ASCII arena `arena`, sorted. */
  static of(arena: NameArena): SortedNames {
    if (!arena.ascii) throw new Error('SortedNames needs an ASCII arena');
    const n = arena.count;
    const { bytes, off, len } = arena;
    // Names and bytes per group, then where each group starts.
    const names = new Int32Array(GROUPS + 1);
    const size = new Float64Array(GROUPS);
    for (let id = 0; id < n; id++) {
      const l = len[id] ?? 0;
      const g = l === 0 ? 0 : 1 + (bytes[off[id] ?? 0] ?? 0);
      names[g] = (names[g] ?? 0) + 1;
      size[g] = (size[g] ?? 0) + l;
    }
    const nextId = new Int32Array(GROUPS);
    const nextByte = new Float64Array(GROUPS);
    const start = new Int32Array(GROUPS + 1);
    let ids = 0;
    let used = 0;
    for (let g = 0; g < GROUPS; g++) {
      start[g] = ids;
      nextId[g] = ids;
      nextByte[g] = used;
      ids += names[g] ?? 0;
      used += size[g] ?? 0;
    }
    start[GROUPS] = ids;

    // One sequential pass over the arena; the writes go to 257 places that each move forward.
    const copy = Buffer.allocUnsafe(Math.max(used, 1));
    const copyOff = new Int32Array(n);
    const copyLen = new Uint16Array(n);
    const arenaId = new Uint32Array(n);
    for (let id = 0; id < n; id++) {
      const o = off[id] ?? 0;
      const l = len[id] ?? 0;
      const g = l === 0 ? 0 : 1 + (bytes[o] ?? 0);
      const at = nextId[g] ?? 0;
      nextId[g] = at + 1;
      let p = nextByte[g] ?? 0;
      nextByte[g] = p + l;
      copyOff[at] = p;
      copyLen[at] = l;
      arenaId[at] = id;
      for (let i = o; i < o + l; i++) copy[p++] = bytes[i] ?? 0;
    }

    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const sorted = new SortedNames(copy, copyOff, copyLen, arenaId, order);
    for (let g = 0; g < GROUPS; g++) {
      const from = start[g] ?? 0;
      const to = start[g + 1] ?? 0;
      if (to - from > 1) sortNameIds(sorted, order.subarray(from, to));
    }
    return sorted;
  }

  text(id: number): string {
    const o = this.off[id] ?? 0;
    return this.bytes.toString('latin1', o, o + (this.len[id] ?? 0));
  }
}
