/**
 * The shipped part of the name guard's table (names.ts): the warninglists' exact, subtree and
 * parent maps and the public-suffix data of psl-fast.ts, hashed into one {@link SuffixTable}.
 *
 * It depends on shipped data only, so it is built once per list set — at build time into the
 * warninglist cache (warninglist-cache.ts), else on first use — and each NameGuard starts from a copy
 * and adds the config's own names (special-use names, targets, allowlist) on top. Building it key by
 * key (55k keys through code that is not optimised yet) costs far more at start-up than copying it.
 */
import { pslDeepBases, pslSlowTlds } from '../../indicators/psl-fast.js';
import { SuffixTable } from '../engine/suffix-table.js';
import type { NameTableBase, NameWarninglists } from './lists.js';

/** `psl` bits: a `sld.tld` base with deeper suffix rules, or a TLD whose rules need tldts. */
export const PSL_DEEP_BIT = 1;
export const PSL_SLOW_BIT = 2;

export type { NameTableBase } from './lists.js';

/** Builds the base for `lists` (none: warninglists are off, public-suffix data only). */
export function buildNameTableBase(lists: NameWarninglists | undefined): NameTableBase {
  const deep = [...pslDeepBases()];
  const slow = [...pslSlowTlds()];
  const maps = lists === undefined ? [] : [lists.exact, lists.subtree, lists.parents];
  const table = new SuffixTable(maps.reduce((n, map) => n + map.size, deep.length + slow.length));
  const labels: string[] = [];
  const labelIds = new Map<string, number>();
  const keyed = maps.map((map) => {
    const ids = Array.from(map.keys(), (name) => table.add(name));
    const values = Array.from(map.values(), (label) => {
      let id = labelIds.get(label);
      if (id === undefined) {
        id = labels.push(label) - 1;
        labelIds.set(label, id);
      }
      return id;
    });
    return { ids, values };
  });
  const deepIds = deep.map((base) => table.add(base));
  const slowIds = slow.map((tld) => table.add(tld));
  const size = table.size;
  const column = (k: number): Int32Array => {
    const out = new Int32Array(size).fill(-1);
    const { ids, values } = keyed[k] ?? { ids: [], values: [] };
    ids.forEach((id, i) => (out[id] = values[i] ?? -1));
    return out;
  };
  const psl = new Uint8Array(size);
  for (const id of deepIds) psl[id] = (psl[id] ?? 0) | PSL_DEEP_BIT;
  for (const id of slowIds) psl[id] = (psl[id] ?? 0) | PSL_SLOW_BIT;
  return { table: table.state(), labels, exact: column(0), subtree: column(1), parents: column(2), psl };
}

/** The base of lists that came without one (parsed from JSON), per lists object, and of no lists. */
const built = new WeakMap<NameWarninglists, NameTableBase>();
let withoutLists: NameTableBase | undefined;

/** The base for `lists`: the cached one they carry, else built once and kept for the process. */
export function nameTableBaseOf(lists: NameWarninglists | undefined): NameTableBase {
  if (lists === undefined) return (withoutLists ??= buildNameTableBase(undefined));
  if (lists.tableBase !== undefined) return lists.tableBase;
  let base = built.get(lists);
  if (base === undefined) {
    base = buildNameTableBase(lists);
    built.set(lists, base);
  }
  return base;
}

/** True when two bases are the same, array for array (the build checks its cache this way). */
export function sameNameTableBase(a: NameTableBase, b: NameTableBase): boolean {
  const same = (x: ArrayLike<unknown>, y: ArrayLike<unknown>): boolean => {
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  };
  return (
    same(a.table.units, b.table.units) &&
    same(a.table.starts, b.table.starts) &&
    same(a.table.hashes, b.table.hashes) &&
    same(a.table.slots, b.table.slots) &&
    same(a.table.bloom, b.table.bloom) &&
    same(a.labels, b.labels) &&
    same(a.exact, b.exact) &&
    same(a.subtree, b.subtree) &&
    same(a.parents, b.parents) &&
    same(a.psl, b.psl)
  );
}
