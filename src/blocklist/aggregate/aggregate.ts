/**
 * Aggregation: dedupe across sources keeping every source, merge IPv4/IPv6 networks into the minimal
 * CIDR list, carve allowlisted holes out of wider networks, and collapse subdomains under a blocked
 * domain.
 *
 * Provenance rules (documented in the report and relied on by `explain.ts`):
 * - An IP entry's `sources` are the union of the sources of every accepted input that overlaps *that*
 *   CIDR block (not the whole merged run), so `check` can say who listed it.
 * - A domain under a blocked domain (`www.journalide.org` under `journalide.org`) is *covered*, not
 *   rejected: it appears nowhere as a value, and its sources are added to the topmost blocked ancestor.
 * - `expiresAt` of an entry is the earliest expiry of any record that contributed to it (the moment the
 *   entry has to be recomputed; a later compile re-emits what is still valid). `firstSeen` is the
 *   earliest first sighting. Both are ms since the epoch here, `Infinity` for none.
 */
import {
  IntervalList4,
  largestBlock,
  mergeIntervals4,
  prefixOfSize,
  sortOrder4,
  forEachPiece4,
} from '../engine/cidr.js';
import {
  mergeIntervals6,
  parseCidr6,
  rangeToCidrs6,
  subtractIntervals6,
  type Intervals6,
} from '../engine/cidr6.js';
import { LazyTimeColumn, U32Column } from '../engine/columns.js';
import { DomainSet, type DomainEntries } from './domain-set.js';
import type { SourceSets } from './provenance.js';

/**
 * IPv4 inputs held before identical ones are folded (4M: 48 MB of columns). Below it nothing is
 * folded, as `finish` merges duplicates anyway.
 */
const V4_COMPACT_AT = 1 << 22;

/** The largest size hint applied: 4M values, at most ≈ 200 MB reserved for host names (a 60 MB list). */
const MAX_EXPECTED = 1 << 22;

/** Aggregated IPv4 entries, ascending by address. Times are ms, `Infinity` for none. */
export interface V4Entries {
  start: Uint32Array;
  prefix: Uint32Array;
  set: Uint32Array;
  expiresAt: LazyTimeColumn;
  firstSeen: LazyTimeColumn;
  length: number;
}

/** Aggregated IPv6 entries, ascending by address. */
export interface V6Entries {
  start: bigint[];
  prefix: number[];
  set: number[];
  expiresAt: number[];
  firstSeen: number[];
}

export type { DomainEntries };

/** Everything `finish` produces. */
export interface Aggregated {
  domains: DomainEntries;
  v4: V4Entries;
  v6: V6Entries;
  /** Subdomain values folded into a blocked ancestor. */
  collapsed: number;
}

/** Collects accepted indicators (after classify, guard and expiry) in compact columns. */
export class Aggregator {
  private v4 = new IntervalList4();
  private v4Set = new U32Column();
  private v4Exp = new LazyTimeColumn();
  private v4First = new LazyTimeColumn();
  /** IPv4 inputs held before identical ones are folded together (see `compactV4`). */
  private v4CompactAt: number;
  private readonly v6: Intervals6 & { set: number[]; exp: number[]; first: number[] } = {
    start: [],
    end: [],
    set: [],
    exp: [],
    first: [],
  };
  private readonly domainSet: DomainSet;
  /** The source set of every IPv4 input so far, or -1 once two differ. */
  private v4OneSet = -1;
  /** Expected number of values (a size hint), applied to a column on its first value. */
  private expected = 0;

  /** `v4CompactAt`: see {@link V4_COMPACT_AT} (tests set it low). */
  constructor(
    private readonly sets: SourceSets,
    options: { v4CompactAt?: number } = {},
  ) {
    this.domainSet = new DomainSet(sets);
    this.v4CompactAt = options.v4CompactAt ?? V4_COMPACT_AT;
  }

  /** Adds the IPv4 interval `[start, end]` listed by source set `set`. */
  addV4(start: number, end: number, set: number, expiresAt = Infinity, firstSeen = Infinity): void {
    if (this.v4.length === 0) {
      this.v4OneSet = set;
      this.v4.reserve(this.expected);
      this.v4Set.reserve(this.expected);
    } else if (set !== this.v4OneSet) this.v4OneSet = -1;
    this.v4.push(start, end);
    this.v4Set.push(set);
    this.v4Exp.push(expiresAt);
    this.v4First.push(firstSeen);
    if (this.v4.length >= this.v4CompactAt) this.compactV4();
  }

  /**
   * Folds identical IPv4 inputs — the same network from the same source set — into one with the
   * earliest times. `finish` makes the same entries either way; folding keeps a feed that repeats its
   * values (daily exports concatenated, say) at the memory of its distinct values instead of its lines.
   */
  private compactV4(): void {
    const n = this.v4.length;
    const { start, end } = this.v4;
    const set = this.v4Set.data;
    const order = sortOrder4(start, n);
    const kept = new IntervalList4();
    const keptSet = new U32Column();
    const keptExp = new LazyTimeColumn();
    const keptFirst = new LazyTimeColumn();
    kept.reserve(n);
    keptSet.reserve(n);
    for (let a = 0; a < n;) {
      // A run of inputs with one start, sorted by end and set: only the last one kept can be the same.
      const s = start[order[a] ?? 0] ?? 0;
      let b = a + 1;
      while (b < n && start[order[b] ?? 0] === s) b++;
      const run = order.subarray(a, b);
      if (run.length > 1) run.sort((x, y) => (end[x] ?? 0) - (end[y] ?? 0) || (set[x] ?? 0) - (set[y] ?? 0));
      const firstKept = kept.length;
      for (const i of run) {
        const last = kept.length - 1;
        if (last >= firstKept && kept.end[last] === end[i] && keptSet.data[last] === set[i]) {
          keptExp.min(last, this.v4Exp.get(i));
          keptFirst.min(last, this.v4First.get(i));
          continue;
        }
        kept.push(s, end[i] ?? 0);
        keptSet.push(set[i] ?? 0);
        keptExp.push(this.v4Exp.get(i));
        keptFirst.push(this.v4First.get(i));
      }
      a = b;
    }
    this.v4 = kept;
    this.v4Set = keptSet;
    this.v4Exp = keptExp;
    this.v4First = keptFirst;
    // Mostly distinct values: wait until the list has doubled again before the next pass.
    this.v4CompactAt = Math.max(this.v4CompactAt, 2 * kept.length);
  }

  /** Adds the IPv6 interval `[start, end]`. */
  addV6(start: bigint, end: bigint, set: number, expiresAt = Infinity, firstSeen = Infinity): void {
    this.v6.start.push(start);
    this.v6.end.push(end);
    this.v6.set.push(set);
    this.v6.exp.push(expiresAt);
    this.v6.first.push(firstSeen);
  }

  /**
   * Adds a canonical domain (blocked with its subdomains); duplicates merge in `finish`. `ldh`: the
   * caller checked that the value is lowercase LDH (no JSON escapes possible), saving a scan.
   */
  addDomain(value: string, set: number, expiresAt = Infinity, firstSeen = Infinity, ldh = false): void {
    this.domainSet.add(value, set, expiresAt, firstSeen, ldh);
  }

  /**
   * Announces about how many values are coming (from an input's size): the first IPv4 value or host
   * name sizes its columns for that many, instead of growing them by doubling (each copy of a large
   * typed array is garbage the collector has to chase). Only a hint; nothing depends on it.
   */
  expect(values: number): void {
    // Capped: a hint sizes memory up front, and a huge file of comments must not reserve gigabytes.
    this.expected = Math.max(this.expected, Math.min(Math.floor(values), MAX_EXPECTED));
    this.domainSet.expect(this.expected);
  }

  /**
   * Adds the canonical domain whose bytes are `src[start, end)` (lowercase LDH, checked by the
   * caller) with no clocks, and its suffix hash (suffix-table.ts), without making a string of it: the
   * plain-list fast path.
   */
  addDomainBytes(src: Uint8Array, start: number, end: number, set: number, hash: number): void {
    this.domainSet.addBytes(src, start, end, set, hash);
  }

  /** Every distinct domain so far (sorted), with its source set (-1 once removed or collapsed). */
  domains(): { value: readonly string[]; set: readonly number[] } {
    return this.domainSet.view();
  }

  /** True when any domain was added. */
  get hasDomains(): boolean {
    return this.domainSet.size > 0;
  }

  /** True when `value` was added and not removed. */
  hasDomain(value: string): boolean {
    return this.domainSet.idOf(value) !== undefined;
  }

  /** Removes a domain before `finish` (a data error found late); returns its source set, or undefined. */
  removeDomain(value: string): number | undefined {
    return this.domainSet.remove(value);
  }

  /** Merges everything; `holes` (allowlisted networks, canonical text) are carved out of wider networks. */
  finish(holes: readonly string[] = []): Aggregated {
    const holes4 = new IntervalList4();
    const holes6: Intervals6 = { start: [], end: [] };
    for (const h of holes) {
      if (h.includes(':')) {
        const iv = parseCidr6(h);
        if (iv) {
          holes6.start.push(iv.start);
          holes6.end.push(iv.end);
        }
      } else holes4.pushCidr(h);
    }
    const collapsed = this.domainSet.collapse();
    return {
      domains: this.domainSet.entries(),
      v4: this.finishV4(holes4),
      v6: this.finishV6(holes6),
      collapsed,
    };
  }

  private finishV4(holes: IntervalList4): V4Entries {
    // One source and no clocks (a plain list): every merged run is uniform, no need to look, so the
    // merge need not remember which inputs each run absorbed.
    const allUniform = this.v4OneSet >= 0 && this.v4Exp.data === null && this.v4First.data === null;
    const merged = mergeIntervals4(this.v4, { groups: !allUniform });
    const holeRuns = mergeIntervals4(holes, { groups: false });
    const out = {
      start: new U32Column(),
      prefix: new U32Column(),
      set: new U32Column(),
      expiresAt: new LazyTimeColumn(),
      firstSeen: new LazyTimeColumn(),
    };
    // At least one block per piece, and a hole adds at most one piece: size the columns once.
    out.start.reserve(merged.length + holeRuns.length);
    out.prefix.reserve(merged.length + holeRuns.length);
    if (!allUniform) out.set.reserve(merged.length + holeRuns.length);
    const { order, groupFirst } = merged;
    const setCol = this.v4Set.data;
    let uniformGroup = -1;
    let uniform = allUniform;
    // The pieces of the merged runs outside the holes, each cut into its minimal CIDR blocks.
    forEachPiece4(merged, holeRuns, (first, last, g) => {
      const from = groupFirst[g] ?? 0;
      const to = groupFirst[g + 1] ?? 0;
      if (!allUniform && uniformGroup !== g) {
        uniformGroup = g;
        uniform = this.isUniform4(order, from, to);
      }
      for (let s = first; s <= last;) {
        // Most pieces are single addresses: no block search for those.
        const size = s === last ? 1 : largestBlock(s, last);
        out.start.push(s);
        out.prefix.push(size === 1 ? 32 : prefixOfSize(size));
        // One source set and no clocks (allUniform): nothing to look up per block, no reads
        // scattered over the inputs; those columns are filled once, after the loop.
        if (!allUniform && uniform) {
          const input = order[from] ?? 0;
          out.set.push(setCol[input] ?? 0);
          out.expiresAt.push(this.v4Exp.get(input));
          out.firstSeen.push(this.v4First.get(input));
        } else if (!allUniform) {
          this.provenance4(order, from, to, s, s + size - 1, out);
        }
        s += size;
      }
    });
    if (allUniform) {
      const n = out.start.length;
      out.set.reserve(n);
      out.set.data.fill(this.v4OneSet, 0, n);
      out.set.length = n;
      // Lazy time columns of nothing but Infinity hold no data, only their length.
      out.expiresAt.length = n;
      out.firstSeen.length = n;
    }
    return {
      start: out.start.data,
      prefix: out.prefix.data,
      set: out.set.data,
      expiresAt: out.expiresAt,
      firstSeen: out.firstSeen,
      length: out.start.length,
    };
  }

  /** True when every input of a merged run has the same sources and times (the common, fast case). */
  private isUniform4(order: Uint32Array, from: number, to: number): boolean {
    const first = order[from] ?? 0;
    const set = this.v4Set.data[first] ?? 0;
    const exp = this.v4Exp.get(first);
    const seen = this.v4First.get(first);
    for (let k = from + 1; k < to; k++) {
      const i = order[k] ?? 0;
      if (this.v4Set.data[i] !== set || this.v4Exp.get(i) !== exp || this.v4First.get(i) !== seen)
        return false;
    }
    return true;
  }

  /** Union of sources and earliest times of the inputs overlapping block `[s, e]` of one merged run. */
  private provenance4(
    order: Uint32Array,
    from: number,
    to: number,
    s: number,
    e: number,
    out: { set: U32Column; expiresAt: LazyTimeColumn; firstSeen: LazyTimeColumn },
  ): void {
    let set = -1;
    let exp = Infinity;
    let seen = Infinity;
    for (let k = from; k < to; k++) {
      const i = order[k] ?? 0;
      if ((this.v4.start[i] ?? 0) > e) break;
      if ((this.v4.end[i] ?? 0) < s) continue;
      const si = this.v4Set.data[i] ?? 0;
      set = set < 0 ? si : this.sets.union(set, si);
      exp = Math.min(exp, this.v4Exp.get(i));
      seen = Math.min(seen, this.v4First.get(i));
    }
    out.set.push(set);
    out.expiresAt.push(exp);
    out.firstSeen.push(seen);
  }

  private finishV6(holes: Intervals6): V6Entries {
    const merged = mergeIntervals6(this.v6);
    const pieces = holes.start.length > 0 ? subtractIntervals6(merged, mergeIntervals6(holes)) : merged;
    const parent = 'parent' in pieces ? pieces.parent : null;
    const out: V6Entries = { start: [], prefix: [], set: [], expiresAt: [], firstSeen: [] };
    const src = this.v6;
    for (let i = 0; i < pieces.start.length; i++) {
      const g = parent ? (parent[i] ?? 0) : i;
      const from = merged.groupFirst[g] ?? 0;
      const to = merged.groupFirst[g + 1] ?? 0;
      rangeToCidrs6(pieces.start[i] ?? 0n, pieces.end[i] ?? 0n, (s, prefix) => {
        const e = s + (1n << BigInt(128 - prefix)) - 1n;
        let set = -1;
        let exp = Infinity;
        let seen = Infinity;
        for (let k = from; k < to; k++) {
          const j = merged.order[k] ?? 0;
          if ((src.start[j] ?? 0n) > e) break;
          if ((src.end[j] ?? 0n) < s) continue;
          set = set < 0 ? (src.set[j] ?? 0) : this.sets.union(set, src.set[j] ?? 0);
          exp = Math.min(exp, src.exp[j] ?? 0);
          seen = Math.min(seen, src.first[j] ?? 0);
        }
        out.start.push(s);
        out.prefix.push(prefix);
        out.set.push(set);
        out.expiresAt.push(exp);
        out.firstSeen.push(seen);
      });
    }
    return out;
  }
}
