/**
 * What the build-time cache of the address lists holds (the file format: warninglist-cache.ts): per
 * list kind, its IPv4 index's search arrays and its IPv6 intervals, and the union of every kind's
 * IPv4 intervals that the guard tests first.
 */
import { InternalError } from '../../errors.js';
import { IPv4Union, type IPv4UnionState } from '../engine/ipv4-union.js';
import { IPv6Index, type DualIndex } from '../engine/dual-index.js';
import { IPv4Index, type IPv4IndexState, type LabelledInterval } from '../engine/ranges.js';
import type { IpWarninglists } from './lists.js';
import {
  encode,
  isStringArray,
  narrow,
  readCache,
  sameArray,
  u32,
  u64,
  u8,
  widen,
  type CachedArray,
} from './warninglist-cache.js';

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
  return readCache(file, fingerprintHex, ipListsOf);
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
