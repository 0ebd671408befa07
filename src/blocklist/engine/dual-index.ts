/**
 * The IPv6 interval index (bigints: feeds carry few IPv6 values) and the dual index that pairs it with
 * the IPv4 one (ranges.ts) for a list of labelled networks: what the guard's address lists are.
 */
import { parseIpInterval, type IpInterval } from '../../indicators/ip.js';
import { parseCidr4Into } from './cidr.js';
import { IPv4Index, type IntervalQueries, type IPv4Columns, type LabelledInterval } from './ranges.js';

/** IPv6 intervals over bigints (feeds carry few IPv6 values; clarity over speed). */
export class IPv6Index implements IntervalQueries<bigint> {
  private readonly items: LabelledInterval<bigint>[];
  private readonly maxLast: bigint[] = [];

  /** Builds the index; the input array is not modified. */
  constructor(items: readonly LabelledInterval<bigint>[]) {
    this.items = [...items].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    let max = -1n;
    for (const item of this.items) {
      if (item.last > max) max = item.last;
      this.maxLast.push(max);
    }
  }

  get size(): number {
    return this.items.length;
  }

  entries(): readonly LabelledInterval<bigint>[] {
    return this.items;
  }

  overlaps(lo: bigint, hi: bigint): boolean {
    return this.find(lo, hi) !== null;
  }

  find(lo: bigint, hi: bigint): string | null {
    for (let j = this.lastStartAtOrBelow(hi); j >= 0 && (this.maxLast[j] ?? -1n) >= lo; j--) {
      const item = this.items[j];
      if (item !== undefined && item.last >= lo) return item.label;
    }
    return null;
  }

  findContaining(lo: bigint, hi: bigint): string | null {
    for (let j = this.lastStartAtOrBelow(lo); j >= 0 && (this.maxLast[j] ?? -1n) >= hi; j--) {
      const item = this.items[j];
      if (item !== undefined && item.last >= hi) return item.label;
    }
    return null;
  }

  overlapping(lo: bigint, hi: bigint, limit: number): LabelledInterval<bigint>[] {
    const out: LabelledInterval<bigint>[] = [];
    for (let j = this.lastStartAtOrBelow(hi); j >= 0 && (this.maxLast[j] ?? -1n) >= lo; j--) {
      const item = this.items[j];
      if (item === undefined || item.last < lo) continue;
      out.push(item);
      if (out.length > limit) break;
    }
    return out;
  }

  private lastStartAtOrBelow(v: bigint): number {
    let lo = 0;
    let hi = this.items.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const item = this.items[mid];
      if (item !== undefined && item.first <= v) {
        ans = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return ans;
  }
}

/** IPv4 and IPv6 indexes built from the same list of labelled networks. */
export interface DualIndex {
  v4: IPv4Index;
  v6: IPv6Index;
}

/** Builds a v4 + v6 index from `[network, label]` pairs; a malformed network is returned in `bad`. */
export function buildDualIndex(entries: Iterable<readonly [string, string]>): DualIndex & { bad: string[] } {
  const v4: IPv4Columns = { first: [], last: [], label: [], labels: [] };
  const labelIds = new Map<string, number>();
  const v6: LabelledInterval<bigint>[] = [];
  const bad: string[] = [];
  const scratch = [0, 0];
  const push4 = (first: number, last: number, label: string): void => {
    let id = labelIds.get(label);
    if (id === undefined) {
      id = v4.labels.length;
      labelIds.set(label, id);
      v4.labels.push(label);
    }
    v4.first.push(first);
    v4.last.push(last);
    v4.label.push(id);
  };
  for (const [network, label] of entries) {
    // Most entries (62k public resolvers) are plain IPv4: the allocation-free parser first.
    if (parseCidr4Into(network, scratch)) {
      push4(scratch[0] ?? 0, scratch[1] ?? 0, label);
      continue;
    }
    const iv = parseIpInterval(network.toLowerCase());
    if (iv === null) bad.push(network);
    else if (iv.family === 4) push4(iv.first, iv.last, label);
    else v6.push({ first: iv.first, last: iv.last, label });
  }
  return { v4: new IPv4Index(v4), v6: new IPv6Index(v6), bad };
}

/** Finds an overlapping label in a dual index for a parsed interval. */
export function findOverlap(index: DualIndex, iv: IpInterval): string | null {
  return iv.family === 4 ? index.v4.find(iv.first, iv.last) : index.v6.find(iv.first, iv.last);
}

/** Finds the label of a network that contains the whole parsed interval. */
export function findContaining(index: DualIndex, iv: IpInterval): string | null {
  return iv.family === 4
    ? index.v4.findContaining(iv.first, iv.last)
    : index.v6.findContaining(iv.first, iv.last);
}
