/**
 * FireHOL ipset/netset files: a long `#` header (source, dates, entry count) then one IP, CIDR or
 * range `a-b` per line. Ranges are passed through as found; the normaliser splits them into CIDRs.
 */
import type { LineParserFactory } from './line-parser.js';
import { plainValue } from './plain.js';

/** Factory for the `firehol` format. Reports the header's `Entries` line and checks it against what was found. */
export const fireholParser: LineParserFactory = (sink) => {
  let declared: string | undefined;
  let count = 0;
  return {
    line(text, lineNo) {
      if (text.startsWith('#')) {
        const m = /^#\s*Entries\s*:\s*(.+?)\s*$/i.exec(text);
        if (m?.[1] !== undefined && declared === undefined) declared = m[1];
        return;
      }
      const value = plainValue(text);
      if (value === undefined) return;
      count++;
      sink.emit({ value, line: lineNo, hint: 'ip' });
    },
    end() {
      if (declared !== undefined)
        sink.notice({ level: 'info', message: `FireHOL header declares ${declared}; ${count} lines found` });
      if (count === 0) sink.notice({ level: 'warn', message: 'FireHOL set has no entries' });
    },
  };
};
