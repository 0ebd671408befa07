/**
 * The line screen's rule (src/blocklist/engine/threads/screen-lines.ts) against the guard it stands in for:
 * a line gets a code exactly when the collector's fast path would only store it (the guard passes
 * it and no shared-host note is due), and the code is the value the collector would store.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IPv4Union } from '../../../../src/blocklist/engine/ipv4-union.js';
import { screenLines } from '../../../../src/blocklist/engine/threads/screen-lines.js';
import {
  createGuard,
  DEFAULT_GUARD_OPTIONS,
  type GuardOptions,
} from '../../../../src/blocklist/guard/guard.js';
import { classifyIPv4PackedBytes, IPV4_PACK } from '../../../../src/indicators/fast-path.js';

/** Addresses near what the guard knows: resolvers, CDN and special ranges, the configured ones. */
const NEAR = [
  '8.8.8.8',
  '1.1.1.1',
  '9.9.9.9',
  '45.33.33.234',
  '23.32.0.1',
  '104.16.0.1',
  '151.101.1.1',
  '10.1.2.3',
  '100.64.0.1',
  '127.0.0.1',
  '169.254.1.1',
  '172.16.5.5',
  '192.0.2.7',
  '192.168.1.1',
  '198.51.100.1',
  '203.0.113.9',
  '224.0.0.1',
  '240.0.0.1',
  '255.255.255.255',
  '0.0.0.0',
  '203.0.114.1',
  '198.18.0.1',
  '140.82.112.3',
  '185.199.108.153',
  '52.1.2.3',
  '77.88.8.8',
];

const octet = fc.integer({ min: 0, max: 255 });
const address = fc.oneof(
  fc.tuple(octet, octet, octet, octet).map((o) => o.join('.')),
  fc.constantFrom(...NEAR),
);
/** Lines: addresses, networks (host bits set or not, any prefix), and near-misses of the syntax. */
const line = fc.oneof(
  { weight: 4, arbitrary: address },
  { weight: 3, arbitrary: fc.tuple(address, fc.integer({ min: 0, max: 33 })).map(([a, p]) => `${a}/${p}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '\r',
      '01.2.3.4',
      '1.2.3',
      '1.2.3.4.',
      ' 1.2.3.4',
      '1.2.3.4 ',
      'evil.example',
      '# 1.2.3.4',
      '1.2.3.04/24',
      '1.2.3.0/024',
    ),
  },
  { weight: 1, arbitrary: address.map((a) => `${a}\r`) },
);

/** The collector's fast path for one line: the packed value it stores, or -1 when it does anything else. */
function fastPathStores(text: string, guardOptions: GuardOptions): number {
  const guard = createGuard(guardOptions);
  const bytes = Buffer.from(text, 'latin1');
  const packed = classifyIPv4PackedBytes(bytes, 0, bytes.length);
  if (packed < 0) return -1;
  const prefix = packed % IPV4_PACK;
  const first = (packed - prefix) / IPV4_PACK;
  const last = first + 2 ** (32 - prefix) - 1;
  if (guard.checkIPv4(first, last, prefix) !== null) return -1;
  return guard.sharedHostIPv4(first, last, prefix) === null ? packed : -1;
}

const CONFIGS: GuardOptions[] = [
  DEFAULT_GUARD_OPTIONS,
  { ...DEFAULT_GUARD_OPTIONS, sharedHostPolicy: 'warn' },
  { ...DEFAULT_GUARD_OPTIONS, warninglists: false, minPrefixV4: 16 },
  {
    ...DEFAULT_GUARD_OPTIONS,
    protectedNetworks: ['52.0.0.0/16'],
    targetAddresses: ['77.88.8.8'],
    allowlist: { domains: [], ips: ['140.82.112.0/20'] },
    sharedHostPolicy: 'warn',
  },
];

describe('the line screen', () => {
  it('property: codes a line exactly when the fast path would only store it, with that value', () => {
    const rules = CONFIGS.map((options) => {
      const screen = createGuard(options).ipv4Screen();
      return {
        options,
        rule: { minPrefix: screen.minPrefix, unions: screen.unions.map((u) => new IPv4Union(u)) },
      };
    });
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 40 }),
        fc.constantFrom(...rules),
        (lines, { options, rule }) => {
          const codes = screenLines(Buffer.from(lines.map((l) => `${l}\n`).join(''), 'latin1'), rule);
          expect(codes.length).toBe(lines.length);
          lines.forEach((text, j) => {
            const content = text.endsWith('\r') ? text.slice(0, -1) : text;
            expect(codes[j], JSON.stringify(text)).toBe(
              content === '' ? -1 : fastPathStores(content, options),
            );
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers nothing for bytes after the last line ending', () => {
    const screen = createGuard(DEFAULT_GUARD_OPTIONS).ipv4Screen();
    const rule = { minPrefix: screen.minPrefix, unions: screen.unions.map((u) => new IPv4Union(u)) };
    const codes = screenLines(Buffer.from('5.6.7.8\r\n\n10.0.0.1\n5.6.7.9'), rule);
    expect([...codes]).toEqual([(5 * 2 ** 24 + 6 * 2 ** 16 + 7 * 256 + 8) * IPV4_PACK + 32, -1, -1]);
  });
});
