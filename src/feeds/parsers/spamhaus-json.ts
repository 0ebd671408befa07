/**
 * Spamhaus DROP JSON lines: `{"cidr","sblid","rir"}` network records, ASN-DROP `{"asn",…}`
 * records (not networks: hint `other`, value `AS<asn>`), and a final `{"type":"metadata",…}`
 * record that is a notice, not an entry. A line that is not JSON fails the feed (a garbled copy
 * must fall back to last-good, not be half-read).
 */
import { z } from 'zod';
import { FeedError } from '../../errors.js';
import type { LineParserFactory } from './line-parser.js';

const cidrRecord = z.looseObject({
  cidr: z.string(),
  sblid: z.string().nullish(),
  rir: z.string().nullish(),
});
const asnRecord = z.looseObject({ asn: z.union([z.number().int(), z.string().regex(/^(AS)?\d+$/i)]) });
const metadataRecord = z.looseObject({
  type: z.literal('metadata'),
  records: z.number().int().optional(),
  timestamp: z.number().optional(),
});

/** Factory for the `spamhaus-json` format. */
export const spamhausJsonParser: LineParserFactory = (sink) => {
  let entries = 0;
  let declared: number | undefined;
  return {
    line(text, lineNo) {
      const trimmed = text.trim();
      if (trimmed === '') return;
      let data: unknown;
      try {
        data = JSON.parse(trimmed);
      } catch {
        throw new FeedError(`spamhaus-json: line ${lineNo} is not JSON: ${trimmed.slice(0, 80)}`);
      }
      const meta = metadataRecord.safeParse(data);
      if (meta.success) {
        declared = meta.data.records;
        const when =
          meta.data.timestamp === undefined
            ? ''
            : ` of ${new Date(meta.data.timestamp * 1000).toISOString()}`;
        sink.notice({
          level: 'info',
          message: `Spamhaus metadata${when}: ${declared ?? '?'} records declared`,
        });
        return;
      }
      entries++;
      const cidr = cidrRecord.safeParse(data);
      if (cidr.success) {
        sink.emit({ value: cidr.data.cidr.trim(), line: lineNo, hint: 'ip' });
        return;
      }
      const asn = asnRecord.safeParse(data);
      if (asn.success) {
        sink.emit({ value: `AS${String(asn.data.asn).replace(/^AS/i, '')}`, line: lineNo, hint: 'other' });
        return;
      }
      sink.emit({ value: trimmed, line: lineNo, hint: 'other' }); // unknown shape: passed on, rejected visibly
    },
    end() {
      if (entries === 0) sink.notice({ level: 'warn', message: 'Spamhaus JSON list has no entries' });
      if (declared !== undefined && declared !== entries)
        sink.notice({
          level: 'warn',
          message: `metadata declares ${declared} records but ${entries} were found`,
        });
    },
  };
};
