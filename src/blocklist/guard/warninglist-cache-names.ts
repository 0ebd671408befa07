/**
 * What the build-time cache of the name lists holds (the file format: warninglist-cache.ts): the
 * exact, subtree and parent maps as columns, and the name guard's shipped table already hashed.
 */
import { inspect } from 'node:util';
import { InternalError } from '../../errors.js';
import { buildNameTableBase, nameTableBaseOf, sameNameTableBase } from './name-table.js';
import type { NameTableBase, NameWarninglists } from './lists.js';
import {
  encode,
  isStringArray,
  narrow,
  readCache,
  sameArray,
  u32,
  widen,
  type CachedArray,
} from './warninglist-cache.js';

const NAME_MAPS = ['exact', 'subtree', 'parents'] as const;

/** The cache file bytes of compiled name lists. */
export function encodeNameCache(fingerprintHex: string, lists: NameWarninglists): Buffer {
  const arrays = new Map<string, CachedArray>();
  const labels: string[] = [];
  const ids = new Map<string, number>();
  const counts: Record<string, number> = {};
  for (const map of NAME_MAPS) {
    const keys = [...lists[map].keys()];
    // Keys are stored joined by line breaks; a key holding one would split wrongly, so refuse it here
    // (the build fails loudly) rather than let every run fall back to the JSON silently.
    const broken = keys.find((k) => k.includes('\n'));
    if (broken !== undefined)
      throw new InternalError(
        `warninglist cache: a ${map} name holds a line break: ${JSON.stringify(broken)}`,
      );
    const values = Array.from(lists[map].values(), (list) => {
      let id = ids.get(list);
      if (id === undefined) {
        id = labels.push(list) - 1;
        ids.set(list, id);
      }
      return id;
    });
    arrays.set(`${map}.keys`, Buffer.from(keys.join('\n'), 'utf8'));
    arrays.set(`${map}.values`, narrow(values));
    counts[map] = keys.length;
  }
  const base = buildNameTableBase(lists);
  encodeTableBase(base, arrays);
  return encode(fingerprintHex, { labels, counts, table: { labels: base.labels } }, arrays);
}

/** Adds the arrays of the guard's base table (name-table.ts) to `arrays`. */
function encodeTableBase(base: NameTableBase, arrays: Map<string, CachedArray>): void {
  const { units, starts, hashes, slots, bloom } = base.table;
  const bits = (a: Int32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);
  arrays.set('table.units', units);
  arrays.set('table.starts', bits(starts));
  arrays.set('table.hashes', bits(hashes));
  arrays.set('table.slots', bits(slots));
  arrays.set('table.bloom', bits(bloom));
  for (const column of TABLE_COLUMNS) arrays.set(`table.${column}`, bits(base[column]));
  arrays.set('table.psl', base.psl);
}

const TABLE_COLUMNS = ['exact', 'subtree', 'parents'] as const;

/** The guard's base table from a cache file's parts (throws on a malformed part). */
function tableBaseOf(data: unknown, arrays: ReadonlyMap<string, CachedArray>): NameTableBase {
  const labels = (data as { table?: { labels?: unknown } } | null)?.table?.labels;
  if (!isStringArray(labels)) throw new InternalError('warninglist cache: the table labels are missing');
  const signed = (name: string): Int32Array => {
    const a = u32(arrays, name);
    return new Int32Array(a.buffer, a.byteOffset, a.length);
  };
  const units = arrays.get('table.units');
  const psl = arrays.get('table.psl');
  if (!(units instanceof Uint16Array) || !(psl instanceof Uint8Array))
    throw new InternalError('warninglist cache: the table keys are missing');
  const table = {
    units,
    starts: signed('table.starts'),
    hashes: signed('table.hashes'),
    slots: signed('table.slots'),
    bloom: signed('table.bloom'),
  };
  const base: NameTableBase = {
    table,
    labels,
    exact: signed('table.exact'),
    subtree: signed('table.subtree'),
    parents: signed('table.parents'),
    psl,
  };
  const keys = table.hashes.length;
  const columns = [base.exact, base.subtree, base.parents, base.psl];
  if (table.starts.length !== keys + 1 || columns.some((column) => column.length !== keys))
    throw new InternalError('warninglist cache: the table columns disagree');
  return base;
}

/** Compiled name lists from a cache file's parts (throws on a malformed part). */
function nameListsOf(data: unknown, arrays: ReadonlyMap<string, CachedArray>): NameWarninglists {
  const { labels, counts } = (data ?? {}) as { labels?: unknown; counts?: Record<string, unknown> };
  if (!isStringArray(labels) || typeof counts !== 'object') {
    throw new InternalError('warninglist cache: the name labels are missing');
  }
  const map = (name: (typeof NAME_MAPS)[number]): ColumnMap => {
    const count = counts[name];
    const bytes = arrays.get(`${name}.keys`);
    const values = widen(arrays.get(`${name}.values`));
    if (!(bytes instanceof Uint8Array) || typeof count !== 'number' || values.length !== count) {
      throw new InternalError(`warninglist cache: the ${name} columns disagree`);
    }
    // Split on first need: the guard reads its own table (tableBase), so most runs never do. The
    // count is then checked late, but the file digest vouches for the bytes, and the build read every
    // key back (sameNameLists) before shipping the file. Likewise the label ids are not checked one by
    // one (a cold 50k-step loop).
    let keys: string[] | undefined;
    const keysOf = (): readonly string[] => {
      if (keys !== undefined) return keys;
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
      keys = count === 0 ? [] : text.split('\n');
      if (keys.length !== count)
        throw new InternalError(`warninglist cache: the ${name} key count disagrees`);
      return keys;
    };
    return new ColumnMap(keysOf, count, values, labels);
  };
  return {
    exact: map('exact'),
    subtree: map('subtree'),
    parents: map('parents'),
    tableBase: tableBaseOf(data, arrays),
  };
}

/** The name lists cached in `file` when its fingerprint is `fingerprintHex` and it is intact, else undefined. */
export function readNameCache(file: string, fingerprintHex: string): NameWarninglists | undefined {
  return readCache(file, fingerprintHex, nameListsOf);
}

/** True when two compiled name lists hold the same entries in the same order, read every way. */
export function sameNameLists(a: NameWarninglists, b: NameWarninglists): boolean {
  const tables = sameNameTableBase(nameTableBaseOf(a), nameTableBaseOf(b));
  return (
    tables &&
    NAME_MAPS.every(
      (map) =>
        a[map].size === b[map].size &&
        sameArray([...a[map].keys()], [...b[map].keys()]) &&
        sameArray([...a[map].values()], [...b[map].values()]) &&
        [...a[map].entries()].every(([k, v]) => b[map].get(k) === v),
    )
  );
}

/**
 * A Map over parallel columns — distinct keys, and per key an id into `labels` — whose entries are
 * inserted on first need. Why: inserting the 50k cached names into real Maps is most of a load, and the
 * guard's NameGuard only iterates the maps (it hashes the names into its own table). So `size`,
 * `keys()` and `values()` read the columns; every other method (lookups, changes, entries,
 * iteration, `forEach`, inspection) first fills the Map, after which it is an ordinary Map.
 * Only readers of the internal slots bypassing the methods (structuredClone, v8.serialize) would
 * see an unfilled Map as empty; nothing in iocwall does that.
 */
class ColumnMap extends Map<string, string> {
  private pending:
    { keys: () => readonly string[]; count: number; ids: Uint32Array; labels: readonly string[] } | undefined;

  /** `keys`: the keys, split from the cache's text on first call (`count` of them). */
  constructor(keys: () => readonly string[], count: number, ids: Uint32Array, labels: readonly string[]) {
    super();
    this.pending = { keys, count, ids, labels };
  }

  /** Inserts the columns' entries (once). */
  private fill(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    const { ids, labels } = pending;
    const keys = pending.keys();
    for (let i = 0; i < keys.length; i++) super.set(keys[i] ?? '', labels[ids[i] ?? 0] ?? '');
  }

  /** `size` without filling (installed as the accessor below: a class cannot override Map's property). */
  currentSize(): number {
    return this.pending?.count ?? Reflect.get(Map.prototype, 'size', this);
  }

  override keys(): MapIterator<string> {
    if (this.pending === undefined) return super.keys();
    return this.pending.keys()[Symbol.iterator]();
  }

  override values(): MapIterator<string> {
    if (this.pending === undefined) return super.values();
    const { ids, labels } = this.pending;
    const values = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) values[i] = labels[ids[i] ?? 0] ?? '';
    return values[Symbol.iterator]();
  }

  override get(key: string): string | undefined {
    this.fill();
    return super.get(key);
  }

  override has(key: string): boolean {
    this.fill();
    return super.has(key);
  }

  override set(key: string, value: string): this {
    this.fill();
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.fill();
    return super.delete(key);
  }

  override clear(): void {
    this.fill();
    super.clear();
  }

  override entries(): MapIterator<[string, string]> {
    this.fill();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, string]> {
    this.fill();
    return super[Symbol.iterator]();
  }

  override forEach(
    callback: (value: string, key: string, map: Map<string, string>) => void,
    thisArg?: unknown,
  ): void {
    this.fill();
    super.forEach(callback, thisArg);
  }

  /** util.inspect / console.log read the internal entries: fill first so they show the content. */
  [inspect.custom](): Map<string, string> {
    this.fill();
    return new Map(this);
  }
}

Object.defineProperty(ColumnMap.prototype, 'size', {
  configurable: true,
  get(this: ColumnMap): number {
    return this.currentSize();
  },
});
