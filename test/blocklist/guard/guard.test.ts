import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IPv4Union } from '../../../src/blocklist/engine/ipv4-union.js';
import { IPv4Index } from '../../../src/blocklist/engine/ranges.js';
import { ConfigError } from '../../../src/errors.js';
import {
  createGuard,
  DEFAULT_GUARD_OPTIONS,
  type GuardOptions,
  type GuardVerdict,
} from '../../../src/blocklist/guard/guard.js';
import { classify } from '../../../src/indicators/classify.js';

function guardWith(overrides: Partial<GuardOptions> = {}) {
  const g = createGuard({ ...DEFAULT_GUARD_OPTIONS, ...overrides });
  return {
    guard: g,
    /** Classifies `raw` and checks its (first) indicator. */
    check(raw: string): GuardVerdict {
      const c = classify(raw);
      if (!c.ok) throw new Error(`test value ${raw} does not classify: ${c.detail}`);
      return g.check(c.indicators[0]!);
    },
  };
}

const builtin = guardWith();

describe('guard: special-purpose ranges (guarded, any overlap)', () => {
  it.each([
    ['10.1.2.3', /10\.0\.0\.0\/8.*RFC 1918/],
    ['172.16.5.4', /172\.16\.0\.0\/12/],
    ['192.168.113.98', /192\.168\.0\.0\/16/],
    ['127.0.0.1', /loopback/],
    ['0.0.0.0', /this network/],
    ['169.254.1.1', /link-local/],
    ['100.64.1.1', /RFC 6598/],
    ['192.0.2.10', /TEST-NET-1/],
    ['224.0.0.251', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['10.0.0.0/8', /RFC 1918/],
    ['::', /unspecified/],
    ['::1', /loopback/],
    ['fd00::1', /unique local/],
    ['fe80::1', /link-local/],
    ['ff02::1', /multicast/],
    ['2001:db8::1', /RFC 3849/],
    ['64:ff9b::1.2.3.4', /NAT64/],
  ])('%s', (raw, detail) => {
    const v = builtin.check(raw);
    expect(v?.reason).toBe('guarded');
    expect(v?.detail).toMatch(detail);
  });

  it('refuses a wide network that contains a special range', () => {
    const g = guardWith({ minPrefixV4: 0, minPrefixV6: 0 });
    expect(g.check('10.0.0.0/7')).toMatchObject({
      reason: 'guarded',
      detail: expect.stringMatching(/10\.0\.0\.0\/8/),
    });
    expect(g.check('0.0.0.0/0')).toMatchObject({ reason: 'guarded' });
    expect(g.check('fc00::/6')).toMatchObject({
      reason: 'guarded',
      detail: expect.stringMatching(/fc00::\/7|ff00::\/8/),
    });
  });

  it('accepts exactly the minimum prefix when nothing special overlaps', () => {
    const g = guardWith({ warninglists: false });
    expect(g.check('11.0.0.0/8')).toBeNull();
    expect(g.check('2a00::/32')).toBeNull();
  });

  it('applies the special ranges even with warninglists off', () => {
    const g = guardWith({ warninglists: false });
    expect(g.check('10.1.2.3')).toMatchObject({ reason: 'guarded' });
    expect(g.check('8.8.8.8')).toBeNull();
  });
});

describe('guard: prefix length', () => {
  it.each([
    ['10.0.0.0/7', 'guarded'],
    ['1.0.0.0/7', 'guarded'],
    ['2a00::/31', 'guarded'],
  ])('%s is too wide', (raw) => {
    expect(builtin.check(raw)).toMatchObject({
      reason: 'guarded',
      detail: expect.stringMatching(/wider than the minimum/),
    });
  });

  it('follows the configured minimum', () => {
    const g = guardWith({ minPrefixV4: 16, minPrefixV6: 48 });
    expect(g.check('11.0.0.0/15')).toMatchObject({ reason: 'guarded' });
    expect(g.check('11.0.0.0/16')).toBeNull();
    expect(g.check('2a00:1::/47')).toMatchObject({ reason: 'guarded' });
    expect(g.check('2a00:1::/48')).toBeNull();
  });
});

describe('guard: protected networks and target addresses', () => {
  const g = guardWith({
    protectedNetworks: ['81.2.0.0/16', '2a02:1234::/32'],
    targetAddresses: ['https://45.1.2.3:8443', 'tcp://[2a03:1::1]:8728', 'fw.customer-one.net'],
  });

  it.each([
    ['81.2.3.4', /protected network 81\.2\.0\.0\/16/],
    ['81.0.0.0/8', /protected network/],
    ['2a02:1234::5', /protected network 2a02:1234::\/32/],
    ['45.1.2.3', /target address 45\.1\.2\.3/],
    ['45.1.2.0/24', /target address/],
    ['2a03:1::1', /target address/],
    ['fw.customer-one.net', /target address/],
    ['customer-one.net', /target address/],
  ])('%s → guarded', (raw, detail) => {
    expect(g.check(raw)).toMatchObject({ reason: 'guarded', detail: expect.stringMatching(detail) });
  });

  it('leaves neighbours alone', () => {
    expect(g.check('81.3.0.1')).toBeNull();
    expect(g.check('45.1.2.4')).toBeNull();
  });

  it('refuses unusable configuration with a ConfigError', () => {
    expect(() => createGuard({ ...DEFAULT_GUARD_OPTIONS, protectedNetworks: ['010.0.0.0/8'] })).toThrow(
      ConfigError,
    );
    expect(() =>
      createGuard({ ...DEFAULT_GUARD_OPTIONS, protectedNetworks: ['intranet.example.org'] }),
    ).toThrow(ConfigError);
    expect(() =>
      createGuard({ ...DEFAULT_GUARD_OPTIONS, allowlist: { domains: ['1.2.3.4'], ips: [] } }),
    ).toThrow(ConfigError);
  });
});

describe('guard: allowlist', () => {
  const g = guardWith({
    allowlist: { domains: ['3cx.com', 'login.partner-portal.net'], ips: ['45.9.9.9', '46.0.0.0/24'] },
  });

  it.each([
    ['3cx.com', /allowlist 3cx\.com/],
    ['www.3cx.com', /allowlist 3cx\.com/],
    ['a.b.3cx.com', /allowlist 3cx\.com/],
    ['partner-portal.net', /login\.partner-portal\.net/], // a parent would block the allowlisted name
    ['45.9.9.9', /allowlist 45\.9\.9\.9/],
    ['46.0.0.128/25', /allowlist 46\.0\.0\.0\/24/],
    ['46.0.0.7', /allowlist 46\.0\.0\.0\/24/],
  ])('%s → allowlisted', (raw, detail) => {
    expect(g.check(raw)).toMatchObject({ reason: 'allowlisted', detail: expect.stringMatching(detail) });
  });

  it('never matches by substring', () => {
    expect(g.check('code9.3cx.com.au')).toBeNull();
    expect(g.check('my3cx.fr')).toBeNull();
    expect(g.check('3cx-en.com')).toBeNull();
    expect(g.check('not3cx.com')).toBeNull();
  });

  it('keeps a wider CIDR containing an allowlisted address and exposes the hole', () => {
    expect(g.check('45.9.9.0/24')).toBeNull();
    expect(g.guard.allowlistNetworks).toEqual(['45.9.9.9', '46.0.0.0/24']);
  });
});

describe('guard: public suffixes', () => {
  it.each(['com', 'co.uk', 'github.io', 'workers.dev', 'blob.core.windows.net', '*.co.uk'])(
    '%s → public-suffix',
    (raw) => {
      expect(builtin.check(raw)).toMatchObject({ reason: 'public-suffix' });
    },
  );

  it('allows a user name below a private suffix', () => {
    expect(builtin.check('evil.github.io')).toBeNull();
    expect(builtin.check('evil.workers.dev')).toBeNull();
    expect(builtin.check('x.blob.core.windows.net')).toBeNull();
  });

  it.each([
    'localhost',
    'printer.local',
    'foo.test',
    'xn--bcher-kva.example',
    'example.com',
    'mail.example.org',
    '10.in-addr.arpa',
  ])('%s → guarded special-use name', (raw) =>
    expect(builtin.check(raw)).toMatchObject({
      reason: 'guarded',
      detail: expect.stringMatching(/special-use/),
    }),
  );
});

describe('interval indexes', () => {
  it('property: the merged union and the labelled index agree on overlap', () => {
    const interval = fc
      .tuple(fc.integer({ min: 0, max: 4294967295 }), fc.integer({ min: 0, max: 1 << 20 }))
      .map(([first, span]) => ({ first, last: Math.min(4294967295, first + span), label: 'x' }));
    fc.assert(
      fc.property(
        fc.array(interval, { maxLength: 40 }),
        fc.array(interval, { minLength: 1, maxLength: 20 }),
        (items, queries) => {
          const index = new IPv4Index(items);
          const union = new IPv4Union(items);
          for (const q of queries) {
            const expected = items.some((i) => i.first <= q.last && i.last >= q.first);
            expect(index.overlaps(q.first, q.last)).toBe(expected);
            expect(index.find(q.first, q.last) !== null).toBe(expected);
            expect(union.overlaps(q.first, q.last)).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
