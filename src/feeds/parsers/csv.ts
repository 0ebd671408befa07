/**
 * CSV feeds with header detection and column mapping: Volexity `value,entity_type,description`
 * and `github_summary.csv` (BOM, `Domain` column), Splunk lookups (`isIOC=FALSE` rows are not
 * entries), Feodo (`dst_ip`; quoted header not commented; `# END n entries`), URLhaus (commented
 * header, `url`), ThreatFox (commented header, `", "` separators, `ioc_value` + `ioc_type`,
 * `# Number of entries` footer), Sophos `Indicator,Data,Note`. Headerless files use column 1.
 *
 * A quoted field may span lines (RFC 4180): a data row that ends inside quotes is joined with the
 * lines after it until the quote closes — but only over {@link MAX_JOINED_LINES} lines. A stray quote
 * must not swallow the rest of a feed: if it does not close by then (or by the end), the row is read
 * on its own as before (its quote runs to the end of its line) and the lines after it are read as the
 * rows they look like, with a warning.
 */
import type { RawRecord, ValueHint } from '../types.js';
import { endsInsideQuote, guessDelimiter, splitCsvLine } from './csv-fields.js';
import type { LineParserFactory, ParserSink } from './line-parser.js';
import { SkipCounter, hintForLabel, toIsoTime } from './line-parser.js';

/** Indicator column names, most specific first. */
const VALUE_COLUMNS = [
  'value',
  'ioc',
  'ioc_value',
  'indicator',
  'indicator_value',
  'observable',
  'url',
  'domain',
  'dst_ip',
  'ip',
  'ip_address',
  'ipaddress',
  'host',
  'hostname',
  'fqdn',
  'data',
  'address',
];
const TYPE_COLUMNS = ['entity_type', 'ioc_type', 'indicator_type', 'attribute_type', 'type'];
const FIRST_SEEN_COLUMNS = ['first_seen_utc', 'first_seen', 'firstseen', 'dateadded', 'date_added'];
const VALID_UNTIL_COLUMNS = ['valid_until', 'expiration', 'expires', 'expiration_date'];
const IS_IOC_COLUMNS = ['isioc', 'is_ioc'];

/** The hint a value column's name implies. */
function columnHint(name: string): ValueHint | undefined {
  if (name === 'url') return 'url';
  if (['domain', 'host', 'hostname', 'fqdn'].includes(name)) return 'domain';
  if (['dst_ip', 'ip', 'ip_address', 'ipaddress'].includes(name)) return 'ip';
  return undefined;
}

function normaliseName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '_');
}

/** How a detected header maps columns. */
interface Mapping {
  delimiter: string;
  value: number;
  hint: ValueHint | undefined;
  type: number;
  firstSeen: number;
  validUntil: number;
  isIoc: number;
}

/** Builds a mapping if `line` is a header row, else undefined. */
function headerMapping(line: string): Mapping | undefined {
  const delimiter = guessDelimiter(line);
  const names = splitCsvLine(line, delimiter).map(normaliseName);
  const find = (cands: readonly string[]) => {
    for (const c of cands) {
      const i = names.indexOf(c);
      if (i >= 0) return i;
    }
    return -1;
  };
  // Sophos: `Indicator` is the type label and `Data` the value.
  const sophos = names.includes('indicator') && names.includes('data');
  const value = sophos ? names.indexOf('data') : find(VALUE_COLUMNS);
  if (value < 0) return undefined;
  return {
    delimiter,
    value,
    hint: columnHint(names[value] ?? ''),
    type: sophos ? names.indexOf('indicator') : find(TYPE_COLUMNS),
    firstSeen: find(FIRST_SEEN_COLUMNS),
    validUntil: find(VALID_UNTIL_COLUMNS),
    isIoc: find(IS_IOC_COLUMNS),
  };
}

const HEADERLESS: Mapping = {
  delimiter: ',',
  value: 0,
  hint: undefined,
  type: -1,
  firstSeen: -1,
  validUntil: -1,
  isIoc: -1,
};

/** Emits the records of one data row. */
function emitRow(sink: ParserSink, skipped: SkipCounter, map: Mapping, line: string, lineNo: number): void {
  const fields = splitCsvLine(line, map.delimiter);
  const cell = fields[map.value];
  if (cell === undefined) {
    sink.emit({ value: line.trim(), line: lineNo }); // short row: pass the raw text on
    return;
  }
  const value = cell.trim();
  if (value === '') {
    skipped.add('rows with an empty indicator column', line.trim());
    return;
  }
  if (map.isIoc >= 0 && /^(false|0|no|n)$/i.test((fields[map.isIoc] ?? '').trim())) {
    skipped.add('rows marked as not an IOC (isIOC=FALSE)', value);
    return;
  }
  const label = map.type >= 0 ? (fields[map.type] ?? '') : '';
  const hint = hintForLabel(label) ?? map.hint;
  const base: Omit<RawRecord, 'value'> = { line: lineNo };
  if (hint !== undefined) base.hint = hint;
  const firstSeen = map.firstSeen >= 0 ? toIsoTime(fields[map.firstSeen]) : undefined;
  if (firstSeen !== undefined) base.firstSeen = firstSeen;
  const validUntil = map.validUntil >= 0 ? toIsoTime(fields[map.validUntil]) : undefined;
  if (validUntil !== undefined) base.validUntil = validUntil;
  // Volexity packs `sha256,sha1,md5` into one field: one record per hash.
  const values = hint === 'hash' && value.includes(',') ? value.split(',').map((v) => v.trim()) : [value];
  for (const v of values) if (v !== '') sink.emit({ ...base, value: v });
}

/** The most physical lines one record may span (a comment or description field, not a document). */
export const MAX_JOINED_LINES = 32;

/** Factory for the `csv` format. */
export const csvParser: LineParserFactory = (sink) => {
  let map: Mapping | undefined;
  let rows = 0;
  let declared: number | undefined;
  const skipped = new SkipCounter();
  /** The lines of a row whose quoted field is still open, with their line numbers. */
  let open: { text: string; lineNo: number }[] = [];
  let unclosed = 0;

  /** One physical line outside an open quoted field. */
  const line = (text: string, lineNo: number): void => {
    if (text.trim() === '') return;
    if (text.startsWith('#')) {
      const body = text.replace(/^#+\s*/, '');
      const footer = /^(?:END\s+(\d+)\s+entries|Number of entries:\s*(\d+))/i.exec(body);
      if (footer) declared = Number(footer[1] ?? footer[2]);
      else if (map === undefined && rows === 0 && /[,;\t]/.test(body)) map = headerMapping(body);
      return;
    }
    if (map === undefined) {
      map = headerMapping(text);
      if (map !== undefined) return;
      map = HEADERLESS;
      sink.notice({ level: 'info', message: 'CSV without a recognised header: column 1 is used' });
    }
    if (text.includes('"') && endsInsideQuote(text, map.delimiter)) {
      open = [{ text, lineNo }];
      return;
    }
    rows++;
    emitRow(sink, skipped, map, text, lineNo);
  };

  /** A line while a quoted field is open: joins it, or gives up on the join (see the module comment). */
  const continued = (text: string, lineNo: number): void => {
    open.push({ text, lineNo });
    const joined = open.map((l) => l.text).join('\n');
    const first = open[0] ?? { text, lineNo };
    if (!endsInsideQuote(joined, map?.delimiter)) {
      open = [];
      rows++;
      emitRow(sink, skipped, map ?? HEADERLESS, joined, first.lineNo);
      return;
    }
    if (open.length >= MAX_JOINED_LINES) giveUp();
  };

  /** Reads the open row on its own and the lines after it as rows of their own. */
  const giveUp = (): void => {
    const [first, ...rest] = open;
    open = [];
    if (first === undefined) return;
    unclosed++;
    rows++;
    emitRow(sink, skipped, map ?? HEADERLESS, first.text, first.lineNo);
    for (const l of rest) feed(l.text, l.lineNo);
  };

  const feed = (text: string, lineNo: number): void => {
    if (open.length > 0) continued(text, lineNo);
    else line(text, lineNo);
  };

  return {
    line: feed,
    end() {
      // A quote still open at the end: nothing closes it, so the lines are rows of their own.
      while (open.length > 0) giveUp();
      if (unclosed > 0) {
        sink.notice({
          level: 'warn',
          message: `${unclosed} row(s) with a quote that does not close within ${MAX_JOINED_LINES} lines: read line by line`,
        });
      }
      if (declared !== undefined) {
        const level = declared === rows ? 'info' : 'warn';
        sink.notice({ level, message: `footer declares ${declared} entries; ${rows} rows found` });
      }
      if (rows === 0) sink.notice({ level: 'warn', message: 'CSV feed has no data rows' });
      skipped.flush(sink);
    },
  };
};
