import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/feeds/parse.js';
import { MAX_JOINED_LINES } from '../../src/feeds/parsers/csv.js';
import { endsInsideQuote, splitCsvLine } from '../../src/feeds/parsers/csv-fields.js';
import * as X from './expected-fixtures.js';
import { fixture, pairs, withHint } from './helpers.js';

const csv = (text: string) => parseText(text, { format: 'csv' });

describe('src/feeds/parsers csv fixtures', () => {
  it('Feodo: quoted header not commented, dst_ip column, 28 entries, first_seen, END footer', () => {
    const feed = csv(fixture('formats/feodo__ipblocklist.csv'));
    expect(pairs(feed.records)).toEqual(withHint(X.FEODO_IPS, 'ip'));
    expect(feed.records.map((r) => r.firstSeen)).toEqual(
      X.FEODO_FIRST_SEEN.map((t) => `${t.replace(' ', 'T')}.000Z`),
    );
    expect(feed.records[0]?.line).toBe(10);
    expect(feed.notices).toEqual([{ level: 'info', message: 'footer declares 28 entries; 28 rows found' }]);
  });

  it('URLhaus: commented header, url column, quoted tags with commas', () => {
    const feed = csv(fixture('formats/urlhaus__csv_online.excerpt.csv'));
    expect(pairs(feed.records)).toEqual(withHint(X.URLHAUS_URLS, 'url'));
    expect(feed.records.map((r) => r.firstSeen)).toEqual(
      X.URLHAUS_ADDED.map((t) => `${t.replace(' ', 'T')}.000Z`),
    );
    expect(feed.notices).toEqual([]);
  });

  it('ThreatFox recent: CRLF, commented header, ", " separators, ioc_type hints, URL with commas, footer', () => {
    const feed = csv(fixture('formats/threatfox__recent.fixture.csv'));
    expect(feed.records).toEqual([
      { value: 'dazayse.hi-lo.bet', line: 6, hint: 'domain', firstSeen: '2026-07-04T22:19:04.000Z' },
      { value: '64.227.143.36:5555', line: 7, hint: 'ip', firstSeen: '2026-07-04T21:46:30.000Z' },
      {
        value: 'https://drfitness.fit/path?q=a,b',
        line: 8,
        hint: 'url',
        firstSeen: '2026-07-04T19:15:03.000Z',
      },
    ]);
    expect(feed.notices).toEqual([{ level: 'info', message: 'footer declares 3 entries; 3 rows found' }]);
  });

  it('ThreatFox hostfile as CSV: the url column (hostnames), not the 127.0.0.1 column', () => {
    const feed = csv(fixture('formats/threatfox__hostfile-as-csv.excerpt.csv'));
    expect(pairs(feed.records)).toEqual(withHint(X.THREATFOX_HOSTFILE, 'url'));
  });

  it('Splunk lookup: 38 rows incl. duplicates and www.3cx.com, hint domain', () => {
    const feed = csv(fixture('3cx/splunk__3cx_ioc_domains.csv'));
    expect(pairs(feed.records)).toEqual(withHint(X.SPLUNK, 'domain'));
    expect(feed.records).toHaveLength(38);
    expect(new Set(X.SPLUNK).size).toBe(23);
    expect(feed.records.at(-1)).toEqual({ value: 'msedgeupdate.net', line: 39, hint: 'domain' });
  });

  it('Splunk-style isIOC=FALSE rows are not entries (reported)', () => {
    const feed = csv('domain,isIOC,Description\na.example,TRUE,x\nb.example,FALSE,y\n');
    expect(pairs(feed.records)).toEqual([['a.example', 'domain']]);
    expect(feed.notices).toEqual([
      { level: 'info', message: '1 rows marked as not an IOC (isIOC=FALSE) ignored (first: b.example)' },
    ]);
  });

  it('Volexity iocs.csv: entity_type hints; packed sha256,sha1,md5 split into 3 hash records', () => {
    const feed = csv(fixture('3cx/volexity__iocs.csv'));
    const typeHint = { hostname: 'domain', emailwhois: 'email' } as const;
    expect(pairs(feed.records)).toEqual([
      ...X.VOLEXITY_NON_FILE_VALUES.map((v, i) => [
        v,
        typeHint[X.VOLEXITY_NON_FILE_TYPES[i] as keyof typeof typeHint],
      ]),
      ...withHint(X.VOLEXITY_HASHES, 'hash'),
    ]);
    expect(feed.records).toHaveLength(28 + 18);
    expect(feed.records.filter((r) => r.hint === 'email')).toHaveLength(5);
    expect(feed.records.filter((r) => r.line === 30)).toHaveLength(3);
  });

  it('Volexity github_summary.csv: BOM header, Domain column (defanged, kept as found), empty rows reported', () => {
    const feed = csv(fixture('3cx/volexity__github_summary.csv'));
    expect(pairs(feed.records)).toEqual(withHint(X.VOLEXITY_SUMMARY, 'domain'));
    expect(feed.records[0]).toEqual({ value: 'www.3cx[.]com', line: 3, hint: 'domain' });
    expect(feed.notices).toHaveLength(1);
    expect(feed.notices[0]?.message).toMatch(/^2 rows with an empty indicator column ignored/);
  });
});

describe('src/feeds/parsers csv edge cases', () => {
  it('splits quoted fields with commas, escaped quotes and ", " separators', () => {
    expect(splitCsvLine('"a,b", "c""d",e , ,"f"')).toEqual(['a,b', 'c"d', 'e', '', 'f']);
    expect(splitCsvLine('x')).toEqual(['x']);
    expect(splitCsvLine('"unterminated,still')).toEqual(['unterminated,still']);
  });

  it('BOM + CRLF + Sophos Indicator,Data,Note: Data is the value, Indicator the (lying) label', () => {
    const feed = csv(
      '\uFEFFIndicator,Data,Note\r\nURL,raw.githubusercontent.com/IconStorages/images/main/,x\r\nsha256,abc,y\r\n',
    );
    expect(pairs(feed.records)).toEqual([
      ['raw.githubusercontent.com/IconStorages/images/main/', 'url'],
      ['abc', 'hash'],
    ]);
  });

  it('headerless CSV uses column 1 (with a notice); short rows pass the raw line on', () => {
    const feed = csv('1.2.3.4,botnet\n5.6.7.8,spam\n');
    expect(pairs(feed.records)).toEqual([
      ['1.2.3.4', undefined],
      ['5.6.7.8', undefined],
    ]);
    expect(feed.notices).toEqual([
      { level: 'info', message: 'CSV without a recognised header: column 1 is used' },
    ]);
    const short = csv('first,ioc\nonly-one-field\n');
    expect(short.records).toEqual([{ value: 'only-one-field', line: 2 }]);
  });

  it('a footer count that disagrees is a warning; a header without rows warns', () => {
    expect(csv('ip\n1.2.3.4\n# END 2 entries').notices).toEqual([
      { level: 'warn', message: 'footer declares 2 entries; 1 rows found' },
    ]);
    expect(csv('ip\n').notices).toEqual([{ level: 'warn', message: 'CSV feed has no data rows' }]);
    expect(csv('').records).toEqual([]);
  });

  it('a quoted field may span lines (RFC 4180): one record, numbered by its first line', () => {
    const feed = csv(
      'ioc,type,comment,first_seen\r\n' +
        'evil-one.com,domain,"seen in\r\nthe 3CX\r\n\r\n# campaign, ""stage 2""",2023-03-29 10:00:00\r\n' +
        'evil-two.com,domain,plain,2023-03-30 10:00:00\r\n' +
        '"evil-\nthree.com",domain,x\n# END 3 entries\n',
    );
    expect(feed.records).toEqual([
      { value: 'evil-one.com', line: 2, hint: 'domain', firstSeen: '2023-03-29T10:00:00.000Z' },
      { value: 'evil-two.com', line: 6, hint: 'domain', firstSeen: '2023-03-30T10:00:00.000Z' },
      // A value column that spans lines keeps its line break: classification refuses it, visibly.
      { value: 'evil-\nthree.com', line: 7, hint: 'domain' },
    ]);
    expect(feed.notices).toEqual([{ level: 'info', message: 'footer declares 3 entries; 3 rows found' }]);
    expect(endsInsideQuote('a,"b,c')).toBe(true);
    expect(endsInsideQuote('a,"b ""c"" d"')).toBe(false);
    expect(endsInsideQuote('a,b"c,d')).toBe(false);
    expect(endsInsideQuote('a; "b', ';')).toBe(true);
  });

  it('a stray quote does not swallow the rows after it: they are read line by line, with a warning', () => {
    const rows = Array.from({ length: MAX_JOINED_LINES + 8 }, (_, i) => `evil${i}.net,domain,ok`);
    const feed = csv(['ioc,type,comment', 'broken.example,domain,"no closing quote', ...rows].join('\n'));
    expect(feed.records.map((r) => r.value)).toEqual([
      'broken.example',
      ...rows.map((_, i) => `evil${i}.net`),
    ]);
    expect(feed.records[1]?.line).toBe(3);
    const warning = {
      level: 'warn',
      message: `1 row(s) with a quote that does not close within ${MAX_JOINED_LINES} lines: read line by line`,
    };
    expect(feed.notices).toEqual([warning]);
    // Open at the end of the file, before the limit: the same.
    const tail = csv('ioc,type,comment\nx.example,domain,"open\ny.example,domain,ok\n');
    expect(tail.records.map((r) => [r.value, r.line])).toEqual([
      ['x.example', 2],
      ['y.example', 3],
    ]);
    expect(tail.notices).toEqual([warning]);
  });

  it('tab- and semicolon-separated files with a header', () => {
    expect(pairs(csv('type\tvalue\nip\t1.2.3.4\n').records)).toEqual([['1.2.3.4', 'ip']]);
    expect(pairs(csv('value;type\nx.example;domain\n').records)).toEqual([['x.example', 'domain']]);
  });
});
