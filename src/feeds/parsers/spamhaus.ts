/**
 * Spamhaus DROP / DROPv6 / EDROP text: `;` header comments, `CIDR ; SBLnnn` lines, `; EOF`.
 * A copy without the `; EOF` trailer may be truncated (warn). A list with zero entries (EDROP
 * after its 2024 merge into DROP) is valid but reported with a `warn` notice: it must never be
 * read as "delete every block" without someone noticing.
 */
import type { LineParserFactory } from './line-parser.js';
import { plainValue } from './plain.js';

/** Factory for the `spamhaus` format. */
export const spamhausParser: LineParserFactory = (sink) => {
  let entries = 0;
  let sawEof = false;
  let afterEof = 0;
  return {
    line(text, lineNo) {
      const trimmed = text.trim();
      if (trimmed.startsWith(';')) {
        const comment = trimmed.replace(/^;+\s*/, '');
        if (/^EOF$/i.test(comment)) sawEof = true;
        else if (/merged into/i.test(comment))
          sink.notice({ level: 'warn', message: `Spamhaus: ${comment}` });
        return;
      }
      const value = plainValue(text); // `CIDR ; SBLnnn` → the inline `;` comment goes
      if (value === undefined) return;
      if (sawEof) afterEof++;
      entries++;
      sink.emit({ value, line: lineNo, hint: 'ip' });
    },
    end() {
      if (entries === 0)
        sink.notice({ level: 'warn', message: 'Spamhaus list has no entries (EDROP stub?)' });
      if (!sawEof) sink.notice({ level: 'warn', message: 'no "; EOF" trailer: the copy may be truncated' });
      if (afterEof > 0) sink.notice({ level: 'warn', message: `${afterEof} entries after "; EOF"` });
    },
  };
};
