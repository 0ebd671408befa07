/**
 * Provenance without per-value arrays: every source gets a small integer id, and every distinct set of
 * sources an interned "set id". A million single-source values share one set id; merging two entries
 * is a memoised union of two small integers, so aggregation stays on typed arrays.
 */

/** Interned sets of source names. */
export class SourceSets {
  private readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  /** setId → sorted source ids. */
  private readonly members: number[][] = [];
  private readonly byKey = new Map<string, number>();
  private readonly unions = new Map<number, number>();
  private readonly jsonCache: (string | undefined)[] = [];
  private readonly nameCache: (string | undefined)[] = [];

  /** Registers a source name (idempotent) and returns the id of the set holding only it. */
  source(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return this.intern([id]);
  }

  /** The set id of `a ∪ b`. */
  union(a: number, b: number): number {
    if (a === b) return a;
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const key = lo * 4194304 + hi;
    const hit = this.unions.get(key);
    if (hit !== undefined) return hit;
    const x = this.members[lo] ?? [];
    const y = this.members[hi] ?? [];
    const merged = [...new Set([...x, ...y])].sort((p, q) => p - q);
    const id = this.intern(merged);
    this.unions.set(key, id);
    return id;
  }

  /** The source names of a set, sorted by code unit (the canonical order of `sources`). */
  namesOf(setId: number): string[] {
    return (this.members[setId] ?? []).map((i) => this.names[i] ?? '?').sort(compareCodeUnits);
  }

  /** `JSON.stringify(namesOf(setId))`, cached: serialising a million entries reuses a handful of strings. */
  jsonOf(setId: number): string {
    let s = this.jsonCache[setId];
    if (s === undefined) {
      s = JSON.stringify(this.namesOf(setId));
      this.jsonCache[setId] = s;
    }
    return s;
  }

  /** Number of sources in a set. */
  size(setId: number): number {
    return this.members[setId]?.length ?? 0;
  }

  /** The name of a source id as registered (used for rejected values, which carry one source). */
  sourceName(setId: number): string {
    let s = this.nameCache[setId];
    if (s === undefined) {
      s = this.namesOf(setId).join(',');
      this.nameCache[setId] = s;
    }
    return s;
  }

  private intern(sorted: number[]): number {
    const key = sorted.join(',');
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.members.length;
      this.members.push(sorted);
      this.byKey.set(key, id);
    }
    return id;
  }
}

/** Code-unit string order (locale-independent, the order `Array.prototype.sort` uses by default). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
