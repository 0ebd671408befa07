/**
 * Strict numeric IP helpers shared by the normaliser, the guard and the aggregator.
 *
 * Every parser here is strict on purpose (dependencies.md §5): IOC feeds must never be read with
 * inet_aton semantics, so `010.0.0.1`, `1.2.3`, `0x1.0.0.1` and `1.2.3.4.5` are rejected rather
 * than silently becoming 8.0.0.1 or 1.2.0.3. No IP library sees a value before these functions
 * have accepted it.
 */

/** 2^32, the size of the IPv4 space (numbers, not int32: addresses ≥ 128.0.0.0 stay positive). */
export const IPV4_SPACE = 4294967296;

/** The all-ones 128-bit value. */
export const IPV6_MAX = (1n << 128n) - 1n;

/**
 * Parses the dotted quad in `s[start, end)`: exactly four decimal octets 0–255, no leading zeros
 * (except a lone `0`), no signs, no whitespace. Returns the address as an unsigned number or -1.
 */
export function parseIPv4At(s: string, start: number, end: number): number {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 0) leadingZero = c === 48;
      else if (leadingZero) return -1;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return n * 256 + octet;
}

/** Strictly parses a dotted-quad IPv4 address; returns the unsigned 32-bit value or -1. */
export function parseIPv4(s: string): number {
  return parseIPv4At(s, 0, s.length);
}

/** Formats an unsigned 32-bit value as a dotted quad. */
export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * `IPV4_BLOCK_SIZE[p]`: the number of addresses in an IPv4 network of prefix length `p` (0–32). A
 * table, because `2 ** (32 - p)` with a variable exponent is a call to `pow`: about 50 ns, once per
 * line of a million-line feed.
 */
export const IPV4_BLOCK_SIZE: Readonly<Float64Array> = Float64Array.from(
  { length: 33 },
  (_, p) => 2 ** (32 - p),
);

/** The number of addresses in an IPv4 network of the given prefix length (0–32). */
export function ipv4BlockSize(prefix: number): number {
  return IPV4_BLOCK_SIZE[prefix] ?? 2 ** (32 - prefix);
}

/** The first address of the IPv4 network of `prefix` bits containing `n`. */
export function ipv4NetworkStart(n: number, prefix: number): number {
  const size = ipv4BlockSize(prefix);
  return n - (n % size);
}

function parseHexGroup(g: string): number {
  if (g.length < 1 || g.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Parses `:`-separated groups; the last may be a dotted quad when `allowV4` (counts as two groups). */
function parseGroups(part: string, allowV4: boolean): number[] | null {
  if (part === '') return [];
  const raw = part.split(':');
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const g = raw[i] ?? '';
    if (allowV4 && i === raw.length - 1 && g.includes('.')) {
      const v4 = parseIPv4(g);
      if (v4 < 0) return null;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
    } else {
      const v = parseHexGroup(g);
      if (v < 0) return null;
      out.push(v);
    }
  }
  return out;
}

/**
 * Strictly parses an IPv6 address (RFC 4291 text forms: hex groups of 1–4 digits, at most one `::`,
 * an optional dotted-quad tail). Zone ids (`%eth0`), brackets and prefixes are rejected.
 * Returns the 128-bit value or null.
 */
export function parseIPv6(s: string): bigint | null {
  if (s.length < 2 || s.length > 45) return null;
  const dbl = s.indexOf('::');
  let groups: number[];
  if (dbl < 0) {
    const all = parseGroups(s, true);
    if (all?.length !== 8) return null;
    groups = all;
  } else {
    if (s.indexOf('::', dbl + 1) >= 0) return null;
    const head = parseGroups(s.slice(0, dbl), false);
    const tail = parseGroups(s.slice(dbl + 2), true);
    if (head === null || tail === null || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** True when the value is an IPv4-mapped IPv6 address (`::ffff:0:0/96`). */
export function isIPv4Mapped(v: bigint): boolean {
  return v >> 32n === 0xffffn;
}

/**
 * Formats a 128-bit value in RFC 5952 form: lowercase hex, no leading zeros, the longest run of two
 * or more zero groups (the first on a tie) compressed to `::`. IPv4-mapped addresses use the
 * mixed notation `::ffff:a.b.c.d` that RFC 5952 §5 recommends.
 */
export function formatIPv6(v: bigint): string {
  if (isIPv4Mapped(v)) return `::ffff:${formatIPv4(Number(v & 0xffffffffn))}`;
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** The number of addresses in an IPv6 network of the given prefix length. */
export function ipv6BlockSize(prefix: number): bigint {
  return 1n << BigInt(128 - prefix);
}

/** The first address of the IPv6 network of `prefix` bits containing `v`. */
export function ipv6NetworkStart(v: bigint, prefix: number): bigint {
  return v & ~(ipv6BlockSize(prefix) - 1n) & IPV6_MAX;
}

/** One CIDR block as a start address and a prefix length. */
export interface Block<T extends number | bigint> {
  start: T;
  prefix: number;
}

/** The minimal list of CIDR blocks covering the IPv4 range `[first, last]` (inclusive). */
export function rangeToCidrs4(first: number, last: number): Block<number>[] {
  const out: Block<number>[] = [];
  let start = first;
  while (start <= last) {
    let prefix = 32;
    while (prefix > 0) {
      const size = 2 ** (33 - prefix);
      if (start % size !== 0 || start + size - 1 > last) break;
      prefix--;
    }
    out.push({ start, prefix });
    start += 2 ** (32 - prefix);
  }
  return out;
}

/** The minimal list of CIDR blocks covering the IPv6 range `[first, last]` (inclusive). */
export function rangeToCidrs6(first: bigint, last: bigint): Block<bigint>[] {
  const out: Block<bigint>[] = [];
  let start = first;
  while (start <= last) {
    let prefix = 128;
    while (prefix > 0) {
      const size = 1n << BigInt(129 - prefix);
      if (start % size !== 0n || start + size - 1n > last) break;
      prefix--;
    }
    out.push({ start, prefix });
    start += 1n << BigInt(128 - prefix);
  }
  return out;
}

/** A parsed IP address or network as an inclusive numeric interval. */
export type IpInterval =
  | { family: 4; first: number; last: number; prefix: number }
  | { family: 6; first: bigint; last: bigint; prefix: number };

/** Parses a prefix length written in decimal without leading zeros; -1 when malformed or > max. */
export function parsePrefix(s: string, max: number): number {
  if (s.length < 1 || s.length > 3 || (s.length > 1 && s.charCodeAt(0) === 48)) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n > max ? -1 : n;
}

/**
 * Parses an address or `address/prefix` (strict syntax, host bits ignored) into its interval.
 * Meant for canonical indicator values and configuration entries; returns null when malformed.
 */
export function parseIpInterval(value: string): IpInterval | null {
  const slash = value.indexOf('/');
  const addr = slash < 0 ? value : value.slice(0, slash);
  if (addr.includes(':')) {
    const v = parseIPv6(addr);
    const prefix = slash < 0 ? 128 : parsePrefix(value.slice(slash + 1), 128);
    if (v === null || prefix < 0) return null;
    const first = ipv6NetworkStart(v, prefix);
    return { family: 6, first, last: first + ipv6BlockSize(prefix) - 1n, prefix };
  }
  const v = parseIPv4(addr);
  const prefix = slash < 0 ? 32 : parsePrefix(value.slice(slash + 1), 32);
  if (v < 0 || prefix < 0) return null;
  const first = ipv4NetworkStart(v, prefix);
  return { family: 4, first, last: first + ipv4BlockSize(prefix) - 1, prefix };
}
