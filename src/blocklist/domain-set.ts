/**
 * The domain half of aggregation, without a hash map: values are appended as they arrive, then sorted
 * once (code-unit order, `sort-strings.ts`) and deduplicated by merging equal neighbours. Lookups
 * (parents for subdomain collapse, data-error checks) are binary searches in the sorted values.
 */
import type { SourceSets } from './provenance.js';
import { sortIndicesByString } from './sort-strings.js';

/** Aggregated domain entries, ascending by value (code units). Times are ms, `Infinity` for none. */
export interface DomainEntries {
  value: string[];
  set: number[];
  expiresAt: number[];
  firstSeen: number[];
}

/** Collects domains; `seal()` sorts and dedupes them (called implicitly by the readers). */
export class DomainSet {
  private value: string[] = [];
  private set: number[] = [];
  private exp: number[] = [];
  private first: number[] = [];
  private sealed = true;

  constructor(private readonly sets: SourceSets) {}

  /** Appends a domain listed by source set `set`. */
  add(value: string, set: number, expiresAt: number, firstSeen: number): void {
    this.value.push(value);
    this.set.push(set);
    this.exp.push(expiresAt);
    this.first.push(firstSeen);
    this.sealed = false;
  }

  /** Sorts and merges duplicates (union of sources, earliest expiry and first sighting). */
  seal(): void {
    if (this.sealed) return;
    const order = sortIndicesByString(this.value);
    const value: string[] = [];
    const set: number[] = [];
    const exp: number[] = [];
    const first: number[] = [];
    let last = -1;
    for (const i of order) {
      const v = this.value[i] ?? '';
      const s = this.set[i] ?? 0;
      if (last >= 0 && value[last] === v) {
        // A removed (-1) entry stays removed.
        if ((set[last] ?? 0) >= 0 && s >= 0) set[last] = this.sets.union(set[last] ?? 0, s);
        exp[last] = Math.min(exp[last] ?? 0, this.exp[i] ?? 0);
        first[last] = Math.min(first[last] ?? 0, this.first[i] ?? 0);
        continue;
      }
      value.push(v);
      set.push(s);
      exp.push(this.exp[i] ?? 0);
      first.push(this.first[i] ?? 0);
      last++;
    }
    this.value = value;
    this.set = set;
    this.exp = exp;
    this.first = first;
    this.sealed = true;
  }

  /** The sorted, deduplicated values and their source sets (-1: removed or collapsed). */
  view(): { value: readonly string[]; set: readonly number[] } {
    this.seal();
    return { value: this.value, set: this.set };
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
      if (m === name) return (this.set[mid] ?? 0) >= 0 ? mid : undefined;
      if (m < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Removes a domain (a data error found late); returns its source set, or undefined. */
  remove(name: string): number | undefined {
    const i = this.indexOf(name);
    if (i === undefined) return undefined;
    const s = this.set[i] ?? 0;
    this.set[i] = -1;
    return s;
  }

  /**
   * Folds every domain under a blocked ancestor into the topmost such ancestor (sources united, times
   * the earliest). Returns how many were folded.
   */
  collapse(): number {
    this.seal();
    let collapsed = 0;
    const { value, set } = this;
    for (let i = 0; i < value.length; i++) {
      const d = value[i] ?? '';
      if ((set[i] ?? 0) < 0) continue;
      let top = -1;
      // The last label alone is a TLD, never an entry (the guard refuses public suffixes).
      for (
        let dot = d.indexOf('.');
        dot >= 0 && d.indexOf('.', dot + 1) >= 0;
        dot = d.indexOf('.', dot + 1)
      ) {
        const p = this.indexOf(d.slice(dot + 1));
        if (p !== undefined) top = p;
      }
      if (top < 0) continue;
      // The topmost blocked ancestor has no blocked ancestor itself, so it is never folded.
      set[top] = this.sets.union(set[top] ?? 0, set[i] ?? 0);
      if ((this.exp[i] ?? 0) < (this.exp[top] ?? 0)) this.exp[top] = this.exp[i] ?? 0;
      if ((this.first[i] ?? 0) < (this.first[top] ?? 0)) this.first[top] = this.first[i] ?? 0;
      set[i] = -1;
      collapsed++;
    }
    return collapsed;
  }

  /** The remaining entries in canonical order. */
  entries(): DomainEntries {
    this.seal();
    const out: DomainEntries = { value: [], set: [], expiresAt: [], firstSeen: [] };
    for (let i = 0; i < this.value.length; i++) {
      if ((this.set[i] ?? 0) < 0) continue;
      out.value.push(this.value[i] ?? '');
      out.set.push(this.set[i] ?? 0);
      out.expiresAt.push(this.exp[i] ?? 0);
      out.firstSeen.push(this.first[i] ?? 0);
    }
    return out;
  }
}
