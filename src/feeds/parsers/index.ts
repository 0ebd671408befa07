/** The parser registry: format id → line parser (streamed) or whole-document JSON parser (buffered). */
import type { FormatId, ParsedFeed } from '../types.js';
import { adblockParser } from './adblock.js';
import { csvParser } from './csv.js';
import { fireholParser } from './firehol.js';
import { hostsParser } from './hosts.js';
import type { LineParserFactory } from './line-parser.js';
import { parseMisp } from './misp.js';
import { plainParser } from './plain.js';
import { rpzParser } from './rpz.js';
import { spamhausParser } from './spamhaus.js';
import { spamhausJsonParser } from './spamhaus-json.js';
import { parseStix } from './stix.js';

/** How one format is parsed. */
export type FormatParser =
  { kind: 'lines'; create: LineParserFactory } | { kind: 'json'; parse: (text: string) => ParsedFeed };

const PARSERS: Record<FormatId, FormatParser> = {
  plain: { kind: 'lines', create: plainParser },
  csv: { kind: 'lines', create: csvParser },
  hosts: { kind: 'lines', create: hostsParser },
  adblock: { kind: 'lines', create: adblockParser },
  rpz: { kind: 'lines', create: rpzParser },
  spamhaus: { kind: 'lines', create: spamhausParser },
  'spamhaus-json': { kind: 'lines', create: spamhausJsonParser },
  firehol: { kind: 'lines', create: fireholParser },
  misp: { kind: 'json', parse: parseMisp },
  stix: { kind: 'json', parse: parseStix },
};

/** The parser of `format`. */
export function parserFor(format: FormatId): FormatParser {
  return PARSERS[format];
}
