import { describe, expect, it } from 'vitest';
import { detectFormat, parseText } from '../../src/feeds/parse.js';
import type { FormatId } from '../../src/feeds/types.js';
import { fixture } from './helpers.js';

const CASES: [string, FormatId][] = [
  ['formats/adguard__urlhaus-filter-agh-online.excerpt.txt', 'adblock'],
  ['formats/feodo__ipblocklist.csv', 'csv'],
  ['formats/firehol__feodo.excerpt.ipset', 'firehol'],
  ['formats/firehol__spamhaus_drop.excerpt.netset', 'firehol'],
  ['formats/hosts__urlhaus-filter-hosts-online.excerpt.txt', 'hosts'],
  ['formats/rpz__urlhaus-filter-rpz-online.excerpt.conf', 'rpz'],
  ['formats/spamhaus__asndrop.excerpt.jsonl', 'spamhaus-json'],
  ['formats/spamhaus__drop.excerpt.txt', 'spamhaus'],
  ['formats/spamhaus__dropv6.excerpt.txt', 'spamhaus'],
  ['formats/spamhaus__edrop-2023-12.excerpt.txt', 'spamhaus'],
  ['formats/spamhaus__edrop-2024-10-merged-stub.txt', 'spamhaus'],
  ['formats/threatfox__api-search_ioc.doc-example.json', 'misp'],
  ['formats/threatfox__hostfile-as-csv.excerpt.csv', 'csv'],
  ['formats/threatfox__recent.fixture.csv', 'csv'],
  ['formats/urlhaus__csv_online.excerpt.csv', 'csv'],
  ['3cx/maltrail__hacked_3cx.txt', 'plain'],
  ['3cx/splunk__3cx_ioc_domains.csv', 'csv'],
  ['3cx/talos__3cx-softphone-supply-chain-compromise.txt', 'plain'],
  ['3cx/volexity__github_summary.csv', 'csv'],
  ['3cx/volexity__iocs.csv', 'csv'],
  ['handwritten/eset-3cx.misp.json', 'misp'],
  ['handwritten/talos-3cx.stix21.json', 'stix'],
];

describe('src/feeds/detect', () => {
  it.each(CASES)('%s → %s (content only, no file name)', (path, format) => {
    expect(detectFormat(fixture(path))).toBe(format);
  });

  it.each(CASES)('%s: auto parse equals the explicit format', (path, format) => {
    const text = fixture(path);
    expect(parseText(text, { format: 'auto' })).toEqual(parseText(text, { format }));
  });

  it('uses the file name only when the content says nothing', () => {
    expect(detectFormat('1.2.3.4\n', 'x.netset')).toBe('firehol');
    expect(detectFormat('a.example\n', 'feed.csv')).toBe('csv');
    expect(detectFormat('a.example\n', 'feed.txt')).toBe('plain');
    expect(detectFormat('')).toBe('plain');
    expect(detectFormat('{"type":"bundle","objects":[]}')).toBe('stix');
    expect(detectFormat('[{"Event":{}}]')).toBe('misp');
    expect(detectFormat('[Adblock Plus 2.0]\n||a.example^\n')).toBe('adblock');
    expect(detectFormat('\uFEFF0.0.0.0 a.example\r\n0.0.0.0 b.example\r\n')).toBe('hosts');
  });
});
