/**
 * Recognisers for values that are not network indicators (ioc-sources.md §7.3): hashes, packed
 * hash lists, e-mail addresses, AS numbers, free text. They run before any host parsing so that a
 * 64-hex SHA-256 or `philip.je@proton.me` never becomes a domain.
 */

const HASH_NAMES: Readonly<Record<number, string>> = {
  32: 'md5',
  40: 'sha1',
  56: 'sha224',
  64: 'sha256',
  96: 'sha384',
  128: 'sha512',
};

/** The hash algorithm a hex string's length suggests (`md5`, `sha1`, `sha256`, …), or null. */
export function hashKind(s: string): string | null {
  const kind = HASH_NAMES[s.length];
  if (kind === undefined) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return null;
  }
  return kind;
}

/** True for Volexity-style packed hashes: `sha256,sha1,md5` (comma, semicolon or pipe separated). */
export function isPackedHashes(s: string): boolean {
  const parts = s.split(/\s*[,;|]\s*/);
  return parts.length > 1 && parts.every((p) => hashKind(p) !== null);
}

/** True for `local@domain` with a dotted domain part (an e-mail address, never blocked). */
export function isEmailAddress(s: string): boolean {
  return /^[^\s@/\\<>"'`;]+@[a-z0-9.-]+\.[a-z]{2,63}\.?$/i.test(s);
}

/** True for an autonomous system number: `AS64496`, `as64496`, `ASN64496`. */
export function isAsNumber(s: string): boolean {
  return /^asn?\s?\d{1,10}$/i.test(s);
}

/**
 * Characters that are hostile anywhere, even in a URL's (dropped) path: control characters
 * including CR/LF (command injection into device CLIs), NUL, quotes, angle brackets, backtick,
 * backslash and U+FFFD (malformed UTF-8).
 */
// eslint-disable-next-line no-control-regex
const HOSTILE = /[\u0000-\u0008\u000a-\u001f\u007f<>'"`\\\uFFFD]/;

/** Hostile characters plus shell metacharacters and `=`, none of which occur in a host or address. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f<>'"`\\\uFFFD;|$&={}]/;

/** The first hostile character (see {@link HOSTILE}) described for a reject detail, or null. */
export function hostileCharacter(s: string): string | null {
  return describe(HOSTILE.exec(s));
}

/** The first forbidden character (see {@link FORBIDDEN}) described for a reject detail, or null. */
export function forbiddenCharacter(s: string): string | null {
  return describe(FORBIDDEN.exec(s));
}

function describe(m: RegExpExecArray | null): string | null {
  if (m === null) return null;
  const ch = m[0];
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f || code === 0xfffd
    ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    : JSON.stringify(ch);
}

/** True when the value contains any whitespace (after trimming: text, not an indicator). */
export function hasWhitespace(s: string): boolean {
  return /\s/.test(s);
}
