/**
 * The IPv6 counterpart of `cidr.ts` on bigint. IPv6 feeds are small next to IPv4 ones (Spamhaus
 * DROPv6 has a few hundred networks), so plain arrays and a comparator sort are fast enough; the
 * algorithm (merge overlapping and adjacent, subtract holes, minimal CIDR cover) is the same.
 */
import { formatIPv6, parseIPv6 } from '../../indicators/ip.js';

/** The last IPv6 address. */
const MAX6 = (1n << 128n) - 1n;

/** Inclusive IPv6 intervals. */
export interface Intervals6 {
  start: bigint[];
  end: bigint[];
}

/** Merged intervals plus the input positions each one absorbed (see `MergedIntervals4`). */
export interface MergedIntervals6 extends Intervals6 {
  order: Uint32Array;
  groupFirst: Uint32Array;
}

/** Sorts and merges overlapping and adjacent intervals, remembering each merged interval's inputs. */
export function mergeIntervals6(input: Intervals6): MergedIntervals6 {
  const n = input.start.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const x = input.start[a] ?? 0n;
    const y = input.start[b] ?? 0n;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  const start: bigint[] = [];
  const end: bigint[] = [];
  const groupFirst: number[] = [];
  let curStart = 0n;
  let curEnd = -2n;
  for (let k = 0; k < n; k++) {
    const i = order[k] ?? 0;
    const s = input.start[i] ?? 0n;
    const e = input.end[i] ?? 0n;
    if (s <= curEnd + 1n) {
      if (e > curEnd) curEnd = e;
      continue;
    }
    if (curEnd >= 0n) {
      start.push(curStart);
      end.push(curEnd);
    }
    groupFirst.push(k);
    curStart = s;
    curEnd = e;
  }
  if (curEnd >= 0n) {
    start.push(curStart);
    end.push(curEnd);
  }
  groupFirst.push(n);
  return { start, end, order, groupFirst: Uint32Array.from(groupFirst) };
}

/** Subtracts sorted disjoint `holes` from sorted disjoint `base`; `parent[i]` names piece i's base interval. */
export function subtractIntervals6(base: Intervals6, holes: Intervals6): Intervals6 & { parent: number[] } {
  const start: bigint[] = [];
  const end: bigint[] = [];
  const parent: number[] = [];
  let h = 0;
  for (let i = 0; i < base.start.length; i++) {
    let s = base.start[i] ?? 0n;
    const e = base.end[i] ?? 0n;
    while (h < holes.start.length && (holes.end[h] ?? 0n) < s) h++;
    for (let j = h; j < holes.start.length && (holes.start[j] ?? 0n) <= e && s <= e; j++) {
      const hs = holes.start[j] ?? 0n;
      const he = holes.end[j] ?? 0n;
      if (hs > s) {
        start.push(s);
        end.push(hs - 1n);
        parent.push(i);
      }
      s = he + 1n;
      if (he > e) break;
    }
    if (s <= e) {
      start.push(s);
      end.push(e);
      parent.push(i);
    }
  }
  return { start, end, parent };
}

/** Number of trailing zero bits of `v` (128 for 0). */
function trailingZeros(v: bigint): number {
  if (v === 0n) return 128;
  let n = 0;
  while ((v & 0xffffffffn) === 0n) {
    v >>= 32n;
    n += 32;
  }
  while ((v & 1n) === 0n) {
    v >>= 1n;
    n++;
  }
  return n;
}

/** Calls `emit(start, prefix)` for each block of the minimal CIDR cover of `[first, last]`, ascending. */
export function rangeToCidrs6(
  first: bigint,
  last: bigint,
  emit: (start: bigint, prefix: number) => void,
): number {
  let s = first;
  let count = 0;
  while (s <= last) {
    let bits = trailingZeros(s);
    const remaining = last - s + 1n;
    while (bits > 0 && 1n << BigInt(bits) > remaining) bits--;
    emit(s, 128 - bits);
    s += 1n << BigInt(bits);
    count++;
  }
  return count;
}

/** Canonical text of one IPv6 block: RFC 5952 address, `/len` unless it is a /128. */
export function formatCidr6(start: bigint, prefix: number): string {
  return prefix === 128 ? formatIPv6(start) : `${formatIPv6(start)}/${prefix}`;
}

/** Parses an IPv6 address or CIDR (strict; host bits ignored) into its inclusive interval, or null. */
export function parseCidr6(text: string): { start: bigint; end: bigint } | null {
  const slash = text.indexOf('/');
  const v = parseIPv6(slash < 0 ? text : text.slice(0, slash));
  if (v === null) return null;
  let prefix = 128;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^(?:[0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$/.test(p)) return null;
    prefix = Number(p);
  }
  const size = 1n << BigInt(128 - prefix);
  const start = v & ~(size - 1n) & MAX6;
  return { start, end: start + size - 1n };
}

function toIntervals(cidrs: readonly string[]): Intervals6 {
  const out: Intervals6 = { start: [], end: [] };
  for (const c of cidrs) {
    const iv = parseCidr6(c);
    if (!iv) throw new RangeError(`not an IPv6 address or CIDR: ${c}`);
    out.start.push(iv.start);
    out.end.push(iv.end);
  }
  return out;
}

/** The minimal IPv6 CIDR list (canonical text) covering the union of `cidrs`. */
export function mergeCidrs6(cidrs: readonly string[]): string[] {
  const m = mergeIntervals6(toIntervals(cidrs));
  const out: string[] = [];
  for (let g = 0; g < m.start.length; g++)
    rangeToCidrs6(m.start[g] ?? 0n, m.end[g] ?? 0n, (s, p) => out.push(formatCidr6(s, p)));
  return out;
}

/** The minimal IPv6 CIDR list covering `cidrs` minus `holes` (a /64 minus a /128 is 64 blocks). */
export function excludeCidrs6(cidrs: readonly string[], holes: readonly string[]): string[] {
  const rest = subtractIntervals6(mergeIntervals6(toIntervals(cidrs)), mergeIntervals6(toIntervals(holes)));
  const out: string[] = [];
  for (let i = 0; i < rest.start.length; i++) {
    rangeToCidrs6(rest.start[i] ?? 0n, rest.end[i] ?? 0n, (s, p) => out.push(formatCidr6(s, p)));
  }
  return out;
}
