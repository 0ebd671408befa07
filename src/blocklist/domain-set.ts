/**
 * The domain half of aggregation, without a per-value hash map: values are appended as they arrive,
 * then sorted once (code-unit order, `sort-strings.ts`) and deduplicated by merging equal neighbours.
 * Lookups (data-error checks) are binary searches in the sorted values; subdomain collapse looks the
 * few candidate parents up in one small Map instead of a binary search per parent.
 *
 * Memory: per value one string reference plus an int32 source set; the time columns cost nothing
 * for plain lists (`LazyTimeColumn`), which keeps a million-domain compile well under 300 MB.
 */
import { I32Column, LazyTimeColumn, U8Column } from './columns.js';
import type { SourceSets } from './provenance.js';
import { sortStringsTied } from './sort-strings64.js';

/** Characters `JSON.stringify` escapes, and anything outside printable ASCII. */
const NOT_PLAIN = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/;

/** Aggregated domain entries, ascending by value (code units). Times are ms, `Infinity` for none. */
export interface DomainEntries {
  value: string[];
  set: Int32Array;
  expiresAt: Float64Array;
  firstSeen: Float64Array;
  /** True when every value is printable ASCII without `"` or `\` (its JSON is itself in quotes). */
  plain: boolean;
}

/** Collects domains; `seal()` sorts and dedupes them (called implicitly by the readers). */
export class DomainSet {
  private value: string[] = [];
  private set = new I32Column();
  private exp = new LazyTimeColumn();
  private first = new LazyTimeColumn();
  /** 1 for a name of three labels or more (it may collapse into a parent). */
  private deep = new U8Column();
  /**
   * Candidate ancestors (parents of at least two labels of every deep name) → their position once
   * sealed (-1: not an entry). Collected while the names are hot in cache, resolved during the sort's
   * dedupe pass, so collapse never searches the sorted million.
   */
  private readonly candidates = new Map<string, number>();
  /** False once a value that would need JSON escapes was added (the writer then encodes each one). */
  private plain = true;
  private sealed = true;

  constructor(private readonly sets: SourceSets) {}

  /** Appends a domain listed by source set `set` (`ldh`: known to need no JSON escapes). */
  add(value: string, set: number, expiresAt: number, firstSeen: number, ldh = false): void {
    this.value.push(value);
    this.set.push(set);
    this.exp.push(expiresAt);
    this.first.push(firstSeen);
    const dot = value.indexOf('.');
    const deep = dot >= 0 && value.indexOf('.', dot + 1) >= 0;
    this.deep.push(deep ? 1 : 0);
    if (deep) {
      // Every parent except the last label alone (a TLD, never an entry: the guard refuses it).
      for (let d = dot; d >= 0; d = value.indexOf('.', d + 1)) {
        if (value.indexOf('.', d + 1) < 0) break;
        const parent = value.slice(d + 1);
        if (!this.candidates.has(parent)) this.candidates.set(parent, -1);
      }
    }
    if (!ldh && this.plain && NOT_PLAIN.test(value)) this.plain = false;
    this.sealed = false;
  }

  /** True when no value needs a JSON escape (every value is printable ASCII without `"` or `\`). */
  get allPlain(): boolean {
    return this.plain;
  }

  /** Sorts and merges duplicates (union of sources, earliest expiry and first sighting). */
  seal(): void {
    if (this.sealed) return;
    const old = { value: this.value, set: this.set.data, exp: this.exp, first: this.first, deep: this.deep };
    const n = old.value.length;
    const candidates = this.candidates;
    // Which values are candidate ancestors: asked in arrival order, while the strings are still
    // laid out sequentially in memory (after sorting, every access is a cache miss).
    const hits: number[] = [];
    if (candidates.size > 0) {
      for (let i = 0; i < n; i++) if (candidates.has(old.value[i] ?? '')) hits.push(i);
    }
    const pos = hits.length > 0 ? new Int32Array(n) : undefined;
    const { order, tied } = sortStringsTied(old.value);
    const value: string[] = [];
    const set = new I32Column();
    const exp = new LazyTimeColumn();
    const first = new LazyTimeColumn();
    const deep = new U8Column();
    let last = -1;
    let lastValue: string | undefined;
    for (let k = 0; k < n; k++) {
      const i = order[k] ?? 0;
      const v = old.value[i] ?? '';
      const s = old.set[i] ?? 0;
      // Strings are compared only where the sort's keys could not tell the neighbours apart.
      if (tied[k] === 1 && v === lastValue) {
        const ls = set.data[last] ?? 0;
        // A removed (-1) entry stays removed.
        if (ls >= 0 && s >= 0) set.data[last] = this.sets.union(ls, s);
        exp.min(last, old.exp.get(i));
        first.min(last, old.first.get(i));
        if (pos) pos[i] = last;
        continue;
      }
      value.push(v);
      set.push(s);
      exp.push(old.exp.get(i));
      first.push(old.first.get(i));
      deep.push(old.deep.data[i] ?? 0);
      last++;
      lastValue = v;
      if (pos) pos[i] = last;
    }
    for (const key of candidates.keys()) candidates.set(key, -1);
    if (pos) for (const i of hits) candidates.set(old.value[i] ?? '', pos[i] ?? -1);
    this.deep = deep;
    this.value = value;
    this.set = set;
    this.exp = exp;
    this.first = first;
    this.sealed = true;
  }

  /** The sorted, deduplicated values and their source sets (-1: removed or collapsed). */
  view(): { value: readonly string[]; set: readonly number[] } {
    this.seal();
    return { value: this.value, set: [...this.set.data.subarray(0, this.set.length)] };
  }

  /** Position of `name` in `view()`, or undefined when absent or removed. */
  indexOf(name: string): number | undefined {
    this.seal();
    const v = this.value;
    let lo = 0;
    let hi = v.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = v[mid] ?? '';
      if (m === name) return (this.set.data[mid] ?? 0) >= 0 ? mid : undefined;
      if (m < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Removes a domain (a data error found late); returns its source set, or undefined. */
  remove(name: string): number | undefined {
    const i = this.indexOf(name);
    if (i === undefined) return undefined;
    const s = this.set.data[i] ?? 0;
    this.set.data[i] = -1;
    return s;
  }

  /**
   * Folds every domain under a blocked ancestor into the topmost such ancestor (sources united, times
   * the earliest). Returns how many were folded.
   */
  collapse(): number {
    this.seal();
    if (this.candidates.size === 0) return 0;
    const { value, candidates } = this;
    const set = this.set.data;
    const deep = this.deep.data;
    let collapsed = 0;
    for (let i = 0; i < value.length; i++) {
      if (deep[i] !== 1 || (set[i] ?? 0) < 0) continue;
      const d = value[i] ?? '';
      let top = -1;
      for (let dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
        if (d.indexOf('.', dot + 1) < 0) break;
        const p = candidates.get(d.slice(dot + 1)) ?? -1;
        // A removed parent (a data error) is no ancestor; a parent folded earlier in this loop can
        // only be an intermediate one, and the last hit (the shortest parent) is the topmost.
        if (p >= 0 && (set[p] ?? 0) >= 0) top = p;
      }
      if (top < 0) continue;
      // The topmost blocked ancestor has no blocked ancestor itself, so it is never folded.
      set[top] = this.sets.union(set[top] ?? 0, set[i] ?? 0);
      this.exp.min(top, this.exp.get(i));
      this.first.min(top, this.first.get(i));
      set[i] = -1;
      collapsed++;
    }
    return collapsed;
  }

  /** The remaining entries in canonical order. */
  entries(): DomainEntries {
    this.seal();
    const n = this.value.length;
    const set = this.set.data;
    let kept = 0;
    for (let i = 0; i < n; i++) if ((set[i] ?? 0) >= 0) kept++;
    const timed = this.exp.data !== null || this.first.data !== null;
    // Plain lists share one all-`Infinity` column for both times (8 MB per million saved).
    const none = timed ? undefined : new Float64Array(kept).fill(Infinity);
    const out: DomainEntries = {
      // Nothing removed or folded: the sorted values are the entries (no 1M-element copy).
      value: kept === n ? this.value : [],
      set: kept === n ? set.subarray(0, n) : new Int32Array(kept),
      expiresAt: none ?? new Float64Array(kept).fill(Infinity),
      firstSeen: none ?? new Float64Array(kept).fill(Infinity),
      plain: this.plain,
    };
    if (kept === n && !timed) return out;
    for (let i = 0, k = 0; i < n; i++) {
      const s = set[i] ?? 0;
      if (s < 0) continue;
      if (kept !== n) {
        out.value.push(this.value[i] ?? '');
        out.set[k] = s;
      }
      if (timed) {
        out.expiresAt[k] = this.exp.get(i);
        out.firstSeen[k] = this.first.get(i);
      }
      k++;
    }
    return out;
  }
}
