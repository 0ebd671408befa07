import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/indicators/classify.js';
import {
  formatIPv4,
  formatIPv6,
  parseIPv4,
  parseIPv6,
  parseIpInterval,
  rangeToCidrs4,
  rangeToCidrs6,
} from '../../src/indicators/ip.js';

describe('parseIPv4 / formatIPv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['1.2.3.4', 0x01020304],
    ['255.255.255.255', 4294967295],
    ['128.0.0.1', 2147483649],
  ])('%s ↔ %d', (s, n) => {
    expect(parseIPv4(s)).toBe(n);
    expect(formatIPv4(n)).toBe(s);
  });

  it.each([
    '010.0.0.1',
    '1.2.3',
    '0x1.0.0.1',
    '1.2.3.4.5',
    '256.1.1.1',
    '',
    '1.2.3.4 ',
    '+1.2.3.4',
    '1.2.3.-4',
    '00.1.1.1',
  ])('refuses %j', (s) => expect(parseIPv4(s)).toBe(-1));
});

describe('parseIPv6 / formatIPv6 (RFC 5952)', () => {
  it.each([
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run wins
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of equal runs wins
    ['2001:DB8::ABCD', '2001:db8::abcd'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::1.2.3.4', '::102:304'],
  ])('%s → %s', (input, canonical) => {
    const v = parseIPv6(input);
    expect(v).not.toBeNull();
    expect(formatIPv6(v!)).toBe(canonical);
  });

  it.each([
    '',
    ':',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    'fe80::1%eth0',
    '12345::',
    '::g',
    '1.2.3.4',
    '::1.2.3',
    '[::1]',
    '::1/128',
  ])('refuses %j', (s) => expect(parseIPv6(s)).toBeNull());
});

describe('ranges to CIDRs', () => {
  it('covers a range exactly with the fewest blocks', () => {
    const blocks = rangeToCidrs4(parseIPv4('10.0.0.1'), parseIPv4('10.0.0.254'));
    expect(blocks.map((b) => `${formatIPv4(b.start)}/${b.prefix}`)).toEqual([
      '10.0.0.1/32',
      '10.0.0.2/31',
      '10.0.0.4/30',
      '10.0.0.8/29',
      '10.0.0.16/28',
      '10.0.0.32/27',
      '10.0.0.64/26',
      '10.0.0.128/26',
      '10.0.0.192/27',
      '10.0.0.224/28',
      '10.0.0.240/29',
      '10.0.0.248/30',
      '10.0.0.252/31',
      '10.0.0.254/32',
    ]);
    expect(rangeToCidrs6(0n, (1n << 128n) - 1n)).toEqual([{ start: 0n, prefix: 0 }]);
  });

  it('property: the blocks tile the range with no gap or overlap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4294967295 }), fc.integer({ min: 0, max: 70000 }), (a, span) => {
        const last = Math.min(4294967295, a + span);
        let next = a;
        for (const b of rangeToCidrs4(a, last)) {
          expect(b.start).toBe(next);
          expect(b.start % 2 ** (32 - b.prefix)).toBe(0);
          next = b.start + 2 ** (32 - b.prefix);
        }
        expect(next).toBe(last + 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseIpInterval', () => {
  it('gives inclusive bounds, host bits ignored', () => {
    expect(parseIpInterval('10.1.2.3/8')).toEqual({
      family: 4,
      first: 167772160,
      last: 184549375,
      prefix: 8,
    });
    expect(parseIpInterval('2001:db8::/32')).toMatchObject({ family: 6, prefix: 32 });
    expect(parseIpInterval('010.0.0.0/8')).toBeNull();
  });
});

describe('properties', () => {
  it('canonical IPv4 text round-trips through parse/format and classify', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4294967295 }), (n) => {
        const s = formatIPv4(n);
        expect(parseIPv4(s)).toBe(n);
        const c = classify(s);
        expect(c.ok && c.indicators[0]?.value).toBe(s);
      }),
    );
  });

  it('canonical IPv6 text round-trips, and any text form canonicalises to the same value', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const v = parseIPv6(text);
        expect(v).not.toBeNull();
        const canonical = formatIPv6(v!);
        expect(parseIPv6(canonical)).toBe(v);
        expect(formatIPv6(parseIPv6(canonical)!)).toBe(canonical);
        expect(canonical).toBe(canonical.toLowerCase());
        expect(canonical).not.toMatch(/(^|:)0[0-9a-f]/);
      }),
    );
  });

  it('classify never throws and always answers ok or a known reason', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.domain(), fc.webUrl(), fc.ipV4Extended()),
        (s) => {
          const c = classify(s);
          if (c.ok) expect(c.indicators.length).toBeGreaterThan(0);
          else expect(['invalid', 'not-network']).toContain(c.reason);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('every accepted domain obeys the DNS length and character rules', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const c = classify(s);
        if (!c.ok) return;
        for (const i of c.indicators) {
          if (i.type !== 'domain') continue;
          expect(i.value.length).toBeLessThanOrEqual(253);
          expect(i.value).toMatch(/^[a-z0-9_-]{1,63}(\.[a-z0-9_-]{1,63})*$/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
