import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/feeds/parse.js';
import * as X from './expected-fixtures.js';
import { fixture, pairs, withHint } from './helpers.js';

const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

describe('src/feeds/parsers plain', () => {
  it('Talos 3CX list: 21 domains then 19 SHA-256, no hints (the normaliser classifies)', () => {
    const feed = parseText(fixture('3cx/talos__3cx-softphone-supply-chain-compromise.txt'), {
      format: 'plain',
    });
    expect(feed.records.map((r) => r.value)).toEqual([...X.TALOS_DOMAINS, ...X.TALOS_SHA256]);
    expect(X.TALOS_DOMAINS).toHaveLength(21);
    expect(X.TALOS_SHA256).toHaveLength(19);
    expect(feed.records.every((r) => r.hint === undefined)).toBe(true);
    expect(feed.records[21]).toEqual({ value: X.TALOS_SHA256[0], line: 22 });
  });

  it('Maltrail trail: comments skipped, ip:port kept as found, data errors passed on', () => {
    const feed = parseText(fixture('3cx/maltrail__hacked_3cx.txt'), { format: 'plain' });
    expect(feed.records.map((r) => r.value)).toEqual(X.MALTRAIL);
    expect(feed.records).toHaveLength(25);
    expect(feed.records.at(-1)).toEqual({ value: '23.254.211.230:443', line: 41 });
    expect(feed.records[0]).toEqual({ value: 'acharryblogs.com', line: 13 });
    expect(feed.records.map((r) => r.value)).toContain('philip.je');
  });

  it('handles ; and ! comments, inline comments, LOKI ip;score and ip<TAB>count', () => {
    const text = [
      '; comment',
      '! comment',
      '# comment',
      '1.2.3.4 # inline',
      '5.6.7.8\t; inline',
      '9.9.9.9;80',
      '10.0.0.1\t7',
      'http://a.example/#frag',
      'http://b.example/x;y',
      'two words here',
      '   ',
      '  padded.example  ',
    ].join('\n');
    expect(parseText(text, { format: 'plain' }).records).toEqual([
      { value: '1.2.3.4', line: 4 },
      { value: '5.6.7.8', line: 5 },
      { value: '9.9.9.9', line: 6 },
      { value: '10.0.0.1', line: 7 },
      { value: 'http://a.example/#frag', line: 8 },
      { value: 'http://b.example/x;y', line: 9 },
      { value: 'two words here', line: 10 },
      { value: 'padded.example', line: 12 },
    ]);
  });

  it('strips a BOM and CRLF; an empty file has no records', () => {
    expect(parseText('\uFEFFa.example\r\nb.example\r\n', { format: 'plain' }).records).toEqual([
      { value: 'a.example', line: 1 },
      { value: 'b.example', line: 2 },
    ]);
    expect(parseText('', { format: 'plain' })).toEqual({ format: 'plain', records: [], notices: [] });
  });
});

describe('src/feeds/parsers firehol', () => {
  it('feodo.ipset: 30 IPs, header entry count reported', () => {
    const feed = parseText(fixture('formats/firehol__feodo.excerpt.ipset'), { format: 'firehol' });
    expect(pairs(feed.records)).toEqual(withHint(X.FIREHOL_FEODO, 'ip'));
    expect(feed.records[0]?.line).toBe(31);
    expect(feed.notices).toEqual([
      { level: 'info', message: 'FireHOL header declares 235 unique IPs; 30 lines found' },
    ]);
  });

  it('spamhaus_drop.netset: 30 CIDRs; ranges a-b pass through', () => {
    const feed = parseText(fixture('formats/firehol__spamhaus_drop.excerpt.netset'), { format: 'firehol' });
    expect(pairs(feed.records)).toEqual(withHint(X.FIREHOL_DROP, 'ip'));
    const ranges = parseText('# x\n1.2.3.0-1.2.3.255\n', { format: 'firehol' });
    expect(ranges.records).toEqual([{ value: '1.2.3.0-1.2.3.255', line: 2, hint: 'ip' }]);
    expect(ranges.notices).toEqual([]);
  });
});

describe('src/feeds/parsers hosts', () => {
  it('urlhaus-filter hosts: 36 names', () => {
    const feed = parseText(fixture('formats/hosts__urlhaus-filter-hosts-online.excerpt.txt'), {
      format: 'hosts',
    });
    expect(pairs(feed.records)).toEqual(withHint(X.HOSTS, 'domain'));
    expect(feed.notices).toEqual([]);
  });

  it('tabs, several names, inline comments; localhost lines skipped with a notice; odd lines passed on', () => {
    const text = [
      '127.0.0.1\tlocalhost',
      '::1 localhost ip6-localhost',
      '255.255.255.255 broadcasthost',
      '127.0.0.1\tevil.example # c2',
      '0.0.0.0 a.example b.example',
      'bare.example',
    ].join('\n');
    const feed = parseText(text, { format: 'hosts' });
    expect(feed.records).toEqual([
      { value: 'evil.example', line: 4, hint: 'domain' },
      { value: 'a.example', line: 5, hint: 'domain' },
      { value: 'b.example', line: 5, hint: 'domain' },
      { value: 'bare.example', line: 6 },
    ]);
    expect(feed.notices).toEqual([
      {
        level: 'info',
        message:
          '4 hosts-file boilerplate names (localhost, broadcasthost, ip6-*, 0.0.0.0) ignored (first: 127.0.0.1 localhost)',
      },
    ]);
  });
});

describe('src/feeds/parsers adblock', () => {
  it('urlhaus-filter AdGuard: 37 rules, IPs hinted ip, names domain', () => {
    const feed = parseText(fixture('formats/adguard__urlhaus-filter-agh-online.excerpt.txt'), {
      format: 'adblock',
    });
    expect(pairs(feed.records)).toEqual(X.ADGUARD.map((v) => [v, IPV4.test(v) ? 'ip' : 'domain']));
    expect(feed.records.filter((r) => r.hint === 'ip')).toHaveLength(11);
    expect(feed.notices).toEqual([]);
  });

  it('strips $modifiers, reports @@ exceptions and cosmetic rules, keeps URL rules', () => {
    const text = [
      '[Adblock Plus 2.0]',
      '! comment',
      '||evil.example^$third-party',
      '||1.2.3.4^',
      '@@||good.example^',
      'example.org##.ad',
      '|http://x.example/path|',
      '||y.example/dl^',
      '0.0.0.0 hosts.example',
      'bare.example',
    ].join('\n');
    const feed = parseText(text, { format: 'adblock' });
    expect(feed.records).toEqual([
      { value: 'evil.example', line: 3, hint: 'domain' },
      { value: '1.2.3.4', line: 4, hint: 'ip' },
      { value: 'http://x.example/path', line: 7, hint: 'url' },
      { value: 'y.example/dl', line: 8, hint: 'url' },
      { value: 'hosts.example', line: 9, hint: 'domain' },
      { value: 'bare.example', line: 10 },
    ]);
    expect(feed.notices).toEqual([
      { level: 'warn', message: 'exception rule ignored at line 5: @@||good.example^' },
      { level: 'info', message: '1 cosmetic (element hiding) rules ignored (first: example.org##.ad)' },
    ]);
  });
});

describe('src/feeds/parsers rpz', () => {
  it('urlhaus-filter RPZ: $TTL, SOA and NS skipped, 33 names', () => {
    const feed = parseText(fixture('formats/rpz__urlhaus-filter-rpz-online.excerpt.conf'), { format: 'rpz' });
    expect(pairs(feed.records)).toEqual(withHint(X.RPZ, 'domain'));
    expect(feed.records[0]?.line).toBe(12);
    expect(feed.notices).toEqual([]);
  });

  it('strips the zone suffix only for absolute names in the zone; wildcards, rpz-ip, passthru, multi-line SOA', () => {
    const text = [
      '$ORIGIN rpz.example.',
      '@ 300 IN SOA ns.rpz.example. admin.rpz.example. (',
      '   1 3600 600 86400 300 )',
      '  IN NS ns.rpz.example.',
      'bad.test CNAME .',
      '*.bad.test CNAME .',
      'abs.test.rpz.example. CNAME .',
      'notrpz.example. CNAME .',
      'evil.rpz.example.com. CNAME .',
      'x.rpz CNAME .',
      'ok.test CNAME rpz-passthru.',
      '32.4.3.2.1.rpz-ip CNAME .',
      '48.zz.db8.2001.rpz-ip CNAME .',
      'ns.evil.rpz-nsdname CNAME .',
      'drop.test 60 IN CNAME rpz-drop.',
      'local.test A 10.0.0.1 ; walled garden',
    ].join('\n');
    const feed = parseText(text, { format: 'rpz' });
    expect(pairs(feed.records)).toEqual([
      ['bad.test', 'domain'],
      ['*.bad.test', 'domain'],
      ['abs.test', 'domain'],
      ['notrpz.example', 'domain'],
      ['evil.rpz.example.com', 'domain'],
      ['x.rpz', 'domain'],
      ['1.2.3.4/32', 'ip'],
      ['2001:db8::/48', 'ip'],
      ['drop.test', 'domain'],
      ['local.test', 'domain'],
    ]);
    expect(feed.notices.map((n) => n.level)).toEqual(['warn', 'warn']);
    expect(feed.notices[0]?.message).toContain('passthru');
    expect(feed.notices[1]?.message).toContain('rpz-nsdname');
  });
});

describe('src/feeds/parsers spamhaus', () => {
  it('DROP: 30 CIDRs, `; EOF` seen, no notices', () => {
    const feed = parseText(fixture('formats/spamhaus__drop.excerpt.txt'), { format: 'spamhaus' });
    expect(pairs(feed.records)).toEqual(withHint(X.SPAMHAUS_DROP, 'ip'));
    expect(feed.notices).toEqual([]);
  });

  it('DROPv6: 20 IPv6 CIDRs', () => {
    const feed = parseText(fixture('formats/spamhaus__dropv6.excerpt.txt'), { format: 'spamhaus' });
    expect(pairs(feed.records)).toEqual(withHint(X.SPAMHAUS_DROPV6, 'ip'));
  });

  it('EDROP 2023 excerpt: 27 CIDRs; the missing `; EOF` is a warning', () => {
    const feed = parseText(fixture('formats/spamhaus__edrop-2023-12.excerpt.txt'), { format: 'spamhaus' });
    expect(pairs(feed.records)).toEqual(withHint(X.SPAMHAUS_EDROP, 'ip'));
    expect(feed.notices).toEqual([
      { level: 'warn', message: 'no "; EOF" trailer: the copy may be truncated' },
    ]);
  });

  it('EDROP merged stub: zero records and warn notices, no error', () => {
    const feed = parseText(fixture('formats/spamhaus__edrop-2024-10-merged-stub.txt'), {
      format: 'spamhaus',
    });
    expect(feed.records).toEqual([]);
    expect(feed.notices).toEqual([
      {
        level: 'warn',
        message: 'Spamhaus: This list has been merged into https://www.spamhaus.org/drop/drop.txt',
      },
      { level: 'warn', message: 'Spamhaus list has no entries (EDROP stub?)' },
    ]);
  });
});

describe('src/feeds/parsers spamhaus-json', () => {
  it('ASN-DROP: 12 AS records with hint other; the metadata record is a notice', () => {
    const feed = parseText(fixture('formats/spamhaus__asndrop.excerpt.jsonl'), { format: 'spamhaus-json' });
    expect(pairs(feed.records)).toEqual(withHint(X.ASNDROP, 'other'));
    expect(feed.notices).toEqual([
      { level: 'info', message: 'Spamhaus metadata of 2024-02-27T03:55:05.000Z: 201 records declared' },
      { level: 'warn', message: 'metadata declares 201 records but 12 were found' },
    ]);
  });

  it('DROP JSON cidr records (rir null), and a non-JSON line fails the feed', () => {
    const text =
      '{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}\n{"cidr":"2.56.192.0/22","sblid":"SBL459831","rir":null}\n{"type":"metadata","records":2}\n';
    const feed = parseText(text, { format: 'spamhaus-json' });
    expect(pairs(feed.records)).toEqual([
      ['1.10.16.0/20', 'ip'],
      ['2.56.192.0/22', 'ip'],
    ]);
    expect(feed.notices).toEqual([{ level: 'info', message: 'Spamhaus metadata: 2 records declared' }]);
    expect(() => parseText('{"cidr":"1.2.3.0/24"}\n{"cidr":', { format: 'spamhaus-json' })).toThrow(
      /spamhaus-json: line 2 is not JSON/,
    );
  });
});
