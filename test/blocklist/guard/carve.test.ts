import { describe, expect, it } from 'vitest';
import { MAX_CARVED_PARTS } from '../../../src/blocklist/guard/carve.js';
import { createGuard, DEFAULT_GUARD_OPTIONS, type GuardOptions } from '../../../src/blocklist/guard/guard.js';
import { classify } from '../../../src/indicators/classify.js';
import type { NetworkIndicator } from '../../../src/indicators/types.js';

function ind(raw: string): NetworkIndicator {
  const c = classify(raw);
  if (!c.ok) throw new Error(`test value ${raw} does not classify`);
  return c.indicators[0]!;
}

const make = (o: Partial<GuardOptions> = {}) => createGuard({ ...DEFAULT_GUARD_OPTIONS, ...o });

describe('src/blocklist/guard/carve', () => {
  it('carves a public resolver out of a feed network (issue 10: 45.33.33.7/23)', () => {
    const v = make().check(ind('45.33.33.7/23'));
    expect(v?.carve).toEqual([
      {
        value: '45.33.33.234',
        reason: 'warninglisted',
        detail: 'public-dns-v4; carved out of 45.33.32.0/23',
      },
    ]);
  });

  it('carves the same through the numeric IPv4 entry point', () => {
    const g = make();
    const first = (45 << 24) + (33 << 16) + (32 << 8);
    expect(g.checkIPv4(first >>> 0, (first >>> 0) + 511, 23)).toEqual(g.check(ind('45.33.32.0/23')));
  });

  it('carves protected networks and target addresses inside a network, as guarded', () => {
    const g = make({ protectedNetworks: ['45.1.2.0/28'], targetAddresses: ['45.1.3.1'] });
    expect(g.check(ind('45.1.0.0/16'))?.carve).toEqual([
      {
        value: '45.1.2.0/28',
        reason: 'guarded',
        detail: 'protected network 45.1.2.0/28; carved out of 45.1.0.0/16',
      },
      { value: '45.1.3.1', reason: 'guarded', detail: 'target address 45.1.3.1; carved out of 45.1.0.0/16' },
    ]);
  });

  it('carves IPv6 resolvers out of an IPv6 network', () => {
    const v = make().check(ind('2001:4860:4860::/48'));
    expect(v?.carve?.map((p) => p.value)).toEqual(
      expect.arrayContaining(['2001:4860:4860::8888', '2001:4860:4860::8844']),
    );
  });

  it('refuses whole: a single address, a network inside a protected one, and too many parts', () => {
    const g = make({
      protectedNetworks: [
        '45.0.0.0/12',
        ...Array.from({ length: MAX_CARVED_PARTS + 1 }, (_, i) => `46.1.1.${i * 2}`),
      ],
    });
    expect(g.check(ind('45.33.33.234'))).toEqual({ reason: 'warninglisted', detail: 'public-dns-v4' });
    expect(g.check(ind('45.1.0.0/16'))).toEqual({
      reason: 'guarded',
      detail: 'protected network 45.0.0.0/12',
    });
    const many = g.check(ind('46.1.1.0/24'));
    expect(many).toMatchObject({ reason: 'guarded' });
    expect(many?.carve).toBeUndefined();
  });

  it('never carves out of a network touching special-purpose space', () => {
    const v = make({ protectedNetworks: ['192.0.2.0/24'] }).check(ind('192.0.0.0/16'));
    expect(v).toMatchObject({ reason: 'guarded' });
    expect(v?.carve).toBeUndefined();
  });
});
