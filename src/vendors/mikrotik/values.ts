/**
 * Value forms shared by the MikroTik adapter and simulator: addresses as RouterOS stores them vs the
 * canonical forms of the blocklist, durations, versions, and the RouterOS 6 regexp form of a DNS block.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Parses `a.b.c.d[/n]` or an IPv6 `addr[/n]` with network bits zeroed; undefined when not an IP. */
export function parsePrefix(value: string): { family: 4 | 6; address: string; bits: number } | undefined {
  const slash = value.indexOf('/');
  const addr = slash < 0 ? value : value.slice(0, slash);
  const fam = isIP(addr);
  if (fam === 0) return undefined;
  const max = fam === 4 ? 32 : 128;
  const bitsText = slash < 0 ? String(max) : value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > max) return undefined;
  const bits = Number(bitsText);
  const address =
    fam === 4
      ? ipaddr.IPv4.networkAddressFromCIDR(`${addr}/${bits}`).toString()
      : ipaddr.IPv6.networkAddressFromCIDR(`${addr}/${bits}`).toRFC5952String();
  return { family: fam === 4 ? 4 : 6, address, bits };
}

/**
 * The blocklist's canonical form of an address-list value: a plain address for one host, CIDR for a
 * network, IPv6 in RFC 5952 form. RouterOS shows IPv6 hosts as `/128`; that suffix is dropped here.
 * Non-IP values (DNS names) are returned lowercased.
 */
export function canonicalAddress(value: string): string {
  const p = parsePrefix(value);
  if (p === undefined) return value.toLowerCase();
  return p.bits === (p.family === 4 ? 32 : 128) ? p.address : `${p.address}/${p.bits}`;
}

/** Converts an IPv4 range `a-b` to its CIDR when the range is exactly one block; undefined otherwise. */
export function rangeToCidr(range: string): string | undefined {
  const [a, b, extra] = range.split('-');
  if (a === undefined || b === undefined || extra !== undefined) return undefined;
  if (isIP(a) !== 4 || isIP(b) !== 4) return undefined;
  const n = (s: string): number => s.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const lo = n(a);
  const size = n(b) - lo + 1;
  if (size <= 0 || (size & (size - 1)) !== 0 || lo % size !== 0) return undefined;
  const bits = 32 - Math.log2(size);
  return bits === 32 ? a : `${a}/${bits}`;
}

const UNITS: readonly [string, number][] = [
  ['w', 604800],
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/** Seconds of a RouterOS duration (`1d2h`, `24h`, `00:05:00`, `300`); undefined when unparseable. */
export function durationSeconds(text: string): number | undefined {
  const hms = /^(\d+):(\d\d):(\d\d)$/.exec(text);
  if (hms !== null) return Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3]);
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^(\d+[wdhms])+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+)([wdhms])/g)) {
    total += Number(m[1]) * (UNITS.find(([u]) => u === m[2])?.[1] ?? 0);
  }
  return total;
}

/** RouterOS's normalised display of a duration (`24h` → `1d`, `90m` → `1h30m`). */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let out = '';
  for (const [u, s] of UNITS) {
    const q = Math.floor(rest / s);
    if (q > 0) out += `${q}${u}`;
    rest -= q * s;
  }
  return out;
}

/** Major/minor of a RouterOS version string such as `7.19.4 (stable)` or `6.49.15 (long-term)`. */
export function parseVersion(text: string): { number: string; major: number; minor: number } {
  const m = /^(\d+)\.(\d+)(?:\.\d+)?(?:\w*)?/.exec(text.trim());
  if (m === null) return { number: text.trim(), major: 0, minor: 0 };
  return { number: m[0], major: Number(m[1]), minor: Number(m[2]) };
}

const DOMAIN_RE = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;

/**
 * The regexp that blocks a domain and all its subdomains on releases without `match-subdomain`
 * (RouterOS 6.47–7.4): `^(.*\.)?[eE][vV][iI][lL]\.[eE][xX][aA][mM][pP][lL][eE]\.?$`. RouterOS matches
 * regexp entries case-sensitively (wiki Manual:IP/DNS: "regexp entries are case sensitive"), so each
 * letter is a two-case bracket expression (POSIX ERE, no `(?i)` flag) and `EVIL.example` or a
 * 0x20-randomised query is blocked too. The optional trailing dot matches the FQDN form. Only `.` needs
 * escaping: canonical domains hold `[a-z0-9-.]` only, anything else is refused.
 */
export function domainToRegexp(domain: string): string {
  if (!DOMAIN_RE.test(domain)) throw new RangeError(`not a canonical domain: ${domain}`);
  // DOMAIN_RE admits ASCII only, so a per-character replace is safe.
  const body = domain.replace(/[a-z.]/g, (c) => (c === '.' ? '\\.' : `[${c}${c.toUpperCase()}]`));
  return `^(.*\\.)?${body}\\.?$`;
}

/** Inverse of `domainToRegexp`; undefined for any regexp that is not exactly of that form. */
export function regexpToDomain(regexp: string): string | undefined {
  const m = /^\^\(\.\*\\\.\)\?((?:\[[a-z][A-Z]\]|[0-9-]|\\\.)+)\\\.\?\$$/.exec(regexp);
  if (m?.[1] === undefined) return undefined;
  const domain = m[1].replace(/\[([a-z])[A-Z]\]/g, '$1').replace(/\\\./g, '.');
  if (!DOMAIN_RE.test(domain)) return undefined;
  return domainToRegexp(domain) === regexp ? domain : undefined;
}
