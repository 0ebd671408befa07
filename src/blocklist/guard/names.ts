/**
 * The domain half of the guard, compiled for million-name feeds.
 *
 * Every name map the guard consults (special-use names, target names and their parents, allowlisted
 * names and their parents, the warninglists' exact / subtree / parent maps) is merged into one
 * {@link SuffixTable}: one backwards pass over a name finds, for the name itself and for each of its
 * parents, every map that knows it — no parent strings, no generator, one probe per label (most
 * probes end at a Bloom filter). The public-suffix data of psl-fast.ts sits in the same table, so the
 * registrable domain of most names is known from the same pass; tldts is asked only for names under
 * deeper suffix rules. The shipped part of the table is built once (name-table.ts, usually read from
 * the build-time cache); each guard copies it and adds its config's names. Names come as strings (`check`), as bytes (`checkBytes`), or already scanned by
 * the classifier (`checkScanned`, the compile path: no second pass over the bytes). The order of the
 * checks and the detail texts are those documented in guard.ts; the property test in
 * test/blocklist/guard-fast.test.ts compares all three against the straightforward per-map walk.
 */
import type { NameScan } from '../../indicators/fast-path.js';
import { tldts } from '../../indicators/tldts-lazy.js';
import type { GuardVerdict } from './types.js';
import { nameTableBaseOf, PSL_DEEP_BIT, PSL_SLOW_BIT } from './name-table.js';
import { SUFFIX_HASH_SEED, suffixHashStep, SuffixTable } from '../engine/suffix-table.js';
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
// others apply to the name and, nearest first, to its parents. The first five come from the config
// (added per guard), the rest from the shipped base table (name-table.ts).
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
  private readonly table: SuffixTable;
  /**
   * `index[c][id]`: where the value map `c` gives key `id` sits in `values[c]`, or -1. Typed columns:
   * the shipped ones are copied from the base table (name-table.ts) in well under a millisecond.
   */
  private readonly index: Int32Array[];
  private readonly values: (readonly string[])[];
  /** Per key: bit `b` set when map `PARENT_COLUMNS[b]` has it (what a parent hit must record). */
  private readonly parentMask: Uint8Array;
  /** Per key: the public-suffix bits of name-table.ts. */
  private readonly psl: Uint8Array;
  private readonly hasLists: boolean;
  // Scratch results of the last scan (synchronous, so instance fields are safe and allocation-free).
  private own = -1;
  private readonly parentHit = new Int32Array(COLUMNS);
  /** Table ids of the last two labels (`sld.tld`) and of the last label, or -1. */
  private baseId = -1;
  private tldId = -1;
  /** Dots in the scanned name, and the length of its last two labels. */
  private dots = 0;
  private baseLength = 0;

  constructor(maps: NameGuardMaps) {
    const base = nameTableBaseOf(maps.lists);
    this.hasLists = maps.lists !== undefined;
    this.table = SuffixTable.fromState(base.table);
    const own = [maps.special, maps.targetNames, maps.targetParents, maps.allowNames, maps.allowParents];
    const ownIds = own.map((map) => Array.from(map.keys(), (name) => this.table.add(name)));
    const size = this.table.size;
    // Columns span every key, the config's own included (an own key may be new to the table).
    const sized = (from: Int32Array | Uint8Array, fill: number): Int32Array => {
      const column = new Int32Array(size).fill(fill);
      column.set(from);
      return column;
    };
    const ownIndex = ownIds.map((ids) => {
      const column = new Int32Array(size).fill(-1);
      ids.forEach((id, k) => (column[id] = k));
      return column;
    });
    this.index = [...ownIndex, sized(base.exact, -1), sized(base.subtree, -1), sized(base.parents, -1)];
    this.values = [...own.map((map) => [...map.values()]), base.labels, base.labels, base.labels];
    this.psl = new Uint8Array(size);
    this.psl.set(base.psl);
    this.parentMask = new Uint8Array(size);
    PARENT_COLUMNS.forEach((col, bit) => {
      const set = (id: number): void => {
        this.parentMask[id] = (this.parentMask[id] ?? 0) | (1 << bit);
      };
      if (col !== SUBTREE) {
        ownIds[col]?.forEach(set);
        return;
      }
      // The one shipped parent column: 12k of 55k ids, read straight off the base.
      const subtree = base.subtree;
      for (let id = 0; id < subtree.length; id++) if ((subtree[id] ?? -1) >= 0) set(id);
    });
  }

  /**
   * The verdict for one domain. `canonical`: the caller guarantees canonical syntax (as `classify`
   * produces it), which lets the public-suffix question skip tldts' own validation (and tldts itself
   * when psl-fast.ts knows the answer); otherwise tldts runs with its defaults.
   */
  check(name: string, canonical = false): GuardVerdict {
    this.scan(name);
    return this.verdict(name, undefined, 0, canonical);
  }

  /**
   * {@link check} for a canonical name given as its ASCII bytes `b[start, end)` (the plain-list fast
   * path): the same scan over bytes; a string is made only when tldts has to be asked.
   */
  checkBytes(b: Uint8Array, start: number, end: number): GuardVerdict {
    this.scanBytes(b, start, end);
    return this.verdict(undefined, b, start, true, end);
  }

  /**
   * {@link checkBytes} for a name the classifier already scanned (`scanCanonicalDomain`): its dots and
   * suffix hashes come from `scan`, so only the table probes are left.
   */
  checkScanned(b: Uint8Array, start: number, end: number, scan: NameScan): GuardVerdict {
    this.reset();
    const table = this.table;
    for (let k = 0; k < scan.dots; k++) {
      const dot = scan.dotAt[k] ?? 0;
      const h = scan.hashAt[k] ?? 0;
      this.atDot(table.mayHave(h) ? table.findBytes(b, dot + 1, end, h) : -1, end - dot - 1);
    }
    this.own = table.mayHave(scan.hash) ? table.findBytes(b, start, end, scan.hash) : -1;
    this.atName(end - start);
    return this.verdict(undefined, b, start, true, end);
  }

  /** The verdict from the hits of the last scan; the name is `name` or `b[start, end)`. */
  private verdict(
    name: string | undefined,
    b: Uint8Array | undefined,
    start: number,
    canonical: boolean,
    end = 0,
  ): GuardVerdict {
    const special = this.ownOrParent(SPECIAL) ?? null;
    if (special !== null) return { reason: 'guarded', detail: special };
    const target = this.ownOrParent(TARGET) ?? this.ownValue(TARGET_PARENT);
    if (target !== undefined) return { reason: 'guarded', detail: `target address ${target}` };
    let domainLength = this.fastDomainLength(canonical);
    if (domainLength < 0) {
      const text =
        name ??
        Buffer.from(b?.buffer ?? new ArrayBuffer(0), (b?.byteOffset ?? 0) + start, end - start).toString(
          'latin1',
        );
      const psl = canonical ? PSL_CANONICAL_OPTIONS : PSL_OPTIONS;
      const lib = tldts();
      const domain = lib.getDomain(text, psl);
      if (domain === null) {
        return { reason: 'public-suffix', detail: `public suffix ${lib.getPublicSuffix(text, psl) ?? text}` };
      }
      domainLength = domain.length;
    }
    const allowed = this.ownOrParent(ALLOW) ?? this.ownValue(ALLOW_PARENT);
    if (allowed !== undefined) return { reason: 'allowlisted', detail: `allowlist ${allowed}` };
    if (!this.hasLists) return null;
    // A listed name protects its subdomains only down to the public-suffix boundary (guard.ts).
    const listed =
      this.ownValue(EXACT) ??
      this.ownValue(SUBTREE) ??
      this.parentValue(SUBTREE, domainLength) ??
      this.ownValue(WARN_PARENT);
    return listed === undefined ? null : { reason: 'warninglisted', detail: listed };
  }

  /**
   * The registrable domain's length when psl-fast.ts knows it (the last two labels: no deeper rule
   * under them, no wildcard or exception under the TLD), else -1 (ask tldts). Canonical names only.
   */
  private fastDomainLength(canonical: boolean): number {
    if (!canonical || this.dots === 0) return -1;
    if (this.tldId >= 0 && ((this.psl[this.tldId] ?? 0) & PSL_SLOW_BIT) !== 0) return -1;
    if (this.baseId >= 0 && ((this.psl[this.baseId] ?? 0) & PSL_DEEP_BIT) !== 0) return -1;
    return this.baseLength;
  }

  /** Resets the scratch results before a scan. */
  private reset(): void {
    // Four stores beat a `fill` builtin call on this per-name path.
    const hit = this.parentHit;
    hit[SPECIAL] = -1;
    hit[TARGET] = -1;
    hit[ALLOW] = -1;
    hit[SUBTREE] = -1;
    this.baseId = -1;
    this.tldId = -1;
    this.dots = 0;
  }

  /** Notes the table id of the suffix after a dot (`length` characters, `dots` dots so far). */
  private atDot(id: number, length: number): void {
    const dots = ++this.dots;
    if (dots === 1) this.tldId = id;
    else if (dots === 2) {
      this.baseId = id;
      this.baseLength = length;
    }
    if (id >= 0) this.noteParent(id);
  }

  /** After the name itself was looked up (`length` characters). */
  private atName(length: number): void {
    if (this.dots === 1) {
      this.baseId = this.own;
      this.baseLength = length;
    }
  }

  /** One backwards pass: the table id of the name itself and the nearest parent hit of each column. */
  private scan(name: string): void {
    this.reset();
    const table = this.table;
    const end = name.length;
    let h = SUFFIX_HASH_SEED;
    for (let i = end - 1; i >= 0; i--) {
      const c = name.charCodeAt(i);
      if (c === 46) {
        // name[i + 1..] is a parent; scanning leftwards, later hits are nearer ones and overwrite.
        this.atDot(table.mayHave(h) ? table.find(name, i + 1, h) : -1, end - i - 1);
      }
      h = suffixHashStep(h, c);
    }
    this.own = table.mayHave(h) ? table.find(name, 0, h) : -1;
    this.atName(end);
  }

  /** {@link scan} over ASCII bytes. */
  private scanBytes(b: Uint8Array, start: number, end: number): void {
    this.reset();
    const table = this.table;
    let h = SUFFIX_HASH_SEED;
    for (let i = end - 1; i >= start; i--) {
      const c = b[i] ?? 0;
      if (c === 46) this.atDot(table.mayHave(h) ? table.findBytes(b, i + 1, end, h) : -1, end - i - 1);
      h = suffixHashStep(h, c);
    }
    this.own = table.mayHave(h) ? table.findBytes(b, start, end, h) : -1;
    this.atName(end - start);
  }

  private noteParent(id: number): void {
    // One byte read per hit: most hits are TLDs and platform parents that start no guard column.
    const mask = this.parentMask[id] ?? 0;
    if (mask === 0) return;
    PARENT_COLUMNS.forEach((col, bit) => {
      if ((mask & (1 << bit)) !== 0) this.parentHit[col] = id;
    });
  }

  /** True when map `col` has key `id`. */
  private has(col: number, id: number): boolean {
    return (this.index[col]?.[id] ?? -1) >= 0;
  }

  /** The value map `col` gives key `id`, if any. */
  private valueOf(col: number, id: number): string | undefined {
    const k = this.index[col]?.[id] ?? -1;
    return k < 0 ? undefined : this.values[col]?.[k];
  }

  private ownValue(col: number): string | undefined {
    return this.own < 0 ? undefined : this.valueOf(col, this.own);
  }

  /** The nearest parent's value, when that parent is at least `minLength` long (else none). */
  private parentValue(col: number, minLength = 0): string | undefined {
    const id = this.parentHit[col] ?? -1;
    if (id < 0 || this.table.keyLength(id) < minLength) return undefined;
    return this.valueOf(col, id);
  }

  private ownOrParent(col: number): string | undefined {
    return this.ownValue(col) ?? this.parentValue(col);
  }
}
