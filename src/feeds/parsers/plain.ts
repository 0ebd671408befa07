/**
 * Plain lists: one value per line. Handles `#`, `;` and `!` comment lines, inline comments
 * after whitespace (`1.2.3.4  # c2`), LOKI/signature-base `value;score`, Maltrail trails and
 * `ip<TAB>count` lists. `ip:port` is kept as found (the normaliser splits ports and notes it).
 */
import type { LineParser, LineParserFactory, ParserSink } from './line-parser.js';
import { isSpace } from './line-parser.js';

const HASH = 35; // #
const SEMI = 59; // ;
const BANG = 33; // !

/** 1 for the ASCII characters that need the slow path: space, tab, `#`, `;`. */
const SPECIAL = new Uint8Array(128);
for (const c of [32, 9, HASH, SEMI]) SPECIAL[c] = 1;

/**
 * Extracts the value of one plain-list line, or undefined for blank and comment lines.
 * Exported for the FireHOL and hosts parsers, which share the rules.
 */
export function plainValue(text: string): string | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  if (start === end) return undefined;
  const first = text.charCodeAt(start);
  if (first === HASH || first === SEMI || first === BANG) return undefined;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  // Fast path: the common case is one token with nothing special in it.
  let special = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 ? SPECIAL[c] === 1 : c === 0xa0) {
      special = true;
      break;
    }
  }
  const raw = start === 0 && end === text.length ? text : text.slice(start, end);
  return special ? slowValue(raw) : raw;
}

function slowValue(raw: string): string | undefined {
  let v = raw;
  // Inline comment: whitespace then `#` or `;` (a URL fragment `x/#a` has no space before it).
  const inline = /\s+[#;]/.exec(v);
  if (inline) v = v.slice(0, inline.index);
  // LOKI `value;score` (score numeric).
  const semi = v.lastIndexOf(';');
  if (semi > 0 && /^\s*\d+\s*$/.test(v.slice(semi + 1))) v = v.slice(0, semi);
  v = v.trim();
  if (v === '') return undefined;
  // `ip<TAB>count`: extra numeric columns are scores, not part of the value.
  const parts = v.split(/\s+/);
  if (parts.length > 1 && parts.slice(1).every((p) => /^\d+(\.\d+)?$/.test(p))) return parts[0];
  // Anything else with spaces is kept whole: the normaliser rejects it as invalid, visibly.
  return v;
}

/** Factory for the `plain` format. Records are `{ value, line }` only: this is the hot path. */
export const plainParser: LineParserFactory = (sink: ParserSink): LineParser => ({
  line(text, lineNo) {
    const value = plainValue(text);
    if (value !== undefined) sink.emit({ value, line: lineNo });
  },
  end() {
    // nothing to summarise
  },
});

/**
 * A `plain` line parser that hands each value straight to `onValue` instead of emitting records: the
 * same values and line numbers as {@link plainParser}, without an object per line (compile's hot path).
 */
export function plainValueParser(onValue: (value: string, line: number) => void): LineParser {
  return {
    line(text, lineNo) {
      const value = plainValue(text);
      if (value !== undefined) onValue(value, lineNo);
    },
    end() {
      // nothing to summarise
    },
  };
}
