/**
 * Allocation-free fast paths of `classify` for the two shapes that make up almost every line of a big
 * feed: an already-canonical IPv4 address/network, and an already-canonical lowercase LDH host name.
 *
 * Both are *pre-checks*, not alternative rules: they accept only values for which the general path of
 * `classify` would return exactly the same single indicator with no notes, and return a "not mine"
 * answer for everything else (the general path then decides, with its notes and reject details).
 * The property tests in test/indicators/fast-path.test.ts hold them to that.
 */
import { FILE_EXTENSIONS, isKnownTld, SPECIAL_USE_TLDS } from './domain.js';
import { ipv4BlockSize, parseIPv4At } from './ip.js';
import { SUFFIX_HASH_SEED, suffixHashStep } from './name-hash.js';

/** `packed % 64` is the prefix length, `Math.floor(packed / 64)` the network start (a double: 38 bits). */
export const IPV4_PACK = 64;

/**
 * The numeric IPv4 fast path: `a.b.c.d` or `a.b.c.d/len` in strict syntax (no leading zeros, prefix
 * 0–32 without a leading zero), packed as `start × 64 + prefix` with host bits cleared; -1 for anything
 * else, valid or not (the general path then classifies it and explains a rejection).
 * Returning one number instead of a Classification keeps a million-line feed free of garbage.
 */
export function classifyIPv4Packed(s: string): number {
  const len = s.length;
  if (len < 7 || len > 18) return -1;
  const whole = parseIPv4At(s, 0, len);
  if (whole >= 0) return whole * IPV4_PACK + 32;
  const slash = s.indexOf('/');
  if (slash < 7) return -1;
  const n = parseIPv4At(s, 0, slash);
  if (n < 0) return -1;
  const plen = len - slash - 1;
  if (plen < 1 || plen > 2) return -1;
  const d0 = s.charCodeAt(slash + 1) - 48;
  if (d0 < 0 || d0 > 9) return -1;
  let prefix = d0;
  if (plen === 2) {
    const d1 = s.charCodeAt(slash + 2) - 48;
    if (d0 === 0 || d1 < 0 || d1 > 9) return -1;
    prefix = d0 * 10 + d1;
    if (prefix > 32) return -1;
  }
  const size = ipv4BlockSize(prefix);
  // A power of two divides exactly: floor and multiply, not a floating-point remainder.
  return Math.floor(n / size) * size * IPV4_PACK + prefix;
}

/** Canonical text of a packed IPv4 value whose input text was `raw` (reuses `raw` when canonical). */
export function canonicalIPv4Text(raw: string, start: number, prefix: number): string {
  const slash = raw.indexOf('/');
  if (slash < 0) return raw;
  const a = `${start >>> 24}.${(start >>> 16) & 255}.${(start >>> 8) & 255}.${start & 255}`;
  if (prefix === 32) return a;
  // `raw` is canonical unless host bits were cleared (then its address part differs from `a`).
  return parseIPv4At(raw, 0, slash) === start ? raw : `${a}/${prefix}`;
}

/** 1 for `a-z`, 2 for `0-9`, 3 for `-`, 4 for `_`, 5 for `.`; 0 for everything else. */
const KIND = new Uint8Array(128);
for (let c = 97; c <= 122; c++) KIND[c] = 1;
for (let c = 48; c <= 57; c++) KIND[c] = 2;
KIND[45] = 3;
KIND[95] = 4;
KIND[46] = 5;

/**
 * True when `s` is a host name the general path would return unchanged as a plain (non-wildcard)
 * domain with no notes: lowercase LDH (plus `_` outside the top-level label), at least two labels,
 * labels of 1–63 characters not starting or ending with `-`, ≤ 253 characters, an alphabetic and
 * known (or special-use) top-level label that is not a file extension, no `xn--` label (punycode is
 * validated by the general path), and not shaped like an `a-b` address range (`cafe-bad.be`).
 * False means "ask the general path", never "invalid".
 */
export function isCanonicalDomainFast(s: string): boolean {
  const len = s.length;
  if (len < 3 || len > 253) return false;
  let labelStart = 0;
  let lastDot = -1;
  let hyphens = 0;
  // Everything in [0-9a-f.-]: with exactly one `-` the general path's range rule sees `a-b`.
  let hexish = true;
  let underscoreAt = -1;
  let tldAlpha = true;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? (KIND[c] ?? 0) : 0;
    if (k === 5) {
      const labelLen = i - labelStart;
      if (labelLen === 0 || labelLen > 63 || s.charCodeAt(i - 1) === 45) return false;
      lastDot = i;
      labelStart = i + 1;
      tldAlpha = true;
      continue;
    }
    if (k === 0) return false;
    if (k === 1) {
      if (c > 102) hexish = false;
      continue;
    }
    tldAlpha = false;
    if (k === 3) {
      if (i === labelStart) return false;
      hyphens++;
    } else if (k === 4) {
      underscoreAt = i;
      hexish = false;
    }
  }
  const tldLen = len - labelStart;
  if (lastDot < 0 || tldLen === 0 || tldLen > 63 || !tldAlpha || underscoreAt > lastDot) return false;
  if (hyphens > 0 && ((hyphens === 1 && hexish) || s.includes('xn--'))) return false;
  const tld = s.slice(labelStart);
  if (FILE_EXTENSIONS.has(tld)) return false;
  return isKnownTld(tld) || SPECIAL_USE_TLDS.has(tld);
}

/**
 * {@link classifyIPv4Packed} for the ASCII bytes `b[start, end)` of a value (the plain-list reader
 * hands bytes, so a million addresses never become strings). Same answers, byte for byte.
 */
export function classifyIPv4PackedBytes(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len < 7 || len > 18) return -1;
  let n = 0;
  let i = start;
  // Four octets, unrolled per digit: 1–3 digits, no leading zero, at most 255, `.` between.
  for (let part = 0; part < 4; part++) {
    const d0 = (b[i] ?? 0) - 48;
    if (i >= end || d0 < 0 || d0 > 9) return -1;
    let octet = d0;
    i++;
    if (d0 !== 0 && i < end) {
      const d1 = (b[i] ?? 0) - 48;
      if (d1 >= 0 && d1 <= 9) {
        octet = octet * 10 + d1;
        i++;
        const d2 = i < end ? (b[i] ?? 0) - 48 : -1;
        if (d2 >= 0 && d2 <= 9) {
          octet = octet * 10 + d2;
          i++;
          if (octet > 255) return -1;
        }
      }
    }
    n = n * 256 + octet;
    if (part < 3) {
      if (i >= end || b[i] !== 46) return -1;
      i++;
    }
  }
  if (i === end) return n * IPV4_PACK + 32;
  // `/len`: one or two digits, no leading zero, at most 32.
  if (b[i] !== 47) return -1;
  const plen = end - i - 1;
  if (plen < 1 || plen > 2) return -1;
  const p0 = (b[i + 1] ?? 0) - 48;
  if (p0 < 0 || p0 > 9) return -1;
  let prefix = p0;
  if (plen === 2) {
    const p1 = (b[i + 2] ?? 0) - 48;
    if (p0 === 0 || p1 < 0 || p1 > 9) return -1;
    prefix = p0 * 10 + p1;
    if (prefix > 32) return -1;
  }
  const size = ipv4BlockSize(prefix);
  // A power of two divides exactly: floor and multiply, not a floating-point remainder.
  return Math.floor(n / size) * size * IPV4_PACK + prefix;
}

/** Verdicts per top-level label (keyed by its letters in base 27; see `tldKey`). */
const tldVerdicts = new Map<number, boolean>();

/** The TLD rule of {@link isCanonicalDomainFast}: not a file extension, known or special-use. */
function tldAllowed(tld: string): boolean {
  return !FILE_EXTENSIONS.has(tld) && (isKnownTld(tld) || SPECIAL_USE_TLDS.has(tld));
}

// Byte classes of isCanonicalDomainBytes, OR-ed per label and per name (no branch per letter).
const HYPHEN = 1;
const DIGIT = 2;
const UNDERSCORE = 4;
/** A letter after `f`: the name cannot be hexadecimal (an `a-b` range shape). */
const NOT_HEX = 8;
const BAD = 16;
const DOT = 32;
const BYTE_CLASS = new Uint8Array(256).fill(BAD);
for (let c = 97; c <= 102; c++) BYTE_CLASS[c] = 0;
for (let c = 103; c <= 122; c++) BYTE_CLASS[c] = NOT_HEX;
for (let c = 48; c <= 57; c++) BYTE_CLASS[c] = DIGIT;
BYTE_CLASS[45] = HYPHEN;
BYTE_CLASS[95] = UNDERSCORE;
BYTE_CLASS[46] = DOT;

/** Where the dots of a scanned name are and the suffix hash after each (see {@link scanCanonicalDomain}). */
export class NameScan {
  /** Number of dots. */
  dots = 0;
  /** `dotAt[k]`: position of the k-th dot from the right. */
  readonly dotAt = new Int32Array(128);
  /** `hashAt[k]`: suffix hash (name-hash.ts) of the bytes after that dot (a parent of the name). */
  readonly hashAt = new Int32Array(128);
  /** Suffix hash of the whole name. */
  hash = 0;
}

const SCRATCH = new NameScan();

/**
 * {@link isCanonicalDomainFast} for the bytes `b[start, end)`: the same rules, checked right to left
 * with the byte classes of each label OR-ed together instead of branching per character, while the
 * same pass records each dot and the suffix hash after it in `scan` — all the name guard needs
 * (blocklist/guard/names.ts), so a million names are read once, not twice. The top-level label's
 * verdict is cached by a number made of its letters (at most 11 of them fit exactly in a double).
 */
export function scanCanonicalDomain(b: Uint8Array, start: number, end: number, scan: NameScan): boolean {
  const len = end - start;
  if (len < 3 || len > 253) return false;
  let all = 0;
  let label = 0;
  let hyphens = 0;
  let dots = 0;
  let labelEnd = end;
  let tldStart = -1;
  let h = SUFFIX_HASH_SEED;
  for (let i = end - 1; i >= start; i--) {
    const c = b[i] ?? 0;
    const f = BYTE_CLASS[c] ?? BAD;
    if (f === DOT) {
      const labelLen = labelEnd - i - 1;
      if (labelLen === 0 || labelLen > 63 || b[i + 1] === 45 || b[labelEnd - 1] === 45) return false;
      if (dots === 0) {
        // The top-level label: letters only (no digit, hyphen or underscore).
        if ((label & (HYPHEN | DIGIT | UNDERSCORE)) !== 0) return false;
        tldStart = i + 1;
      }
      scan.dotAt[dots] = i;
      scan.hashAt[dots] = h;
      dots++;
      labelEnd = i;
      label = 0;
    } else {
      all |= f;
      label |= f;
      hyphens += f & HYPHEN;
    }
    h = suffixHashStep(h, c);
  }
  const firstLen = labelEnd - start;
  if ((all & BAD) !== 0 || dots === 0 || firstLen === 0 || firstLen > 63) return false;
  if (b[start] === 45 || b[labelEnd - 1] === 45) return false;
  scan.dots = dots;
  scan.hash = h;
  if (hyphens > 0) {
    // One hyphen in an all-hex name is an `a-b` range (`cafe-bad.be`); `xn--` needs the general path.
    if (hyphens === 1 && (all & (NOT_HEX | UNDERSCORE)) === 0) return false;
    for (let i = start + 3; i < end; i++) {
      if (b[i] === 45 && b[i - 1] === 45 && b[i - 2] === 110 && b[i - 3] === 120) return false;
    }
  }
  const tldLen = end - tldStart;
  if (tldLen > 11)
    return tldAllowed(Buffer.from(b.buffer, b.byteOffset + tldStart, tldLen).toString('latin1'));
  let key = 0;
  for (let i = tldStart; i < end; i++) key = key * 27 + ((b[i] ?? 0) - 96);
  let verdict = tldVerdicts.get(key);
  if (verdict === undefined) {
    verdict = tldAllowed(Buffer.from(b.buffer, b.byteOffset + tldStart, tldLen).toString('latin1'));
    tldVerdicts.set(key, verdict);
  }
  return verdict;
}

/** {@link isCanonicalDomainFast} for the bytes `b[start, end)` ({@link scanCanonicalDomain}, scan discarded). */
export function isCanonicalDomainBytes(b: Uint8Array, start: number, end: number): boolean {
  return scanCanonicalDomain(b, start, end, SCRATCH);
}
