import { describe, expect, it } from 'vitest';
import { classify } from '../../src/indicators/classify.js';
import type { Classification } from '../../src/indicators/types.js';

/** The canonical values of an ok classification, or the reject reason. */
function outcome(c: Classification): string | string[] {
  return c.ok
    ? c.indicators.map((i) => (i.type === 'domain' && i.wildcard ? `*.${i.value}` : i.value))
    : c.reason;
}

const A63 = 'a'.repeat(63);

describe('classify: IPv4 and the strict gate (dependencies.md §5)', () => {
  it.each([
    ['1.2.3.4', ['1.2.3.4']],
    ['0.0.0.0', ['0.0.0.0']],
    ['255.255.255.255', ['255.255.255.255']],
    ['1.2.3.0/24', ['1.2.3.0/24']],
    ['1.2.3.4/24', ['1.2.3.0/24']],
    ['192.168.1.5/24', ['192.168.1.0/24']],
    ['1.2.3.4/32', ['1.2.3.4']],
    ['0.0.0.0/0', ['0.0.0.0/0']],
    ['010.0.0.1', 'invalid'],
    ['0xa.0.0.1', 'invalid'],
    ['0x1.0.0.1', 'invalid'],
    ['1.2.3', 'invalid'],
    ['08.1.1.1', 'invalid'],
    ['1.2.3.4.5', 'invalid'],
    ['256.1.1.1', 'invalid'],
    ['1.2.3.4/33', 'invalid'],
    ['1.2.3.4/08', 'invalid'],
    ['1.2.3.4/', 'invalid'],
    ['1.2.3.4/3.', 'invalid'],
    ['1..2.3', 'invalid'],
    ['10.0.0.1 ', ['10.0.0.1']], // trailing space is trimmed, then strict
  ] as const)('%j → %j', (raw, expected) => {
    expect(outcome(classify(raw))).toEqual(expected);
  });

  it('notes host bits and /32', () => {
    const c = classify('1.2.3.4/24');
    expect(c.ok && c.notes.join()).toMatch(/host bits/);
    const d = classify('1.2.3.4/32');
    expect(d.ok && d.notes.join()).toMatch(/\/32/);
  });

  it('explains octal ambiguity instead of reading 010 as 8', () => {
    const c = classify('010.0.0.1');
    expect(c.ok).toBe(false);
    expect(!c.ok && c.detail).toMatch(/leading zero/);
  });
});

describe('classify: IPv6', () => {
  it.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', ['2001:db8::1']],
    ['2001:db8:0:0:1:0:0:1', ['2001:db8::1:0:0:1']],
    ['2001:db8:0:1:1:1:1:1', ['2001:db8:0:1:1:1:1:1']],
    ['::', ['::']],
    ['::1', ['::1']],
    ['2001:db8::/32', ['2001:db8::/32']],
    ['2001:db8::1/32', ['2001:db8::/32']],
    ['2001:db8::1/128', ['2001:db8::1']],
    ['::ffff:1.2.3.4', ['1.2.3.4']],
    ['::FFFF:102:304', ['1.2.3.4']],
    ['::ffff:1.2.3.0/120', ['1.2.3.0/24']],
    ['[2001:db8::1]:443', ['2001:db8::1']],
    ['[2001:db8::1]', ['2001:db8::1']],
    ['fe80::1%eth0', 'invalid'],
    ['fe80::1%25eth0', 'invalid'],
    ['1:2:3:4:5:6:7:8:9', 'invalid'],
    ['1::2::3', 'invalid'],
    ['12345::1', 'invalid'],
    ['2001:db8::/129', 'invalid'],
    ['2001:db8::/032', 'invalid'],
  ] as const)('%j → %j', (raw, expected) => {
    expect(outcome(classify(raw))).toEqual(expected);
  });

  it('notes the IPv4-mapped unwrap', () => {
    const c = classify('::ffff:1.2.3.4');
    expect(c.ok && c.indicators[0]).toEqual({ type: 'ip', family: 4, value: '1.2.3.4' });
    expect(c.ok && c.notes.join()).toMatch(/mapped/);
  });
});

describe('classify: ranges', () => {
  it.each([
    ['1.2.3.0-1.2.3.255', ['1.2.3.0/24']],
    ['1.2.3.4 - 1.2.3.7', ['1.2.3.4/30']],
    ['1.2.3.1-1.2.3.10', ['1.2.3.1', '1.2.3.2/31', '1.2.3.4/30', '1.2.3.8/31', '1.2.3.10']],
    ['0.0.0.0-255.255.255.255', ['0.0.0.0/0']],
    ['2001:db8::-2001:db8::ff', ['2001:db8::/120']],
    ['1.2.3.9-1.2.3.1', 'invalid'],
    ['1.2.3.4-1.2.3', 'invalid'],
    ['010.0.0.1-10.0.0.9', 'invalid'],
  ] as const)('%j → %j', (raw, expected) => {
    expect(outcome(classify(raw))).toEqual(expected);
  });
});

describe('classify: domains, URLs and hosts', () => {
  it.each([
    ['journalide.org', ['journalide.org']],
    ['JournalIDE.ORG.', ['journalide.org']],
    ['journalide[.]org', ['journalide.org']],
    ['journalide(.)org', ['journalide.org']],
    ['journalide{.}org', ['journalide.org']],
    ['journalide[dot]org', ['journalide.org']],
    ['hxxps://msedgeupdate[.]net/Windows', ['msedgeupdate.net']],
    ['hXXp://evil[.]com', ['evil.com']],
    ['fxp://evil.com/file', ['evil.com']],
    [
      'http[:]//raw.githubusercontent[.]com/IconStorages/images/main/icon13.ico',
      ['raw.githubusercontent.com'],
    ],
    ['https[://]evil.com', ['evil.com']],
    ['raw.githubusercontent.com/IconStorages/images/main/', ['raw.githubusercontent.com']],
    ['http://user:pw@evil.com:8080/x?y=1&z=2', ['evil.com']],
    ['https://[2001:db8::1]:8443/x', ['2001:db8::1']],
    ['http://1.2.3.4/gate.php', ['1.2.3.4']],
    ['tcp://23.254.211.230', ['23.254.211.230']],
    ['tcp://23.254.211.230:443', ['23.254.211.230']],
    ['23.254.211.230:443', ['23.254.211.230']],
    ['evil.com:443', ['evil.com']],
    ['*.evil.com', ['*.evil.com']],
    ['.evil.com', ['*.evil.com']],
    ['bücher.example', ['xn--bcher-kva.example']],
    ['xn--bcher-kva.example', ['xn--bcher-kva.example']],
    ['\uFEFFwww.3cx.com\u200E', ['www.3cx.com']],
    ['evil\u200B.com', ['evil.com']],
    ['my_host.duckdns.org', ['my_host.duckdns.org']],
    ['invoice.zip', ['invoice.zip']],
    ['movie.mov', ['movie.mov']],
    ['com', ['com']],
    ['localhost', ['localhost']],
    ['evil.c_m', 'invalid'],
    ['foo.badtld', 'invalid'],
    ['evil..com', 'invalid'],
    ['-evil.com', 'invalid'],
    ['evil-.com', 'invalid'],
    ['ev*il.com', 'invalid'],
    ['evil.com:0', 'invalid'],
    ['evil.com:65536', 'invalid'],
    ['evil.com:http', 'invalid'],
    ['http://', 'invalid'],
    ['%2e.evil.com', 'invalid'],
  ] as const)('%j → %j', (raw, expected) => {
    expect(outcome(classify(raw))).toEqual(expected);
  });

  it('notes dropped ports, paths and refanging', () => {
    const c = classify('hxxps://journalide[.]org:8443/djour.php');
    expect(c.ok).toBe(true);
    const notes = c.ok ? c.notes.join(' | ') : '';
    expect(notes).toMatch(/refanged/);
    expect(notes).toMatch(/port 8443 dropped/);
    expect(notes).toMatch(/path dropped/);
  });

  it('marks wildcards and only wildcards as such', () => {
    const w = classify('*.evil.com');
    const p = classify('evil.com');
    expect(w.ok && w.indicators[0]).toEqual({ type: 'domain', value: 'evil.com', wildcard: true });
    expect(p.ok && p.indicators[0]).toEqual({ type: 'domain', value: 'evil.com', wildcard: false });
  });
});

describe('classify: DNS length rules', () => {
  const name = (len: number): string => {
    const labels: string[] = [];
    let left = len - 4; // room for ".com"
    while (left > 0) {
      const l = Math.min(63, left);
      labels.push('a'.repeat(l));
      left -= l + 1;
    }
    const n = `${labels.join('.')}.com`;
    return n.length === len ? n : `b${n}`;
  };

  it('accepts a 63-character label and refuses 64 and 300', () => {
    expect(outcome(classify(`${A63}.com`))).toEqual([`${A63}.com`]);
    expect(classify(`${A63}a.com`)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(classify(`${'a'.repeat(300)}.com`)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('accepts a 253-character name and refuses 254', () => {
    const n253 = name(253);
    const n254 = name(254);
    expect(n253).toHaveLength(253);
    expect(n254).toHaveLength(254);
    expect(outcome(classify(n253))).toEqual([n253]);
    expect(outcome(classify(`${n253}.`))).toEqual([n253]);
    expect(classify(n254)).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('classify: values that are not network indicators', () => {
  it.each([
    ['cc307cfb401d1ae616445e78b610ab72e1c7fb49b298ea003dd26ea80372089a', /sha256/],
    ['D41D8CD98F00B204E9800998ECF8427E', /md5/],
    ['da39a3ee5e6b4b0d3255bfef95601890afd80709', /sha1/],
    ['a'.repeat(128), /sha512/],
    [`${'a'.repeat(64)},${'b'.repeat(40)},${'c'.repeat(32)}`, /packed/],
    ['philip.je@proton.me', /e-mail/],
    ['philip.je[at]proton[.]me', /e-mail/],
    ['3CXDesktopApp.exe', /file name/],
    ['ffmpeg.dll', /file name/],
    ['icon13.ico', /file name/],
    ['d3dcompiler_47.dll', /file name/],
    ['AS13335', /AS number/],
    ['asn 64496', /AS number/],
    ['Indicators related to the supply chain attack', /free text/],
  ] as const)('%j → not-network', (raw, detail) => {
    const c = classify(raw);
    expect(c.ok).toBe(false);
    expect(!c.ok && c.reason).toBe('not-network');
    expect(!c.ok && c.detail).toMatch(detail);
  });

  it('uses the feed hint only to break ties', () => {
    expect(classify('invoice.zip', 'other')).toMatchObject({ ok: false, reason: 'not-network' });
    expect(outcome(classify('invoice.zip', 'domain'))).toEqual(['invoice.zip']);
    expect(classify('philip.je', 'email')).toMatchObject({ ok: false, reason: 'not-network' });
    expect(classify('1.2.3.4', 'hash')).toMatchObject({ ok: false, reason: 'not-network' });
    // Sophos labels bare domains "URL": the label does not change the result.
    expect(outcome(classify('journalide.org', 'url'))).toEqual(['journalide.org']);
  });
});

describe('classify: injection-looking values are rejected, never thrown', () => {
  it.each([
    ['evil.com;rm -rf /', 'invalid'],
    ['a.com\n/ip firewall address-list add', 'invalid'],
    ['a.com\r\n/system reboot', 'invalid'],
    ['<script>', 'invalid'],
    ["' OR 1=1", 'invalid'],
    ['evil.com=1', 'invalid'],
    ['key=value', 'invalid'],
    ['"evil.com"', 'invalid'],
    ["'evil.com'", 'invalid'],
    ['evil\u0000.com', 'invalid'],
    ['\u0000', 'invalid'],
    ['ev\uFFFDil.com', 'invalid'],
    ['\uFFFD', 'invalid'],
    ['evil.com|id', 'invalid'],
    ['$(id).evil.com', 'invalid'],
    ['', 'invalid'],
    ['   ', 'invalid'],
    ['\u200B\uFEFF', 'invalid'],
  ] as const)('%j → %s', (raw, reason) => {
    expect(() => classify(raw)).not.toThrow();
    expect(classify(raw)).toMatchObject({ ok: false, reason });
  });
});
