import { describe, expect, it } from 'vitest';
import { FeedError } from '../../src/errors.js';
import { parseText } from '../../src/feeds/parse.js';
import { fixture } from './helpers.js';

describe('src/feeds/parsers misp', () => {
  it('hand-written ESET-style restSearch event: attributes and objects, to_ids passed on, never dropped', () => {
    const feed = parseText(fixture('handwritten/eset-3cx.misp.json'), { format: 'misp' });
    const event = '2023-04-20T00:00:00.000Z';
    expect(feed.records.map((r) => [r.value, r.hint, r.toIds, r.line])).toEqual([
      ['https://journalide.org/djour.php', 'url', true, 1],
      ['journalide.org', 'domain', false, 2],
      ['172.93.201.88', 'ip', false, 3],
      ['journalide.org', 'domain', false, 5],
      ['172.93.201.88', 'ip', false, 5],
      ['23.254.211.230:443', 'ip', true, 6],
      ['23.254.211.230', 'ip', false, 8],
      ['https://od.lk/d/NTJfMzg4MDE1NzJf/vxmedia', 'url', true, 10],
      ['od.lk', 'domain', false, 11],
      ['38.108.185.115', 'ip', false, 12],
      ['bf939c9c261d27ee7bb92325cc588624fca75429', 'hash', true, 13],
      ['ffmpeg.dll', 'other', false, 14],
    ]);
    expect(feed.records[0]?.firstSeen).toBe('2023-03-29T00:00:00.000Z');
    expect(feed.records.slice(1).every((r) => r.firstSeen === event)).toBe(true);
    expect(feed.notices).toEqual([
      { level: 'info', message: '1 deleted MISP attributes ignored' },
      { level: 'info', message: '1 MISP "comment" attributes ignored (not indicators)' },
      { level: 'info', message: '1 MISP "port" attributes ignored (not indicators)' },
      { level: 'info', message: '8 MISP attributes have to_ids=false' },
    ]);
  });

  it('single-event export and {response:{Attribute:[…]}}; IPv6 ip-dst|port bracketed', () => {
    const single = JSON.stringify({
      Event: { Attribute: [{ type: 'hostname', value: 'a.example', to_ids: '1' }] },
    });
    expect(parseText(single, { format: 'misp' }).records).toEqual([
      { value: 'a.example', line: 1, hint: 'domain', toIds: true },
    ]);
    const attrs = JSON.stringify({
      response: {
        Attribute: [
          { type: 'ip-src|port', value: '2001:db8::1|8443', to_ids: true },
          { type: 'email-src', value: 'x@y.example' },
        ],
      },
    });
    expect(parseText(attrs, { format: 'misp' }).records).toEqual([
      { value: '[2001:db8::1]:8443', line: 1, hint: 'ip', toIds: true },
      { value: 'x@y.example', line: 2, hint: 'email' },
    ]);
  });

  it('malformed JSON and wrong shapes are one-line FeedErrors', () => {
    expect(() => parseText('{"Event": {', { format: 'misp' })).toThrow(FeedError);
    expect(() => parseText('{"Event": {', { format: 'misp' })).toThrow(/^misp: malformed JSON/);
    expect(() => parseText('{"Event": {"Attribute": [{"value": "x"}]}}', { format: 'misp' })).toThrow(
      /MISP event: unexpected JSON shape at Event\.Attribute\.0\.type/,
    );
    expect(() => parseText('{"foo": 1}', { format: 'misp' })).toThrow(/unrecognised JSON shape/);
  });

  it('ThreatFox API JSON goes through the misp dispatcher with an info notice', () => {
    const feed = parseText(fixture('formats/threatfox__api-search_ioc.doc-example.json'), { format: 'auto' });
    expect(feed.format).toBe('misp');
    expect(feed.records).toEqual([
      {
        value: 'http://auto.lambolero.com/f1nygync/J18Keqh/',
        line: 1,
        hint: 'url',
        firstSeen: '2022-01-13T20:16:02.000Z',
      },
    ]);
    expect(feed.notices).toEqual([{ level: 'info', message: 'ThreatFox JSON' }]);
  });

  it('ThreatFox no_result is an empty feed with a warning; an error status fails', () => {
    expect(
      parseText('{"query_status":"no_result","data":"Your search did not yield any results"}', {
        format: 'misp',
      }).notices,
    ).toEqual([
      { level: 'info', message: 'ThreatFox JSON' },
      { level: 'warn', message: 'ThreatFox answered no_result: no entries' },
    ]);
    expect(() => parseText('{"query_status":"illegal_search_term"}', { format: 'misp' })).toThrow(
      /query_status illegal_search_term/,
    );
  });

  it('ThreatFox export keyed by id', () => {
    const text = JSON.stringify({
      '1': [{ ioc_value: '1.2.3.4:80', ioc_type: 'ip:port', first_seen_utc: '2024-01-02 03:04:05' }],
    });
    expect(parseText(text, { format: 'auto' }).records).toEqual([
      { value: '1.2.3.4:80', line: 1, hint: 'ip', firstSeen: '2024-01-02T03:04:05.000Z' },
    ]);
  });
});

describe('src/feeds/parsers stix', () => {
  const ONLY = '(only =, IN, ISSUBSET and AND/OR/FOLLOWEDBY of them block)';

  it('hand-written STIX 2.1 bundle: OR patterns, hashes, network-traffic refs, revoked and sigma rejected', () => {
    const feed = parseText(fixture('handwritten/talos-3cx.stix21.json'), { format: 'stix' });
    expect(feed.records).toEqual([
      {
        value: 'journalide.org',
        line: 2,
        hint: 'domain',
        validUntil: '2024-03-29T00:00:00.000Z',
        validFrom: '2023-03-29T00:00:00.000Z',
        firstSeen: '2023-03-29T00:00:00.000Z',
      },
      {
        value: 'akamaicontainer.com',
        line: 2,
        hint: 'domain',
        validUntil: '2024-03-29T00:00:00.000Z',
        validFrom: '2023-03-29T00:00:00.000Z',
        firstSeen: '2023-03-29T00:00:00.000Z',
      },
      {
        value: '23.254.211.230/32',
        line: 3,
        hint: 'ip',
        validUntil: '2023-05-20T00:00:00.000Z',
        validFrom: '2023-04-20T00:00:00.000Z',
        firstSeen: '2023-04-20T00:00:00.000Z',
      },
      {
        value: 'dde03348075512796241389dfea5560c20a3d2a2eac95c894e7bbed5e85a0acc',
        line: 4,
        hint: 'hash',
        validFrom: '2023-03-29T00:00:00.000Z',
        firstSeen: '2023-03-29T00:00:00.000Z',
      },
      {
        value: '74bc2d0b6680faa1a5a76b27e5479cbc',
        line: 4,
        hint: 'hash',
        validFrom: '2023-03-29T00:00:00.000Z',
        firstSeen: '2023-03-29T00:00:00.000Z',
      },
      {
        value: '172.93.201.88',
        line: 5,
        validFrom: '2023-04-20T00:00:00.000Z',
        firstSeen: '2023-04-20T00:00:00.000Z',
      },
      // Revoked: passed on to be rejected (expired, revoked), never blocked and never silent.
      { value: 'www.3cx.com', line: 6, revoked: true },
      {
        value: "title: 3CX DNS\ndetection:\n  selection:\n    query|contains: 'msedgeupdate.net'",
        line: 7,
        problem: 'pattern_type sigma is not STIX',
      },
      { value: 'msedgeupdate.net', line: 8, hint: 'domain' },
    ]);
    expect(feed.notices).toEqual([{ level: 'info', message: 'STIX 2.1' }]);
  });

  it('STIX 2.0: spec_version on the bundle, created as firstSeen, observed-data, escapes, IN lists, non-equalities', () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--1',
      spec_version: '2.0',
      objects: [
        {
          type: 'indicator',
          id: 'indicator--1',
          created: '2023-03-30T10:00:00Z',
          pattern: "[url:value = 'http://x.example/it\\'s']",
        },
        {
          type: 'indicator',
          id: 'indicator--2',
          pattern: "[ipv6-addr:value IN ('2001:db8::1', '2001:db8::2')]",
        },
        {
          type: 'indicator',
          id: 'indicator--3',
          pattern: "[domain-name:value LIKE '%.evil.example'] OR [domain-name:value != 'a.example']",
        },
        { type: 'indicator', id: 'indicator--4', pattern: 'not a pattern at all ~' },
        {
          type: 'observed-data',
          id: 'observed-data--1',
          first_observed: '2023-03-29T00:00:00Z',
          objects: { '0': { type: 'ipv4-addr', value: '172.93.201.88' } },
        },
      ],
    };
    const feed = parseText(JSON.stringify(bundle), { format: 'stix' });
    expect(feed.records).toEqual([
      { value: "http://x.example/it's", line: 1, hint: 'url', firstSeen: '2023-03-30T10:00:00.000Z' },
      { value: '2001:db8::1', line: 2, hint: 'ip' },
      { value: '2001:db8::2', line: 2, hint: 'ip' },
      { value: '%.evil.example', line: 3, problem: `unsupported STIX comparison "LIKE" ${ONLY}` },
      { value: 'a.example', line: 3, problem: `unsupported STIX comparison "!=" ${ONLY}` },
      {
        value: 'not a pattern at all ~',
        line: 4,
        problem: 'not a STIX pattern: a character no STIX pattern has',
      },
      { value: '172.93.201.88', line: 5, hint: 'ip', firstSeen: '2023-03-29T00:00:00.000Z' },
    ]);
    expect(feed.notices).toEqual([{ level: 'info', message: 'STIX 2.0' }]);
  });

  it('malformed JSON and a non-bundle are FeedErrors; an empty bundle warns', () => {
    expect(() => parseText('{"type":"bundle","objects":[', { format: 'stix' })).toThrow(
      /^stix: malformed JSON/,
    );
    expect(() => parseText('{"type":"bundle","objects":{}}', { format: 'stix' })).toThrow(
      /STIX bundle: unexpected JSON shape at objects/,
    );
    expect(() => parseText('42', { format: 'stix' })).toThrow(/unrecognised JSON shape/);
    expect(parseText('{"type":"bundle","id":"bundle--1","objects":[]}', { format: 'stix' }).notices).toEqual([
      { level: 'info', message: 'STIX 2.0' },
      { level: 'warn', message: 'STIX bundle has no indicators' },
    ]);
  });
});
