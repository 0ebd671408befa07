/**
 * Undoing the ways publishers write values so nobody clicks them ("defanging"), and removing the
 * invisible characters that spreadsheets and CMSs leave behind (Sophos: BOM and U+200E).
 */

/** BOM, zero-width and bidi control characters: U+200B–200F, U+202A–202E, U+2060–2064, U+FEFF. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

/** Bracketed dots, colons and scheme separators, in every bracket style publishers use. */
const BRACKETED = /\[(?:\.|dot)\]|\((?:\.|dot)\)|\{(?:\.|dot)\}|\[:\/\/\]|\[:\]|\(:\)|\[at\]|\(at\)|\{at\}/gi;

/** Defanged schemes at the start of a value (after the brackets are undone): hxxp, hxxps, hXXp, fxp. */
const SCHEME = /^(?:hxxps?|fxps?)(?=:)/i;

const BRACKET_MAP: Record<string, string> = {
  '[.]': '.',
  '(.)': '.',
  '{.}': '.',
  '[dot]': '.',
  '(dot)': '.',
  '{dot}': '.',
  '[://]': '://',
  '[:]': ':',
  '(:)': ':',
  '[at]': '@',
  '(at)': '@',
  '{at}': '@',
};

/** Removes BOM, zero-width and bidi characters; returns the input itself when there are none. */
export function stripInvisible(s: string): string {
  // A cheap scan first: almost every value is plain ASCII and must not pay for a regex replace.
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return s.replace(INVISIBLE, '');
  }
  return s;
}

/** True when the value may contain defanging (a bracket or a defanged scheme); a cheap pre-check. */
function mayBeDefanged(s: string): boolean {
  const c = s.charCodeAt(0) | 0x20; // lowercase the first letter
  return s.includes('[') || s.includes('(') || s.includes('{') || c === 0x68 || c === 0x66; // h, f
}

/**
 * Refangs one value: `[.]` `(.)` `{.}` `[dot]` → `.`, `[:]` → `:`, `[://]` → `://`, `[at]` → `@`,
 * and a leading `hxxp`/`hxxps`/`fxp` scheme → `http`/`https`/`ftp`. Case-insensitive. Returns the
 * input itself when nothing changed, so callers can compare by identity.
 */
export function refang(s: string): string {
  if (!mayBeDefanged(s)) return s;
  let out = s.replace(BRACKETED, (m) => BRACKET_MAP[m.toLowerCase()] ?? m);
  out = out.replace(SCHEME, (m) => {
    const lower = m.toLowerCase();
    return lower.startsWith('h') ? lower.replace('xx', 'tt') : lower.replace('x', 't');
  });
  return out === s ? s : out;
}
