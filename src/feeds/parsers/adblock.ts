/**
 * AdBlock Plus / AdGuard (Home) filter lists: `||host^` (host and its subdomains),
 * `||1.2.3.4^`, `|http://…|` URL rules, `$modifiers`, `!` comments, `[Adblock Plus 2.0]` headers.
 * `@@` exception rules are not entries: they are reported as notices. Cosmetic rules (`##`) are
 * counted in a notice. AdGuard Home also accepts bare names and hosts syntax: both are passed on.
 */
import { isIP } from 'node:net';
import type { ValueHint } from '../types.js';
import type { LineParserFactory } from './line-parser.js';
import { SkipCounter, tokens } from './line-parser.js';

/** How many exception rules are reported one by one before only the total is given. */
const EXCEPTIONS_LISTED = 10;

/** Strips `$modifiers` and the `^`/`|` end anchors from a rule body. */
function stripRule(body: string): string {
  let v = body;
  const dollar = v.indexOf('$');
  if (dollar >= 0) v = v.slice(0, dollar);
  const caret = v.indexOf('^');
  if (caret >= 0) v = v.slice(0, caret);
  while (v.endsWith('|')) v = v.slice(0, -1);
  return v.trim();
}

function hintFor(value: string, anchored: 'host' | 'url' | 'none'): ValueHint | undefined {
  if (anchored === 'url') return 'url';
  if (value.includes('/')) return 'url';
  if (isIP(value) !== 0) return 'ip';
  return anchored === 'host' ? 'domain' : undefined;
}

/** Factory for the `adblock` format. */
export const adblockParser: LineParserFactory = (sink) => {
  const skipped = new SkipCounter();
  let exceptions = 0;
  return {
    line(raw, lineNo) {
      const text = raw.trim();
      if (text === '' || text.startsWith('!') || (text.startsWith('[') && text.endsWith(']'))) return;
      if (text.startsWith('#') && !text.startsWith('##')) return; // AdGuard Home `#` comments
      if (text.startsWith('@@')) {
        exceptions++;
        if (exceptions <= EXCEPTIONS_LISTED)
          sink.notice({
            level: 'warn',
            message: `exception rule ignored at line ${lineNo}: ${text.slice(0, 200)}`,
          });
        return;
      }
      if (/#[@?$%]?#/.test(text)) {
        skipped.add('cosmetic (element hiding) rules', text);
        return;
      }
      let value: string;
      let anchored: 'host' | 'url' | 'none';
      if (text.startsWith('||')) {
        value = stripRule(text.slice(2));
        anchored = 'host';
      } else if (text.startsWith('|')) {
        value = stripRule(text.slice(1));
        anchored = 'url';
      } else if (text.startsWith('/') && text.length > 1 && text.endsWith('/')) {
        value = text; // a regex rule: passed on whole, the normaliser rejects it visibly
        anchored = 'none';
      } else {
        const parts = tokens(text);
        // hosts syntax accepted by AdGuard Home: `0.0.0.0 name`
        if (parts.length === 2 && isIP(parts[0] ?? '') !== 0) {
          sink.emit({ value: parts[1] ?? '', line: lineNo, hint: 'domain' });
          return;
        }
        value = stripRule(text);
        anchored = 'none';
      }
      if (value === '') {
        sink.emit({ value: text, line: lineNo });
        return;
      }
      const hint = hintFor(value, anchored);
      sink.emit(hint ? { value, line: lineNo, hint } : { value, line: lineNo });
    },
    end() {
      if (exceptions > EXCEPTIONS_LISTED)
        sink.notice({ level: 'warn', message: `${exceptions} exception (@@) rules ignored in total` });
      skipped.flush(sink);
    },
  };
};
