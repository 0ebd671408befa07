import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCidr4Into } from '../../src/blocklist/engine/cidr.js';
import { classify, classifyWithoutFastPaths } from '../../src/indicators/classify.js';
import {
  canonicalIPv4Text,
  classifyIPv4Packed,
  classifyIPv4PackedBytes,
  IPV4_PACK,
  isCanonicalDomainBytes,
  isCanonicalDomainFast,
  NameScan,
  scanCanonicalDomain,
} from '../../src/indicators/fast-path.js';
import { suffixHash } from '../../src/blocklist/engine/suffix-table.js';

/** Strings shaped like IPv4 values, valid or not: digits, dots, at most a slash or two. */
const ipv4ish = fc.oneof(
  fc.ipV4(),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([a, p]) => `${a}/${p}`),
  fc.tuple(fc.ipV4(), fc.constantFrom('/08', '/', '/3.', '/32', '/0', '//1', '/1/2')).map(([a, p]) => a + p),
  fc.stringMatching(/^[0-9./]{1,20}$/),
);

/** LDH-ish names around the edges the fast path must leave to the general path. */
const label = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
const tld = fc.constantFrom(
  'com',
  'net',
  'org',
  'io',
  'be',
  'zip',
  'exe',
  'test',
  'localhost',
  'nosuchtld',
  'c0m',
  'x',
);
const nameish = fc.oneof(
  fc.tuple(fc.array(label, { minLength: 1, maxLength: 4 }), tld).map(([ls, t]) => [...ls, t].join('.')),
  fc.stringMatching(/^[0-9a-f.-]{3,20}\.(be|cafe|ad)$/),
  fc.domain(),
  fc.stringMatching(/^[a-zA-Z0-9._*:-]{1,30}$/),
  fc.constantFrom(
    'xn--bcher-kva.com',
    'a.xn--p1ai',
    'cafe-bad.be',
    '1.2.3.4-ab.cd',
    'a..com',
    'a-.com',
    '-a.com',
    'a.b_c',
  ),
);

describe('classifyIPv4Packed', () => {
  it('property: accepts exactly what classify returns as one unchanged IPv4 network, same interval', () => {
    fc.assert(
      fc.property(ipv4ish, (s) => {
        const packed = classifyIPv4Packed(s);
        const c = classify(s);
        if (packed < 0) return;
        expect(c.ok).toBe(true);
        if (!c.ok) return;
        expect(c.indicators).toHaveLength(1);
        const ind = c.indicators[0]!;
        expect(ind.type === 'ip' && ind.family === 4).toBe(true);
        const prefix = packed % IPV4_PACK;
        const start = (packed - prefix) / IPV4_PACK;
        expect(canonicalIPv4Text(s, start, prefix)).toBe(ind.value);
        const iv = [0, 0];
        expect(parseCidr4Into(ind.value, iv)).toBe(true);
        expect(iv).toEqual([start, start + 2 ** (32 - prefix) - 1]);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes every valid canonical address and network', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }), (n, p) => {
        const start = n - (n % 2 ** (32 - p));
        const text = `${start >>> 24}.${(start >>> 16) & 255}.${(start >>> 8) & 255}.${start & 255}`;
        const value = p === 32 ? text : `${text}/${p}`;
        expect(classifyIPv4Packed(value)).toBe(start * IPV4_PACK + p);
      }),
    );
  });
});

describe('isCanonicalDomainFast', () => {
  it('property: accepts only names the general path returns unchanged, with no notes', () => {
    fc.assert(
      fc.property(nameish, fc.constantFrom(undefined, 'other' as const, 'domain' as const), (s, hint) => {
        const general = classifyWithoutFastPaths(s, hint);
        if (isCanonicalDomainFast(s)) {
          expect(general).toEqual({
            ok: true,
            indicators: [{ type: 'domain', value: s, wildcard: false }],
            notes: [],
          });
        }
        // classify (with the fast paths) and the general path always agree.
        expect(classify(s, hint)).toEqual(general);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['abc.com', true],
    ['a-b.c_d.example.org', true],
    ['www.example.io', true],
    ['Example.com', false], // uppercase: the general path lowercases
    ['cafe-bad.be', false], // an `a-b` range shape
    ['xn--bcher-kva.com', false], // punycode is validated by the general path
    ['invoice.zip', false], // file extension
    ['a.nosuchtld', false],
    ['com', false],
    ['a_b.c_d', false],
  ])('%s → %s', (s, expected) => {
    expect(isCanonicalDomainFast(s)).toBe(expected);
  });
});

describe('the byte forms of the fast paths', () => {
  /** `s` as ASCII bytes inside a larger buffer, so reads outside `[start, end)` would show. */
  function embedded(s: string, pad: string): { b: Buffer; start: number; end: number } {
    const b = Buffer.from(`${pad}${s}${pad}`, 'latin1');
    return { b, start: pad.length, end: pad.length + s.length };
  }
  const pad = fc.constantFrom('', '-', 'xn--', '.', '1', '/', '\n', 'a.b-');
  const printable = fc.stringMatching(/^[\x21-\x7e]{0,40}$/);

  it('property: classifyIPv4PackedBytes equals classifyIPv4Packed', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4ish, printable), pad, (s, p) => {
        const { b, start, end } = embedded(s, p);
        expect(classifyIPv4PackedBytes(b, start, end)).toBe(classifyIPv4Packed(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('property: isCanonicalDomainBytes equals isCanonicalDomainFast', () => {
    fc.assert(
      fc.property(fc.oneof(nameish, printable), pad, (s, p) => {
        const { b, start, end } = embedded(s, p);
        expect(isCanonicalDomainBytes(b, start, end)).toBe(isCanonicalDomainFast(s));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    'abc.com',
    'cafe-bad.be',
    'xn--bcher-kva.com',
    'a.xn--p1ai',
    'ab-xn--c.com',
    'a-b-c.be',
    'x.verylongtldname',
  ])('%s: same verdict as the string form', (s) => {
    const { b, start, end } = embedded(s, '-');
    expect(isCanonicalDomainBytes(b, start, end)).toBe(isCanonicalDomainFast(s));
  });

  it('property: an accepted scan records every dot and the suffix hash after it', () => {
    const scan = new NameScan();
    fc.assert(
      fc.property(nameish, pad, (s, p) => {
        const { b, start, end } = embedded(s, p);
        if (!scanCanonicalDomain(b, start, end, scan)) return;
        const dots: number[] = [];
        for (let i = s.length - 1; i >= 0; i--) if (s[i] === '.') dots.push(i);
        expect(scan.dots).toBe(dots.length);
        dots.forEach((at, k) => {
          expect(scan.dotAt[k]).toBe(start + at);
          expect(scan.hashAt[k]).toBe(suffixHash(s.slice(at + 1)));
        });
        expect(scan.hash).toBe(suffixHash(s));
      }),
      { numRuns: 3000 },
    );
  });
});
