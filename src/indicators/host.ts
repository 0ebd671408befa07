/**
 * Classification of what remains once a value has been reduced to a host: an IPv4/IPv6 address or
 * network, `host:port`, `[v6]:port`, a `*.` wildcard, a domain, or a file name.
 */
import type { ValueHint } from '../feeds/types.js';
import { FILE_EXTENSIONS, isKnownTld, normaliseDomain } from './domain.js';
import {
  formatIPv4,
  formatIPv6,
  ipv4BlockSize,
  ipv6NetworkStart,
  isIPv4Mapped,
  parseIPv4,
  parseIPv6,
  parsePrefix,
} from './ip.js';
import type { Classification } from './types.js';

/** A rejection of the given reason. */
export function reject(reason: 'invalid' | 'not-network', detail: string): Classification {
  return { ok: false, reason, detail };
}

/** Why a digits-and-dots string is not a strict dotted quad (for the reject detail). */
export function describeBadIPv4(s: string): string {
  const parts = s.split('.');
  if (parts.length !== 4) return `not a dotted-quad IPv4 address (${parts.length} parts)`;
  if (parts.some((p) => p.length > 1 && p.startsWith('0'))) {
    return 'IPv4 octet with a leading zero (octal ambiguity)';
  }
  if (parts.some((p) => p === '')) return 'empty IPv4 octet';
  return 'IPv4 octet out of range';
}

/**
 * The result for IPv4 address `n` with `prefix`: host bits cleared (noted), `/32` written as a plain
 * address. `canonical` is the input text when it is already canonical (saves a format).
 */
export function ipv4Result(n: number, prefix: number, notes: string[], canonical?: string): Classification {
  if (prefix === 32) {
    if (canonical?.includes('/') === true) notes.push('/32 written as a plain address');
    return { ok: true, indicators: [{ type: 'ip', family: 4, value: formatIPv4(n) }], notes };
  }
  const start = n - (n % ipv4BlockSize(prefix));
  if (start !== n)
    notes.push(`host bits cleared (${formatIPv4(n)}/${prefix} → ${formatIPv4(start)}/${prefix})`);
  const value = start === n && canonical !== undefined ? canonical : `${formatIPv4(start)}/${prefix}`;
  return { ok: true, indicators: [{ type: 'ip', family: 4, value }], notes };
}

/** Classifies a (possibly mapped) IPv6 value with an optional prefix. */
function ipv6Result(v: bigint, prefix: number, notes: string[]): Classification {
  if (isIPv4Mapped(v) && prefix >= 96) {
    notes.push('IPv4-mapped IPv6 unwrapped to IPv4');
    return ipv4Result(Number(v & 0xffffffffn), prefix - 96, notes);
  }
  if (prefix === 128) {
    return { ok: true, indicators: [{ type: 'ip', family: 6, value: formatIPv6(v) }], notes };
  }
  const start = ipv6NetworkStart(v, prefix);
  if (start !== v) notes.push(`host bits cleared (→ ${formatIPv6(start)}/${prefix})`);
  return {
    ok: true,
    indicators: [{ type: 'ip', family: 6, value: `${formatIPv6(start)}/${prefix}` }],
    notes,
  };
}

/** Classifies an IPv6 address text (no brackets, no prefix). */
export function classifyIPv6(s: string, notes: string[]): Classification {
  if (s.includes('%')) return reject('invalid', 'IPv6 zone id not allowed');
  const v = parseIPv6(s);
  if (v === null) return reject('invalid', 'not a valid IPv6 address');
  return ipv6Result(v, 128, notes);
}

const IPV4_LIKE = /^[0-9.]+$/;

/** inet_aton-style numbers (`0x1.0.0.1`, `0x7f000001`): never read as addresses, never as names. */
const NUMERIC_NOTATION = /^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+))*$/i;

/**
 * Classifies `address/prefix`. Returns undefined when the part before the slash is not IP-like
 * (then the slash starts a URL path).
 */
export function classifyCidr(s: string, slash: number, notes: string[]): Classification | undefined {
  const addr = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  if (addr.includes(':')) {
    if (addr.includes('%')) return reject('invalid', 'IPv6 zone id not allowed');
    const v = parseIPv6(addr);
    if (v === null) return reject('invalid', 'not a valid IPv6 network address');
    const prefix = parsePrefix(prefixText, 128);
    if (prefix < 0) return reject('invalid', `invalid IPv6 prefix length "/${prefixText}"`);
    if (prefix === 128) notes.push('/128 written as a plain address');
    return ipv6Result(v, prefix, notes);
  }
  if (!IPV4_LIKE.test(addr)) return undefined;
  const n = parseIPv4(addr);
  if (n < 0) return reject('invalid', describeBadIPv4(addr));
  const prefix = parsePrefix(prefixText, 32);
  if (prefix < 0) return reject('invalid', `invalid IPv4 prefix length "/${prefixText}"`);
  return ipv4Result(n, prefix, notes, s);
}

/** Classifies `host`, `host:port`, `[v6]` or `[v6]:port`. */
export function classifyHostPort(hp: string, notes: string[], hint?: ValueHint): Classification {
  let host = hp;
  let port: string | undefined;
  if (hp.startsWith('[')) {
    const close = hp.indexOf(']');
    if (close < 0) return reject('invalid', 'unbalanced "[" in host');
    const rest = hp.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return reject('invalid', 'text after "]" in host');
    if (rest !== '') port = rest.slice(1);
    host = hp.slice(1, close);
    if (port !== undefined && !notePort(port, notes)) return reject('invalid', `invalid port "${port}"`);
    return classifyIPv6(host, notes);
  }
  const firstColon = hp.indexOf(':');
  if (firstColon >= 0 && hp.indexOf(':', firstColon + 1) >= 0) return classifyIPv6(hp, notes);
  if (firstColon >= 0) {
    port = hp.slice(firstColon + 1);
    host = hp.slice(0, firstColon);
    if (!notePort(port, notes)) return reject('invalid', `invalid port "${port}"`);
  }
  return classifyHost(host, notes, hint);
}

/** Validates a port (1–65535, decimal) and notes that it was dropped. */
function notePort(port: string, notes: string[]): boolean {
  if (!/^[0-9]{1,5}$/.test(port)) return false;
  const n = Number(port);
  if (n < 1 || n > 65535) return false;
  notes.push(`port ${n} dropped`);
  return true;
}

/** Classifies a bare host: IPv4, wildcard, domain or file name. */
export function classifyHost(input: string, notes: string[], hint?: ValueHint): Classification {
  let host = input;
  if (host === '') return reject('invalid', 'empty host');
  if (IPV4_LIKE.test(host)) {
    const n = parseIPv4(host);
    return n < 0 ? reject('invalid', describeBadIPv4(host)) : ipv4Result(n, 32, notes);
  }
  if (NUMERIC_NOTATION.test(host)) return reject('invalid', 'IPv4 in hex, octal or short notation');
  const ext = host.slice(host.lastIndexOf('.') + 1).toLowerCase();
  if (FILE_EXTENSIONS.has(ext) && (hint === 'other' || !isKnownTld(ext))) {
    return reject('not-network', `file name (.${ext})`);
  }
  let wildcard = false;
  if (host.startsWith('*.')) {
    host = host.slice(2);
    wildcard = true;
    notes.push('wildcard "*." → name and subdomains');
  } else if (host.startsWith('.') && host.length > 1) {
    host = host.slice(1);
    wildcard = true;
    notes.push('leading dot → name and subdomains');
  }
  if (host.includes('*')) return reject('invalid', 'wildcard "*" only allowed as a leading "*."');
  const d = normaliseDomain(host, notes);
  if (!d.ok) return reject('invalid', d.detail);
  return { ok: true, indicators: [{ type: 'domain', value: d.value, wildcard }], notes };
}
