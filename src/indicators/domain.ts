/**
 * Domain-name syntax and canonical form.
 *
 * DNS rules applied (RFC 1035/1123 host names, as firewalls' DNS blocklists accept them):
 * - the name is at most 253 characters (no trailing dot), each label 1–63 characters;
 * - labels are letters, digits and hyphens, not starting or ending with a hyphen;
 * - an underscore is accepted in any label except the last (`_dmarc.example.com`,
 *   `my_host.duckdns.org` occur in real feeds and resolve), never in the top-level label;
 * - the top-level label is alphabetic or an `xn--` label, so nothing all-numeric (`1.2.3`) is a name;
 * - the top-level domain must be a real one (ICANN section of the Public Suffix List, via tldts)
 *   or a special-use name (RFC 6761/6762/7686, `internal`), which the guard then refuses.
 * Internationalised names become punycode with `node:url` `domainToASCII` (UTS #46).
 */
import { domainToASCII } from 'node:url';
import { pslIcannTlds } from './psl-fast.js';

/** Special-use top-level names: syntactically valid here, refused by the guard as `guarded`. */
export const SPECIAL_USE_TLDS: ReadonlySet<string> = new Set([
  'localhost',
  'local',
  'test',
  'example',
  'invalid',
  'internal',
  'onion',
  'alt',
]);

/**
 * File extensions that mark a value as a file name (a `not-network` indicator). Extensions that are
 * also real TLDs (`zip`, `mov`, `one`, `sh`, `py`) are only file names when the feed's hint says so.
 */
export const FILE_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    'exe dll sys ico bin dat bat cmd ps1 psm1 vbs vbe js jse wsf hta scr cpl ocx msi msp lnk jar class ' +
    'doc docx docm xls xlsx xlsm ppt pptx pptm pdf rtf one iso img vhd vhdx rar 7z gz tgz tar bz2 xz cab ' +
    'so elf dylib apk ipa dmg pkg deb rpm txt log tmp ini cfg conf json xml yar yara plist zip mov sh py'
  ).split(' '),
);

/**
 * Long-delegated ICANN TLDs, answered before even the generated TLD list is read. A subset only;
 * test/indicators/tldts-lazy.test.ts checks each of these against tldts.
 */
export const WELL_KNOWN_TLDS: ReadonlySet<string> = new Set(
  'com net org edu gov mil int info biz io eu uk de fr nl ru cn jp br au it es pl ca us ch se'.split(' '),
);

/**
 * True when `tld` is a delegated top-level domain: a rule of the ICANN section of the Public Suffix
 * List, as tldts ships it. Read from the list psl-fast-data.ts extracts from tldts at build time, so
 * classifying a name never loads tldts itself; test/indicators/psl-fast.test.ts keeps the two equal.
 */
export function isKnownTld(tld: string): boolean {
  return WELL_KNOWN_TLDS.has(tld) || pslIcannTlds().has(tld);
}

/** The outcome of checking a host name's syntax. */
export type DomainSyntax = { ok: true; value: string } | { ok: false; detail: string };

/**
 * Validates and canonicalises a host name: IDN → punycode, lowercase, one trailing dot removed,
 * DNS length and character rules, real or special-use TLD. Notes about corrections are appended.
 */
export function normaliseDomain(input: string, notes: string[]): DomainSyntax {
  let name = input;
  let ascii = true;
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) > 0x7e) {
      ascii = false;
      break;
    }
  }
  if (!ascii) {
    if (name.includes('\uFFFD')) return { ok: false, detail: 'contains U+FFFD (malformed UTF-8)' };
    const converted = domainToASCII(name);
    if (converted === '') return { ok: false, detail: 'not a valid internationalised domain name' };
    name = converted;
    notes.push('IDN converted to punycode');
  }
  name = name.toLowerCase();
  if (name.endsWith('.')) {
    name = name.slice(0, -1);
    notes.push('trailing dot removed');
  }
  const syntax = checkSyntax(name);
  if (syntax !== null) return syntax;
  if (name.includes('xn--') && domainToASCII(name) === '') {
    return { ok: false, detail: 'invalid punycode label' };
  }
  const tld = name.slice(name.lastIndexOf('.') + 1);
  if (!isKnownTld(tld) && !SPECIAL_USE_TLDS.has(tld)) {
    return { ok: false, detail: `unknown top-level domain "${tld}"` };
  }
  return { ok: true, value: name };
}

/** Checks lowercase ASCII DNS syntax; null when fine. */
function checkSyntax(name: string): DomainSyntax | null {
  const len = name.length;
  if (len === 0) return { ok: false, detail: 'empty name' };
  if (len > 253) return { ok: false, detail: `name is ${len} characters (max 253)` };
  let labelStart = 0;
  let underscoreAt = -1;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? name.charCodeAt(i) : 46;
    if (c === 46) {
      const labelLen = i - labelStart;
      if (labelLen === 0) return { ok: false, detail: 'empty label' };
      if (labelLen > 63) return { ok: false, detail: `label of ${labelLen} characters (max 63)` };
      if (name.charCodeAt(labelStart) === 45 || name.charCodeAt(i - 1) === 45) {
        return { ok: false, detail: 'label starts or ends with a hyphen' };
      }
      labelStart = i + 1;
      continue;
    }
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45) continue;
    if (c === 95) {
      underscoreAt = i;
      continue;
    }
    return { ok: false, detail: `character ${JSON.stringify(String.fromCharCode(c))} not allowed in a name` };
  }
  const lastDot = name.lastIndexOf('.');
  if (underscoreAt > lastDot) return { ok: false, detail: 'underscore in the top-level label' };
  const tld = name.slice(lastDot + 1);
  if (!/^(?:[a-z]+|xn--[a-z0-9-]+)$/.test(tld)) {
    return { ok: false, detail: `top-level label "${tld}" is not alphabetic` };
  }
  return null;
}
