/**
 * `classify`: one raw feed value → canonical network indicators, or the reason it is not one.
 *
 * Order of the rules (each documented where it lives):
 * 1. fast path for plain IPv4 and IPv4 CIDR (charCode scan, no regex, no library);
 * 2. strip BOM/zero-width/bidi characters, trim, refang (refang.ts);
 * 3. feed hints `hash`/`email` → not-network (values derived from e-mail WHOIS are never blocked);
 * 4. hashes, packed hashes, AS numbers → not-network (text.ts);
 * 5. IP ranges `a-b` → minimal CIDR list;
 * 6. whitespace → free text (not-network), or invalid when it carries shell/markup characters;
 * 7. URLs (`scheme://`) → their host, port/path/userinfo dropped and noted;
 * 8. e-mail addresses → not-network; `address/prefix` → network; `host/path` → host;
 * 9. `host:port`, `[v6]:port`, IPv6, IPv4, `*.` wildcards, file names, domains (host.ts, domain.ts).
 * Nothing here throws: every input ends as `ok` or as `invalid` / `not-network` with a detail.
 */
import type { ValueHint } from '../feeds/types.js';
import { classifyCidr, classifyHostPort, describeBadIPv4, ipv4Result, reject } from './host.js';
import {
  formatIPv4,
  formatIPv6,
  isIPv4Mapped,
  parseIPv4,
  parseIPv4At,
  parseIPv6,
  rangeToCidrs4,
  rangeToCidrs6,
} from './ip.js';
import { isCanonicalDomainFast } from './fast-path.js';
import { refang, stripInvisible } from './refang.js';
import {
  forbiddenCharacter,
  hashKind,
  hasWhitespace,
  hostileCharacter,
  isAsNumber,
  isEmailAddress,
  isPackedHashes,
} from './text.js';
import type { Classification, NetworkIndicator } from './types.js';

/**
 * Classifies one raw value (see the module comment for the rules). `hint` is the feed's own label;
 * labels lie (Sophos tags domains as URL), so it only decides ties: `hash`/`email` make the value
 * not-network, `other` makes a TLD-looking file name (`invoice.zip`) a file name.
 */
export function classify(raw: string, hint?: ValueHint): Classification {
  if (hint !== 'hash' && hint !== 'email') {
    const fast = classifyIPv4Fast(raw);
    if (fast !== undefined) return fast;
    // An already-canonical host name: the general path would return it unchanged (fast-path.ts).
    if (isCanonicalDomainFast(raw)) {
      return { ok: true, indicators: [{ type: 'domain', value: raw, wildcard: false }], notes: [] };
    }
  }
  return classifyWithoutFastPaths(raw, hint);
}

/**
 * {@link classify} without its fast paths: every rule of the module comment, in order. Exported so the
 * fast paths can be tested against it; callers want `classify`.
 */
export function classifyWithoutFastPaths(raw: string, hint?: ValueHint): Classification {
  try {
    return classifyGeneral(raw, hint);
  } catch (err) {
    // Defensive: a bug in a rule must cost one value, never the whole compile.
    return reject('invalid', `unclassifiable (${err instanceof Error ? err.message : 'error'})`);
  }
}

/**
 * The hot path: a value made only of digits, dots and at most one slash, 7–18 characters long.
 * Returns undefined for anything else so the general path decides.
 */
function classifyIPv4Fast(s: string): Classification | undefined {
  const len = s.length;
  if (len < 7 || len > 18) return undefined;
  // The common case first: a canonical dotted quad, parsed in one pass.
  const whole = parseIPv4At(s, 0, len);
  if (whole >= 0) return { ok: true, indicators: [{ type: 'ip', family: 4, value: s }], notes: [] };
  let slash = -1;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 47) {
      if (slash >= 0) return undefined;
      slash = i;
    } else if (c !== 46 && (c < 48 || c > 57)) {
      return undefined;
    }
  }
  const addr = slash < 0 ? s : s.slice(0, slash);
  const n = slash < 0 ? -1 : parseIPv4At(s, 0, slash);
  if (n < 0) return reject('invalid', describeBadIPv4(addr));
  // Prefix: 1–2 digits, no leading zero, ≤ 32.
  const plen = len - slash - 1;
  const d0 = s.charCodeAt(slash + 1) - 48;
  const d1 = plen === 2 ? s.charCodeAt(slash + 2) - 48 : 0;
  const prefix = plen === 2 ? d0 * 10 + d1 : d0;
  if (
    plen < 1 ||
    plen > 2 ||
    d0 < 0 ||
    d0 > 9 ||
    d1 < 0 ||
    d1 > 9 ||
    (plen === 2 && d0 === 0) ||
    prefix > 32
  ) {
    return reject('invalid', `invalid IPv4 prefix length "${s.slice(slash)}"`);
  }
  return ipv4Result(n, prefix, [], s);
}

function classifyGeneral(raw: string, hint: ValueHint | undefined): Classification {
  const notes: string[] = [];
  let s = stripInvisible(raw);
  if (s !== raw) notes.push('removed invisible characters (BOM, zero-width, bidi)');
  s = s.trim();
  if (s === '') return reject('invalid', 'empty value');
  const refanged = refang(s);
  if (refanged !== s) {
    notes.push('refanged');
    s = refanged;
  }
  if (hint === 'hash' || hint === 'email') return reject('not-network', `labelled "${hint}" by the feed`);
  const hash = hashKind(s);
  if (hash !== null) return reject('not-network', `${hash} hash`);
  if (isPackedHashes(s)) return reject('not-network', 'packed hashes');
  if (isAsNumber(s)) return reject('not-network', 'AS number');
  const range = classifyRange(s, notes);
  if (range !== undefined) return range;
  if (hasWhitespace(s)) {
    const bad = forbiddenCharacter(s);
    return bad === null ? reject('not-network', 'free text') : reject('invalid', `contains ${bad}`);
  }
  const hostile = hostileCharacter(s);
  if (hostile !== null) return reject('invalid', `contains ${hostile}`);
  const scheme = /^[a-z][a-z0-9+.-]{0,15}:\/\//i.exec(s);
  if (scheme !== null) return classifyUrl(s, scheme[0].length, notes, hint);
  const forbidden = forbiddenCharacter(s);
  if (forbidden !== null) return reject('invalid', `contains ${forbidden}`);
  if (s.includes('@')) {
    return isEmailAddress(s) ? reject('not-network', 'e-mail address') : reject('invalid', 'contains "@"');
  }
  const slash = s.indexOf('/');
  if (slash >= 0) {
    const net = classifyCidr(s, slash, notes);
    if (net !== undefined) return net;
    if (slash === 0) return reject('invalid', 'starts with "/"');
    notes.push('path dropped');
    return classifyHostPort(s.slice(0, slash), notes, hint);
  }
  return classifyHostPort(s, notes, hint);
}

/** `scheme://[userinfo@]host[:port][/path][?query][#fragment]` → the host. */
function classifyUrl(s: string, authorityStart: number, notes: string[], hint?: ValueHint): Classification {
  let end = s.length;
  for (let i = authorityStart; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  let authority = s.slice(authorityStart, end);
  const rest = s.slice(end);
  notes.push(`URL reduced to its host (${s.slice(0, authorityStart - 3).toLowerCase()})`);
  if (rest !== '' && rest !== '/') notes.push('path dropped');
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    authority = authority.slice(at + 1);
    notes.push('userinfo dropped');
  }
  const bad = forbiddenCharacter(authority);
  if (bad !== null) return reject('invalid', `URL host contains ${bad}`);
  if (authority === '') return reject('invalid', 'URL without a host');
  // The host goes through the same strict rules: `http://010.0.0.1/` is invalid, never 8.0.0.1.
  return classifyHostPort(authority, notes, hint);
}

const RANGE = /^([0-9a-f.:]+)\s*-\s*([0-9a-f.:]+)$/i;

/** `first-last` (both strict addresses of one family) → the minimal CIDR list; undefined if not a range. */
function classifyRange(s: string, notes: string[]): Classification | undefined {
  const m = RANGE.exec(s);
  if (m === null) return undefined;
  const a = m[1] ?? '';
  const b = m[2] ?? '';
  const indicators: NetworkIndicator[] = [];
  const a4 = parseIPv4(a);
  const b4 = parseIPv4(b);
  if (a4 >= 0 || b4 >= 0) {
    if (a4 < 0 || b4 < 0) return reject('invalid', 'malformed IPv4 range');
    if (a4 > b4) return reject('invalid', 'IPv4 range ends before it starts');
    for (const blk of rangeToCidrs4(a4, b4)) {
      const v = formatIPv4(blk.start);
      indicators.push({ type: 'ip', family: 4, value: blk.prefix === 32 ? v : `${v}/${blk.prefix}` });
    }
  } else {
    const a6 = a.includes(':') ? parseIPv6(a) : null;
    const b6 = b.includes(':') ? parseIPv6(b) : null;
    if (a6 === null && b6 === null) return undefined;
    if (a6 === null || b6 === null) return reject('invalid', 'malformed IPv6 range');
    if (a6 > b6) return reject('invalid', 'IPv6 range ends before it starts');
    if (isIPv4Mapped(a6) && isIPv4Mapped(b6)) {
      return classifyRange(
        `${formatIPv4(Number(a6 & 0xffffffffn))}-${formatIPv4(Number(b6 & 0xffffffffn))}`,
        notes,
      );
    }
    for (const blk of rangeToCidrs6(a6, b6)) {
      const v = formatIPv6(blk.start);
      indicators.push({ type: 'ip', family: 6, value: blk.prefix === 128 ? v : `${v}/${blk.prefix}` });
    }
  }
  notes.push(`range ${a}-${b} expanded to ${indicators.length} network(s)`);
  return { ok: true, indicators, notes };
}
