/**
 * The domain half of the guard, compiled for million-name feeds.
 *
 * Every name map the guard consults (special-use names, target names and their parents, allowlisted
 * names and their parents, the warninglists' exact / subtree / parent maps) is merged into one
 * {@link SuffixTable}: one backwards pass over a name finds, for the name itself and for each of its
 * parents, every map that knows it — no parent strings, no generator, one probe per label. The order
 * of the checks and the detail texts are those documented in guard.ts; the property test in
 * test/blocklist/guard-fast.test.ts compares this against the straightforward per-map walk.
 */
import { tldts } from '../indicators/tldts-lazy.js';
import type { GuardVerdict } from './guard.js';
import { SUFFIX_HASH_SEED, suffixHashStep, SuffixTable } from './suffix-table.js';
import type { NameWarninglists } from './warninglists.js';

/** A map of names → the value reported when it matches (a detail, a protected name, a list name). */
type NameMap = ReadonlyMap<string, string>;

/** The name maps of one guard. */
export interface NameGuardMaps {
  special: NameMap;
  targetNames: NameMap;
  targetParents: NameMap;
  allowNames: NameMap;
  allowParents: NameMap;
  /** Absent when warninglists are off. */
  lists: NameWarninglists | undefined;
}

/** Hoisted: tldts copies the options per call otherwise (same options as the guard always used). */
const PSL_OPTIONS = { allowPrivateDomains: true };
/**
 * For names already in canonical syntax (domain.ts `checkSyntax`: LDH + `_`, labels 1–63, ≤ 253, an
 * alphabetic or `xn--` top-level label) tldts' hostname extraction returns the name itself, its
 * hostname validation always passes and its IP detection always fails, so skipping those three
 * scans gives the same suffix and domain (guard-fast.test.ts checks it against the defaults).
 */
const PSL_CANONICAL_OPTIONS = {
  allowPrivateDomains: true,
  extractHostname: false,
  validateHostname: false,
  detectIp: false,
};

// Column ids: which map a table key belongs to. "Own" columns only apply to the name itself; the
// others apply to the name and, nearest first, to its parents.
const SPECIAL = 0;
const TARGET = 1;
const TARGET_PARENT = 2;
const ALLOW = 3;
const ALLOW_PARENT = 4;
const EXACT = 5;
const SUBTREE = 6;
const WARN_PARENT = 7;
const COLUMNS = 8;
/** The columns that also match a name's parents. */
const PARENT_COLUMNS = [SPECIAL, TARGET, ALLOW, SUBTREE] as const;

/** The compiled name checks (see the module comment). */
export class NameGuard {
  private readonly table = new SuffixTable();
  /** `cols[c][id]`: the value map `c` gives key `id`, if any. */
  private readonly cols: (string | undefined)[][];
  private readonly hasLists: boolean;
  // Scratch results of the last scan (synchronous, so instance fields are safe and allocation-free).
  private own = -1;
  private readonly parentHit = new Int32Array(COLUMNS);

  constructor(maps: NameGuardMaps) {
    const byColumn: NameMap[] = [
      maps.special,
      maps.targetNames,
      maps.targetParents,
      maps.allowNames,
      maps.allowParents,
    ];
    this.hasLists = maps.lists !== undefined;
    if (maps.lists !== undefined) byColumn.push(maps.lists.exact, maps.lists.subtree, maps.lists.parents);
    const ids = byColumn.map((map) => Array.from(map.keys(), (name) => this.table.add(name)));
    // Dense columns (allocated full, then assigned) keep V8's fast elements for 50k+ keys.
    this.cols = Array.from({ length: COLUMNS }, (_, col) => {
      const column = Array.from<string | undefined>({ length: this.table.size });
      const keys = ids[col] ?? [];
      let k = 0;
      for (const value of byColumn[col]?.values() ?? []) column[keys[k++] ?? 0] = value;
      return column;
    });
  }

  /**
   * The verdict for one domain. `canonical`: the caller guarantees canonical syntax (as `classify`
   * produces it), which lets tldts skip its own validation; otherwise tldts runs with its defaults.
   */
  check(name: string, canonical = false): GuardVerdict {
    this.scan(name);
    const special = this.ownOrParent(SPECIAL) ?? null;
    if (special !== null) return { reason: 'guarded', detail: special };
    const target = this.ownOrParent(TARGET) ?? this.ownValue(TARGET_PARENT);
    if (target !== undefined) return { reason: 'guarded', detail: `target address ${target}` };
    const psl = canonical ? PSL_CANONICAL_OPTIONS : PSL_OPTIONS;
    const lib = tldts();
    const domain = lib.getDomain(name, psl);
    if (domain === null) {
      return { reason: 'public-suffix', detail: `public suffix ${lib.getPublicSuffix(name, psl) ?? name}` };
    }
    const allowed = this.ownOrParent(ALLOW) ?? this.ownValue(ALLOW_PARENT);
    if (allowed !== undefined) return { reason: 'allowlisted', detail: `allowlist ${allowed}` };
    if (!this.hasLists) return null;
    // A listed name protects its subdomains only down to the public-suffix boundary (guard.ts).
    const listed =
      this.ownValue(EXACT) ??
      this.ownValue(SUBTREE) ??
      this.parentValue(SUBTREE, domain.length) ??
      this.ownValue(WARN_PARENT);
    return listed === undefined ? null : { reason: 'warninglisted', detail: listed };
  }

  /** One backwards pass: the table id of the name itself and the nearest parent hit of each column. */
  private scan(name: string): void {
    // Four stores beat a `fill` builtin call on this per-name path.
    const hit = this.parentHit;
    hit[SPECIAL] = -1;
    hit[TARGET] = -1;
    hit[ALLOW] = -1;
    hit[SUBTREE] = -1;
    this.own = -1;
    let h = SUFFIX_HASH_SEED;
    for (let i = name.length - 1; i >= 0; i--) {
      const c = name.charCodeAt(i);
      if (c === 46) {
        // name[i + 1..] is a parent; scanning leftwards, later hits are nearer ones and overwrite.
        const id = this.table.find(name, i + 1, h);
        if (id >= 0) this.noteParent(id);
      }
      h = suffixHashStep(h, c);
    }
    this.own = this.table.find(name, 0, h);
  }

  private noteParent(id: number): void {
    for (const col of PARENT_COLUMNS) {
      if (this.cols[col]?.[id] !== undefined) this.parentHit[col] = id;
    }
  }

  private ownValue(col: number): string | undefined {
    return this.own < 0 ? undefined : this.cols[col]?.[this.own];
  }

  /** The nearest parent's value, when that parent is at least `minLength` long (else none). */
  private parentValue(col: number, minLength = 0): string | undefined {
    const id = this.parentHit[col] ?? -1;
    if (id < 0 || this.table.keyOf(id).length < minLength) return undefined;
    return this.cols[col]?.[id];
  }

  private ownOrParent(col: number): string | undefined {
    return this.ownValue(col) ?? this.parentValue(col);
  }
}
