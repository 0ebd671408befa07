/**
 * The build-time cache of the compiled warninglists: `npm run build` (warninglist-build.ts) writes the
 * address lists and the name lists, already compiled, beside the compiled loader in dist/, so a
 * compile's start-up reads typed arrays instead of parsing 2.6 MB of JSON, 62k addresses and 50k
 * names (what is left is mostly reading and hashing the source files; bench/RESULTS.md has figures).
 *
 * A cache is used only when it is provably the compiled form of the lists on disk: it records a
 * SHA-256 fingerprint of the source files' contents (plus the loader code and the list kinds), which
 * the loader recomputes on every load, and a SHA-256 digest of its own bytes. Anything unexpected —
 * absent, stale, truncated, damaged, another format or byte order — makes the reader answer
 * `undefined`, and the loader silently parses the JSON instead.
 *
 * File layout: `IOCWLC01` (8 bytes) · SHA-256 of everything after it (32) · header length (u32,
 * little-endian) · header JSON · zero padding to a multiple of 8 · the arrays, each at an 8-aligned
 * offset, so typed arrays view the file buffer without copying. The arrays are in the writing host's
 * byte order, which the header records; a host of the other order ignores the cache.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { inspect } from 'node:util';
import { InternalError } from '../../errors.js';
import { IPv4Union, type IPv4UnionState } from '../engine/ipv4-union.js';
import {
  IPv4Index,
  IPv6Index,
  type DualIndex,
  type IPv4IndexState,
  type LabelledInterval,
} from '../engine/ranges.js';
import { buildNameTableBase, nameTableBaseOf, sameNameTableBase } from './name-table.js';
import type { IpWarninglists, NameTableBase, NameWarninglists } from './lists.js';

/**
 * The cache format. Bump it when the layout or the meaning of a cached field changes; caches of
 * another format then read as stale (the fingerprint includes it).
 */
export const CACHE_FORMAT = 3;

const MAGIC = 'IOCWLC01';
const DIGEST_AT = 8;
const HEADER_LENGTH_AT = 40;
const HEADER_AT = 44;

type ArrayType = 'u8' | 'u16' | 'u32' | 'u64';
type CachedArray = Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

const BYTES: Record<ArrayType, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };

/** What a cache file holds besides its arrays. */
interface Header {
  format: number;
  endianness: 'LE' | 'BE';
  fingerprint: string;
  /** Name → [type, byte offset from the first array, element count]. */
  arrays: Record<string, [ArrayType, number, number]>;
  /** Loader-specific, small (labels, counts). */
  data: unknown;
}

/**
 * The fingerprint a cache must carry to be used: SHA-256 over `salt` and each named part's name,
 * length and bytes. The loader passes the list kinds and the loader code's own files as salt/parts,
 * so an edited list or a rebuilt loader never meets an old cache.
 */
export function fingerprint(salt: string, parts: ReadonlyMap<string, Uint8Array>): string {
  const hash = createHash('sha256');
  hash.update(`iocwall warninglist cache ${CACHE_FORMAT}\n${salt}\n`);
  for (const [name, bytes] of parts) {
    hash.update(`${name}\n${bytes.length}\n`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

function typeOf(array: CachedArray): ArrayType {
  if (array instanceof Uint8Array) return 'u8';
  if (array instanceof Uint16Array) return 'u16';
  if (array instanceof Uint32Array) return 'u32';
  return 'u64';
}

/** The file bytes for `arrays` and `data` under `fingerprintHex`. */
function encode(fingerprintHex: string, data: unknown, arrays: ReadonlyMap<string, CachedArray>): Buffer {
  const layout: Header['arrays'] = {};
  let bodyLength = 0;
  for (const [name, array] of arrays) {
    layout[name] = [typeOf(array), bodyLength, array.length];
    bodyLength += Math.ceil(array.byteLength / 8) * 8;
  }
  const header: Header = {
    format: CACHE_FORMAT,
    endianness: endianness(),
    fingerprint: fingerprintHex,
    arrays: layout,
    data,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const bodyAt = Math.ceil((HEADER_AT + headerBytes.length) / 8) * 8;
  const file = Buffer.alloc(bodyAt + bodyLength);
  file.write(MAGIC, 0, 'latin1');
  file.writeUInt32LE(headerBytes.length, HEADER_LENGTH_AT);
  headerBytes.copy(file, HEADER_AT);
  for (const [name, array] of arrays) {
    const [, offset] = layout[name] ?? ['u8', 0];
    file.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), bodyAt + offset);
  }
  createHash('sha256').update(file.subarray(HEADER_LENGTH_AT)).digest().copy(file, DIGEST_AT);
  return file;
}

/** The decoded parts of a cache file whose fingerprint and digest match, else undefined. */
function decode(
  bytes: Uint8Array,
  fingerprintHex: string,
): { data: unknown; arrays: Map<string, CachedArray> } | undefined {
  if (bytes.length < HEADER_AT) return undefined;
  // Typed-array views need aligned offsets; a buffer from readFileSync is, but do not rely on it.
  const file =
    bytes.byteOffset % 8 === 0
      ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
      : Buffer.from(bytes);
  if (file.toString('latin1', 0, DIGEST_AT) !== MAGIC) return undefined;
  const headerLength = file.readUInt32LE(HEADER_LENGTH_AT);
  if (HEADER_AT + headerLength > file.length) return undefined;
  const header = JSON.parse(file.toString('utf8', HEADER_AT, HEADER_AT + headerLength)) as Partial<Header>;
  // Cheap refusals first: the digest below costs about a millisecond per megabyte.
  if (
    header.format !== CACHE_FORMAT ||
    header.endianness !== endianness() ||
    header.fingerprint !== fingerprintHex ||
    typeof header.arrays !== 'object'
  ) {
    return undefined;
  }
  const digest = createHash('sha256').update(file.subarray(HEADER_LENGTH_AT)).digest();
  if (!digest.equals(file.subarray(DIGEST_AT, HEADER_LENGTH_AT))) return undefined;
  const bodyAt = Math.ceil((HEADER_AT + headerLength) / 8) * 8;
  const arrays = new Map<string, CachedArray>();
  for (const [name, [type, offset, count]] of Object.entries(header.arrays)) {
    const at = bodyAt + offset;
    if (
      !(type in BYTES) ||
      !Number.isSafeInteger(offset) ||
      offset % 8 !== 0 ||
      !Number.isSafeInteger(count) ||
      count < 0
    ) {
      return undefined;
    }
    if (at + count * BYTES[type] > file.length) return undefined;
    const { buffer, byteOffset } = file;
    arrays.set(
      name,
      type === 'u8'
        ? new Uint8Array(buffer, byteOffset + at, count)
        : type === 'u16'
          ? new Uint16Array(buffer, byteOffset + at, count)
          : type === 'u32'
            ? new Uint32Array(buffer, byteOffset + at, count)
            : new BigUint64Array(buffer, byteOffset + at, count),
    );
  }
  return { data: header.data, arrays };
}

/**
 * Writes a cache file through a temporary file and a rename, so a concurrent reader sees the old
 * cache or the new one, never half of one.
 */
export function writeCacheFile(file: string, bytes: Uint8Array): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** The cache file `file` decoded, or undefined when it is absent, unreadable or damaged. */
function readCache(file: string, fingerprintHex: string): ReturnType<typeof decode> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    return decode(bytes, fingerprintHex);
  } catch {
    return undefined;
  }
}

/** The narrowest unsigned array holding `ids` (label ids: a few dozen lists, 62k entries). */
function narrow(ids: ArrayLike<number>): Uint8Array | Uint16Array | Uint32Array {
  let max = 0;
  for (let i = 0; i < ids.length; i++) max = Math.max(max, ids[i] ?? 0);
  return max < 256 ? Uint8Array.from(ids) : max < 65536 ? Uint16Array.from(ids) : Uint32Array.from(ids);
}

/** `array` as a Uint32Array (a view when it is one already, else a native widening copy). */
function widen(array: CachedArray | undefined): Uint32Array {
  if (array instanceof Uint32Array) return array;
  if (array instanceof Uint8Array || array instanceof Uint16Array) return new Uint32Array(array);
  throw new InternalError('warninglist cache: an id column is missing or 64-bit');
}

function u32(arrays: ReadonlyMap<string, CachedArray>, name: string): Uint32Array {
  const array = arrays.get(name);
  if (!(array instanceof Uint32Array))
    throw new InternalError(`warninglist cache: ${name} is not a u32 column`);
  return array;
}

function u8(arrays: ReadonlyMap<string, CachedArray>, name: string): Uint8Array {
  const array = arrays.get(name);
  if (!(array instanceof Uint8Array))
    throw new InternalError(`warninglist cache: ${name} is not a u8 column`);
  return array;
}

function u64(arrays: ReadonlyMap<string, CachedArray>, name: string): BigUint64Array {
  const array = arrays.get(name);
  if (!(array instanceof BigUint64Array))
    throw new InternalError(`warninglist cache: ${name} is not a u64 column`);
  return array;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

const IP_KINDS = ['special', 'infrastructure', 'cdn'] as const;
const V4_COLUMNS = ['first', 'last', 'points', 'netFirst', 'netLast', 'netMaxLast'] as const;
const V4_IDS = ['label', 'pointLabel', 'netLabel'] as const;
const MASK64 = (1n << 64n) - 1n;
const UNION_COLUMNS = ['starts', 'ends', 'bucket', 'state'] as const;

/** The cache file bytes of compiled address lists. */
export function encodeIpCache(fingerprintHex: string, lists: IpWarninglists): Buffer {
  const arrays = new Map<string, CachedArray>();
  const data: Record<string, { labels: readonly string[]; v6Labels: string[] }> = {};
  for (const kind of IP_KINDS) {
    const state = lists[kind].v4.state();
    for (const column of V4_COLUMNS) arrays.set(`${kind}.${column}`, state[column]);
    for (const column of V4_IDS) arrays.set(`${kind}.${column}`, narrow(state[column]));
    // IPv6 entries, already sorted (the index sorts stably, so re-sorting them is the identity).
    const v6 = lists[kind].v6.entries();
    const v6Labels: string[] = [];
    const ids = new Map<string, number>();
    const first = new BigUint64Array(v6.length * 2);
    const last = new BigUint64Array(v6.length * 2);
    const label = new Uint32Array(v6.length);
    v6.forEach((entry, i) => {
      first[2 * i] = entry.first >> 64n;
      first[2 * i + 1] = entry.first & MASK64;
      last[2 * i] = entry.last >> 64n;
      last[2 * i + 1] = entry.last & MASK64;
      let id = ids.get(entry.label);
      if (id === undefined) {
        id = v6Labels.push(entry.label) - 1;
        ids.set(entry.label, id);
      }
      label[i] = id;
    });
    arrays.set(`${kind}.v6.first`, first);
    arrays.set(`${kind}.v6.last`, last);
    arrays.set(`${kind}.v6.label`, narrow(label));
    data[kind] = { labels: state.labels, v6Labels };
  }
  const union = lists.union4.state();
  for (const column of UNION_COLUMNS) arrays.set(`union4.${column}`, union[column]);
  return encode(fingerprintHex, data, arrays);
}

/** Compiled address lists from a cache file's parts (throws on a malformed part). */
function ipListsOf(data: unknown, arrays: ReadonlyMap<string, CachedArray>): IpWarninglists {
  const dual = (kind: (typeof IP_KINDS)[number]): DualIndex => {
    const meta = (data as Record<string, { labels?: unknown; v6Labels?: unknown } | undefined>)[kind];
    if (meta === undefined || !isStringArray(meta.labels) || !isStringArray(meta.v6Labels)) {
      throw new InternalError(`warninglist cache: the ${kind} labels are missing`);
    }
    const state: IPv4IndexState = {
      compiled: true,
      labels: meta.labels,
      first: u32(arrays, `${kind}.first`),
      last: u32(arrays, `${kind}.last`),
      label: widen(arrays.get(`${kind}.label`)),
      points: u32(arrays, `${kind}.points`),
      pointLabel: widen(arrays.get(`${kind}.pointLabel`)),
      netFirst: u32(arrays, `${kind}.netFirst`),
      netLast: u32(arrays, `${kind}.netLast`),
      netMaxLast: u32(arrays, `${kind}.netMaxLast`),
      netLabel: widen(arrays.get(`${kind}.netLabel`)),
    };
    const first = u64(arrays, `${kind}.v6.first`);
    const last = u64(arrays, `${kind}.v6.last`);
    const label = widen(arrays.get(`${kind}.v6.label`));
    const labels = meta.v6Labels;
    const count = label.length;
    if (first.length !== 2 * count || last.length !== 2 * count || label.some((id) => id >= labels.length)) {
      throw new InternalError(`warninglist cache: the ${kind} IPv6 columns disagree`);
    }
    // The IPv6 index is built on first use: its bigints cost over a millisecond, and an IPv4-only
    // feed never asks (the guard's IPv4 path reads `v4` only).
    let v6: IPv6Index | undefined;
    const buildV6 = (): IPv6Index => {
      const items: LabelledInterval<bigint>[] = [];
      for (let i = 0; i < count; i++) {
        items.push({
          first: ((first[2 * i] ?? 0n) << 64n) | (first[2 * i + 1] ?? 0n),
          last: ((last[2 * i] ?? 0n) << 64n) | (last[2 * i + 1] ?? 0n),
          label: labels[label[i] ?? 0] ?? '',
        });
      }
      return new IPv6Index(items);
    };
    return {
      v4: new IPv4Index(state),
      get v6(): IPv6Index {
        return (v6 ??= buildV6());
      },
    };
  };
  const union4 = new IPv4Union({
    starts: u32(arrays, 'union4.starts'),
    ends: u32(arrays, 'union4.ends'),
    bucket: u32(arrays, 'union4.bucket'),
    state: u8(arrays, 'union4.state'),
  });
  return { special: dual('special'), infrastructure: dual('infrastructure'), cdn: dual('cdn'), union4 };
}

/** The address lists cached in `file` when its fingerprint is `fingerprintHex` and it is intact, else undefined. */
export function readIpCache(file: string, fingerprintHex: string): IpWarninglists | undefined {
  const parts = readCache(file, fingerprintHex);
  if (parts === undefined) return undefined;
  try {
    return ipListsOf(parts.data, parts.arrays);
  } catch {
    return undefined;
  }
}

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
  const parts = readCache(file, fingerprintHex);
  if (parts === undefined) return undefined;
  try {
    return nameListsOf(parts.data, parts.arrays);
  } catch {
    return undefined;
  }
}

/** True when two arrays (plain or typed) hold the same elements in the same order. */
function sameArray(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * True when two compiled address lists are the same: every interval and label in order, IPv4 and
 * IPv6, and the IPv4 search arrays (the build checks a cache this way before shipping it).
 */
export function sameIpLists(a: IpWarninglists, b: IpWarninglists): boolean {
  return (
    IP_KINDS.every((kind) => {
      const x = a[kind].v4.state();
      const y = b[kind].v4.state();
      const v4 =
        sameArray(x.labels, y.labels) &&
        [...V4_COLUMNS, ...V4_IDS].every((column) => sameArray(x[column], y[column]));
      const p = a[kind].v6.entries();
      const q = b[kind].v6.entries();
      const v6 =
        p.length === q.length &&
        p.every((e, i) => {
          const f = q[i];
          return f !== undefined && e.first === f.first && e.last === f.last && e.label === f.label;
        });
      return v4 && v6;
    }) && sameUnion(a.union4.state(), b.union4.state())
  );
}

function sameUnion(a: IPv4UnionState, b: IPv4UnionState): boolean {
  return UNION_COLUMNS.every((column) => sameArray(a[column], b[column]));
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
